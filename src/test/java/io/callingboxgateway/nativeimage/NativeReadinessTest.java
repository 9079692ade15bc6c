package io.callingboxgateway.nativeimage;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;
import org.objectweb.asm.Type;
import org.objectweb.asm.tree.AbstractInsnNode;
import org.objectweb.asm.tree.AnnotationNode;
import org.objectweb.asm.tree.ClassNode;
import org.objectweb.asm.tree.LdcInsnNode;
import org.objectweb.asm.tree.MethodInsnNode;
import org.objectweb.asm.tree.MethodNode;
import org.objectweb.asm.tree.VarInsnNode;
import org.objectweb.asm.tree.analysis.Analyzer;
import org.objectweb.asm.tree.analysis.AnalyzerException;
import org.objectweb.asm.tree.analysis.BasicValue;
import org.objectweb.asm.tree.analysis.Frame;
import org.objectweb.asm.tree.analysis.SimpleVerifier;
import org.objectweb.asm.tree.analysis.SourceInterpreter;
import org.objectweb.asm.tree.analysis.SourceValue;

/**
 * A native image only knows the classes the build registered for reflection. Quarkus registers the
 * types of JAX-RS method signatures and entities by itself; every other type that Jackson reads or
 * writes (an {@code ObjectMapper} target, a {@code Response} entity, an SSE or push payload, a problem
 * body, and every type nested in those) must be registered by us, or the native executable fails at run
 * time while every JVM test passes. This test finds those types in the compiled code, so a new one cannot
 * slip through, and checks them against the reflection configuration of a native-sources build
 * ({@code -Dquarkus.native.enabled=true -Dquarkus.native.sources-only=true}, run by .ci/run). It checks
 * the resources the code loads (Flyway migrations, {@code getResource} names) the same way.
 *
 * <p>Without {@code target/native-sources} the test is skipped, unless {@code native.readiness.required}
 * is true (as in .ci/run), where a missing build is a failure.
 */
class NativeReadinessTest {

    private static final String OUR_PACKAGE = "io/callingboxgateway/";

    /** Methods that hand a value or a class to Jackson; every reference argument of theirs is a root. */
    private static final Map<String, Set<String>> JSON_SINKS = Map.of(
            "com/fasterxml/jackson/databind/ObjectMapper",
            Set.of(
                    "readValue",
                    "readValues",
                    "writeValue",
                    "writeValueAsBytes",
                    "writeValueAsString",
                    "convertValue",
                    "valueToTree",
                    "treeToValue",
                    "readerFor",
                    "writerFor",
                    "updateValue"),
            "com/fasterxml/jackson/databind/ObjectReader",
            Set.of("readValue", "readValues", "forType", "treeToValue"),
            "com/fasterxml/jackson/databind/ObjectWriter",
            Set.of("writeValue", "writeValueAsBytes", "writeValueAsString", "forType"),
            "jakarta/ws/rs/core/Response",
            Set.of("ok", "accepted"),
            "jakarta/ws/rs/core/Response$ResponseBuilder",
            Set.of("entity"),
            "jakarta/ws/rs/sse/OutboundSseEvent$Builder",
            Set.of("data"));

    private static final Set<String> VALUE_PARAMETERS = Set.of("java/lang/Object", "java/lang/Class");

    private static Path classesDir;
    private static ZipFile runner;
    private static Set<String> fullyReflective;
    private static List<Pattern> resourcePatterns;

    @BeforeAll
    static void readNativeSources() throws Exception {
        classesDir = Paths.get(NativeReadinessTest.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .resolveSibling("classes");
        Path nativeSources = classesDir.resolveSibling("native-sources");
        Path runnerJar = null;
        if (Files.isDirectory(nativeSources)) {
            try (Stream<Path> files = Files.list(nativeSources)) {
                runnerJar = files.filter(p -> p.getFileName().toString().endsWith("-runner.jar"))
                        .findFirst()
                        .orElse(null);
            }
        }
        if (runnerJar == null) {
            if (Boolean.getBoolean("native.readiness.required")) {
                fail("no native sources in " + nativeSources + ": run ./mvnw package -DskipTests"
                        + " -Dquarkus.native.enabled=true -Dquarkus.native.sources-only=true first");
            }
            Assumptions.abort("no native-sources build in " + nativeSources + "; .ci/run makes one");
        }
        runner = new ZipFile(runnerJar.toFile());
        ObjectMapper mapper = new ObjectMapper();
        fullyReflective = new HashSet<>();
        for (JsonNode entry : mapper.readTree(read("META-INF/native-image/reflect-config.json"))) {
            // What Jackson needs of a bean or record: its constructors, its accessors and its fields
            if (entry.path("allDeclaredConstructors").asBoolean()
                    && entry.path("allDeclaredMethods").asBoolean()
                    && entry.path("allDeclaredFields").asBoolean()) {
                fullyReflective.add(entry.path("name").asText());
            }
        }
        resourcePatterns = new ArrayList<>();
        JsonNode resources = mapper.readTree(read("META-INF/native-image/resource-config.json"));
        for (JsonNode include : resources.path("resources").path("includes")) {
            resourcePatterns.add(Pattern.compile(include.path("pattern").asText()));
        }
    }

    private static byte[] read(String entry) throws IOException {
        try (InputStream in = runner.getInputStream(runner.getEntry(entry))) {
            return in.readAllBytes();
        }
    }

    @Test
    void every_type_jackson_handles_outside_resource_signatures_is_registered_for_reflection() throws Exception {
        CodeScan scan = CodeScan.of(classesDir);
        Map<String, Set<String>> needed = new TreeMap<>();
        Deque<Class<?>> work = new ArrayDeque<>();
        scan.jsonRoots.forEach((type, sites) -> {
            needed.computeIfAbsent(type.getName(), k -> new TreeSet<>()).addAll(sites);
            work.add(type);
        });
        Set<Class<?>> seen = new HashSet<>(work);
        while (!work.isEmpty()) {
            Class<?> type = work.poll();
            for (Class<?> nested : nestedTypes(type)) {
                if (ours(nested) && seen.add(nested)) {
                    needed.computeIfAbsent(nested.getName(), k -> new TreeSet<>())
                            .add("nested in " + type.getName());
                    work.add(nested);
                }
            }
        }
        System.out.println("Types Jackson handles outside resource signatures: " + needed.keySet());
        scan.unresolved.forEach(site -> System.out.println("Not an application type (not checked): " + site));

        // Sanity: the scan must find the call sites we know exist, or it has stopped seeing anything
        assertTrue(
                needed.containsKey("io.callingboxgateway.problem.Problem"),
                "the scan no longer finds the problem body written by Problem.toResponse(): " + needed.keySet());

        Map<String, Set<String>> missing = new TreeMap<>(needed);
        missing.keySet().removeAll(fullyReflective);
        assertTrue(
                missing.isEmpty(),
                "not registered for reflection in the native image (add them to "
                        + "io.callingboxgateway.nativeimage.JsonTypes): " + describe(missing));
    }

    @Test
    void every_resource_the_code_loads_is_in_the_native_image() throws Exception {
        CodeScan scan = CodeScan.of(classesDir);
        Set<String> loaded = new TreeSet<>(scan.loadedResources);
        Path migrations = classesDir.resolve("db/migration");
        try (Stream<Path> files = Files.list(migrations)) {
            files.map(p -> "db/migration/" + p.getFileName()).forEach(loaded::add);
        }
        assertFalse(loaded.isEmpty(), "no migrations found under " + migrations);
        List<String> missing = loaded.stream()
                .filter(name ->
                        resourcePatterns.stream().noneMatch(p -> p.matcher(name).matches()))
                .toList();
        assertTrue(
                missing.isEmpty(),
                "resources the application loads are missing from the native image"
                        + " (quarkus.native.resources.includes): " + missing);
    }

    private static String describe(Map<String, Set<String>> types) {
        StringBuilder text = new StringBuilder();
        types.forEach(
                (type, sites) -> text.append("\n  ").append(type).append(" <- ").append(String.join("; ", sites)));
        return text.toString();
    }

    private static boolean ours(Class<?> type) {
        return type.getName().startsWith("io.callingboxgateway.") && !type.isAnnotation();
    }

    /** The types Jackson meets inside a value of this type: record components, properties, fields. */
    private static Set<Class<?>> nestedTypes(Class<?> type) {
        Set<Class<?>> found = new LinkedHashSet<>();
        if (type.isRecord()) {
            for (RecordComponent component : type.getRecordComponents()) {
                collect(component.getGenericType(), found);
            }
            return found;
        }
        for (Method method : type.getMethods()) {
            if (method.getDeclaringClass() != Object.class
                    && method.getParameterCount() == 0
                    && !Modifier.isStatic(method.getModifiers())
                    && (method.getName().startsWith("get") || method.getName().startsWith("is"))) {
                collect(method.getGenericReturnType(), found);
            }
        }
        for (Field field : type.getFields()) {
            if (!Modifier.isStatic(field.getModifiers())) {
                collect(field.getGenericType(), found);
            }
        }
        return found;
    }

    private static void collect(java.lang.reflect.Type type, Set<Class<?>> into) {
        if (type instanceof Class<?> c) {
            if (c.isArray()) {
                collect(c.getComponentType(), into);
            } else {
                into.add(c);
            }
        } else if (type instanceof ParameterizedType p) {
            collect(p.getRawType(), into);
            for (java.lang.reflect.Type argument : p.getActualTypeArguments()) {
                collect(argument, into);
            }
        } else if (type instanceof GenericArrayType a) {
            collect(a.getGenericComponentType(), into);
        } else if (type instanceof WildcardType w) {
            for (java.lang.reflect.Type bound : w.getUpperBounds()) {
                collect(bound, into);
            }
        } else if (type instanceof TypeVariable<?> v) {
            for (java.lang.reflect.Type bound : v.getBounds()) {
                collect(bound, into);
            }
        }
    }

    /**
     * What the compiled application hands to Jackson and loads as a resource, found by a data-flow
     * analysis of every method (ASM's verifier knows the static type of each stack value).
     */
    private static final class CodeScan {
        final Map<Class<?>, Set<String>> jsonRoots = new java.util.LinkedHashMap<>();
        final Set<String> unresolved = new TreeSet<>();
        final Set<String> loadedResources = new TreeSet<>();

        static CodeScan of(Path classesDir) throws Exception {
            List<ClassNode> classes = new ArrayList<>();
            try (Stream<Path> files = Files.walk(classesDir)) {
                for (Path file :
                        files.filter(p -> p.toString().endsWith(".class")).toList()) {
                    ClassNode node = new ClassNode();
                    new ClassReader(Files.readAllBytes(file)).accept(node, 0);
                    if (!devAndTestOnly(node)) {
                        classes.add(node);
                    }
                }
            }
            CodeScan scan = new CodeScan();
            scan.run(classes);
            return scan;
        }

        /** Beans of dev and test builds only (the sandbox) are not in the packaged application. */
        private static boolean devAndTestOnly(ClassNode node) {
            if (node.invisibleAnnotations == null && node.visibleAnnotations == null) {
                return false;
            }
            List<AnnotationNode> annotations = new ArrayList<>();
            if (node.visibleAnnotations != null) {
                annotations.addAll(node.visibleAnnotations);
            }
            for (AnnotationNode annotation : annotations) {
                if (annotation.desc.equals("Lio/quarkus/arc/profile/IfBuildProfile;") && annotation.values != null) {
                    for (int i = 0; i < annotation.values.size(); i += 2) {
                        Object value = annotation.values.get(i + 1);
                        if (value instanceof List<?> profiles && !profiles.contains("prod")) {
                            return true;
                        }
                        if (value instanceof String profile && !profile.equals("prod")) {
                            return true;
                        }
                    }
                }
            }
            return false;
        }

        private void run(List<ClassNode> classes) throws Exception {
            // A sink is a method + argument index whose value reaches Jackson. Our own methods become
            // sinks when they pass a parameter on to one (e.g. a private write(Object) helper).
            Set<String> ourSinks = new HashSet<>();
            boolean grew = true;
            while (grew) {
                grew = false;
                jsonRoots.clear();
                unresolved.clear();
                for (ClassNode owner : classes) {
                    for (MethodNode method : owner.methods) {
                        for (String sink : scanMethod(owner, method, ourSinks)) {
                            grew |= ourSinks.add(sink);
                        }
                    }
                }
            }
        }

        /** Scans one method; answers the (method, parameter) pairs that forward an Object to a sink. */
        private List<String> scanMethod(ClassNode owner, MethodNode method, Set<String> ourSinks)
                throws AnalyzerException {
            List<String> forwarded = new ArrayList<>();
            if (method.instructions.size() == 0) {
                return forwarded;
            }
            Frame<BasicValue>[] types = null;
            Frame<SourceValue>[] sources = null;
            AbstractInsnNode[] insns = method.instructions.toArray();
            for (int i = 0; i < insns.length; i++) {
                if (!(insns[i] instanceof MethodInsnNode call)) {
                    continue;
                }
                if (isResourceLoad(call)) {
                    if (sources == null) {
                        sources = new Analyzer<>(new SourceInterpreter()).analyze(owner.name, method);
                    }
                    Frame<SourceValue> frame = sources[i];
                    if (frame != null) {
                        SourceValue name = frame.getStack(frame.getStackSize() - 1);
                        for (AbstractInsnNode source : name.insns) {
                            if (source instanceof LdcInsnNode ldc && ldc.cst instanceof String resource) {
                                loadedResources.add(resource.startsWith("/") ? resource.substring(1) : resource);
                            }
                        }
                    }
                    continue;
                }
                boolean jackson = JSON_SINKS.getOrDefault(call.owner, Set.of()).contains(call.name);
                boolean forwarding = call.owner.startsWith(OUR_PACKAGE)
                        && ourSinks.stream().anyMatch(s -> s.startsWith(key(call.owner, call.name, call.desc)));
                if (!jackson && !forwarding) {
                    continue;
                }
                if (types == null) {
                    SimpleVerifier verifier = new SimpleVerifier();
                    verifier.setClassLoader(NativeReadinessTest.class.getClassLoader());
                    types = new Analyzer<>(verifier).analyze(owner.name, method);
                    sources = sources != null
                            ? sources
                            : new Analyzer<>(new SourceInterpreter()).analyze(owner.name, method);
                }
                Frame<BasicValue> frame = types[i];
                if (frame == null) {
                    continue; // unreachable code
                }
                Type[] arguments = Type.getArgumentTypes(call.desc);
                int first = frame.getStackSize() - arguments.length;
                String site = owner.name.replace('/', '.') + "." + method.name + " -> " + call.name;
                for (int a = 0; a < arguments.length; a++) {
                    if (forwarding && !ourSinks.contains(key(call.owner, call.name, call.desc) + "#" + a)) {
                        continue;
                    }
                    Type declared = arguments[a];
                    // Only a parameter declared as Object or Class carries a type Jackson binds by
                    // reflection; byte[], String, JsonParser or MediaType arguments do not.
                    if (!forwarding && !VALUE_PARAMETERS.contains(declared.getInternalName())) {
                        continue;
                    }
                    int slot = first + a;
                    if (declared.getClassName().equals("java.lang.Class")) {
                        for (AbstractInsnNode source : sources[i].getStack(slot).insns) {
                            if (source instanceof LdcInsnNode ldc && ldc.cst instanceof Type constant) {
                                root(constant, site);
                            }
                        }
                        continue;
                    }
                    Type actual = frame.getStack(slot).getType();
                    if (actual == null || actual.getInternalName().equals("java/lang/Object")) {
                        int parameter = parameterOf(method, sources[i].getStack(slot));
                        if (parameter >= 0) {
                            forwarded.add(key(owner.name, method.name, method.desc) + "#" + parameter);
                        } else {
                            unresolved.add(site + " (static type Object)");
                        }
                        continue;
                    }
                    root(actual, site);
                }
            }
            return forwarded;
        }

        private void root(Type type, String site) {
            Type element = type.getSort() == Type.ARRAY ? type.getElementType() : type;
            if (element.getSort() != Type.OBJECT || !element.getInternalName().startsWith(OUR_PACKAGE)) {
                unresolved.add(site + " (" + element.getClassName() + ")");
                return;
            }
            try {
                Class<?> loaded =
                        Class.forName(element.getClassName(), false, NativeReadinessTest.class.getClassLoader());
                jsonRoots.computeIfAbsent(loaded, k -> new TreeSet<>()).add(site);
            } catch (ClassNotFoundException e) {
                throw new IllegalStateException(e);
            }
        }

        /** The index of the method parameter a value is read from, if it is nothing but that parameter. */
        private static int parameterOf(MethodNode method, SourceValue value) {
            if (value.insns.size() != 1 || !(value.insns.iterator().next() instanceof VarInsnNode load)) {
                return -1;
            }
            int slot = (method.access & Opcodes.ACC_STATIC) != 0 ? 0 : 1;
            Type[] parameters = Type.getArgumentTypes(method.desc);
            for (int p = 0; p < parameters.length; p++) {
                if (slot == load.var) {
                    return p;
                }
                slot += parameters[p].getSize();
            }
            return -1;
        }

        private static boolean isResourceLoad(MethodInsnNode call) {
            return (call.owner.equals("java/lang/ClassLoader") || call.owner.equals("java/lang/Class"))
                    && (call.name.equals("getResource")
                            || call.name.equals("getResourceAsStream")
                            || call.name.equals("getResources"));
        }

        private static String key(String owner, String name, String desc) {
            return owner + "." + name + desc;
        }
    }
}
