package io.callingboxgateway.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithName;
import io.smallrye.config.WithParentName;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The manifests under deploy/ must not drift from the code: every environment variable they set must
 * be a property the application reads, every secret key must be in the documented Secret, every port
 * and probe path must be one the application serves, and the public Ingress may route only to a
 * {@code POST} endpoint that exists. Valid names are derived from the {@code @ConfigMapping}
 * interfaces, application.properties and the JAX-RS annotations, so renaming a property or a path in
 * the code fails here instead of in a cluster.
 */
class DeployManifestsTest {

    /**
     * Variables that no mapping or application.properties line of ours declares, each with the reason
     * the gateway reads it anyway.
     */
    private static final Map<String, String> WELL_KNOWN = Map.ofEntries(
            Map.entry(
                    "QUARKUS_DATASOURCE_JDBC_URL", "Quarkus datasource; application.properties sets it for prod only"),
            Map.entry("QUARKUS_DATASOURCE_USERNAME", "Quarkus datasource"),
            Map.entry("QUARKUS_DATASOURCE_PASSWORD", "Quarkus datasource; a secret, never in a file"),
            Map.entry("QUARKUS_DATASOURCE_JDBC_MAX_SIZE", "Agroal pool size, sized in deploy/base/configmap.yaml"),
            Map.entry("QUARKUS_OTEL_SDK_DISABLED", "quarkus-opentelemetry: tracing is off unless this is false"),
            Map.entry("QUARKUS_OTEL_EXPORTER_OTLP_ENDPOINT", "quarkus-opentelemetry: where spans go"),
            Map.entry("QUARKUS_MANAGEMENT_PORT", "Quarkus management interface (health, metrics)"),
            Map.entry("JAVA_OPTS_APPEND", "run-java.sh of the JVM image (src/main/docker/Dockerfile.jvm)"),
            Map.entry("JAVA_MAX_MEM_RATIO", "run-java.sh of the JVM image: heap share of the memory limit"));

    /** Paths Quarkus serves on the management interface (non-application root /q). */
    private static final Set<String> MANAGEMENT_PATHS =
            Set.of("/q/health", "/q/health/live", "/q/health/ready", "/q/health/started", "/q/metrics");

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private static java.nio.file.Path deploy;
    private static java.nio.file.Path classes;
    private static Properties properties;
    private static List<Manifest> manifests;

    record Manifest(java.nio.file.Path file, JsonNode document) {
        String kind() {
            return document.path("kind").asText();
        }

        @Override
        public String toString() {
            return deploy.relativize(file) + " (" + kind() + " "
                    + document.path("metadata").path("name").asText() + ")";
        }
    }

    @BeforeAll
    static void readManifests() throws Exception {
        classes = Paths.get(DeployManifestsTest.class
                        .getProtectionDomain()
                        .getCodeSource()
                        .getLocation()
                        .toURI())
                .resolveSibling("classes");
        java.nio.file.Path root = classes.getParent().getParent();
        deploy = root.resolve("deploy");
        properties = new Properties();
        try (InputStream in = Files.newInputStream(classes.resolve("application.properties"))) {
            properties.load(in);
        }
        manifests = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(deploy)) {
            for (java.nio.file.Path file :
                    files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                try (var parser = YAML.getFactory().createParser(file.toFile())) {
                    for (var it = YAML.readValues(parser, JsonNode.class); it.hasNext(); ) {
                        JsonNode document = it.next();
                        if (document != null && !document.isMissingNode() && !document.isNull()) {
                            manifests.add(new Manifest(file, document));
                        }
                    }
                }
            }
        }
        assertTrue(manifests.size() > 10, "found only " + manifests + " under " + deploy);
    }

    @Test
    void every_environment_variable_in_the_manifests_is_one_the_application_reads() throws Exception {
        Set<String> known = knownEnvironmentNames();
        Set<String> unknown = new TreeSet<>();
        for (Manifest manifest : manifests) {
            forEachContainer(manifest.document(), container -> {
                for (JsonNode env : container.path("env")) {
                    check(env.path("name").asText(), known, manifest, unknown);
                }
            });
            if (manifest.kind().equals("ConfigMap")) {
                manifest.document().path("data").fieldNames().forEachRemaining(n -> check(n, known, manifest, unknown));
            }
            if (manifest.kind().equals("Secret")) {
                manifest.document()
                        .path("stringData")
                        .fieldNames()
                        .forEachRemaining(n -> check(n, known, manifest, unknown));
            }
        }
        assertTrue(unknown.isEmpty(), "variables the application does not read: " + unknown);
    }

    @Test
    void every_secret_key_the_pods_read_is_in_the_documented_secret() {
        Map<String, Set<String>> secrets = new HashMap<>();
        for (Manifest manifest : manifests) {
            if (manifest.kind().equals("Secret")) {
                Set<String> keys = new TreeSet<>();
                manifest.document().path("stringData").fieldNames().forEachRemaining(keys::add);
                secrets.put(manifest.document().path("metadata").path("name").asText(), keys);
            }
        }
        Set<String> missing = new TreeSet<>();
        for (Manifest manifest : manifests) {
            forEachContainer(manifest.document(), container -> {
                for (JsonNode env : container.path("env")) {
                    JsonNode ref = env.path("valueFrom").path("secretKeyRef");
                    if (!ref.isMissingNode()) {
                        String secret = ref.path("name").asText();
                        String key = ref.path("key").asText();
                        if (!secrets.getOrDefault(secret, Set.of()).contains(key)) {
                            missing.add(secret + "/" + key + " in " + manifest);
                        }
                        if (!key.equals(env.path("name").asText())) {
                            missing.add(
                                    key + " is read into " + env.path("name").asText() + " in " + manifest
                                            + ": keep the key and the variable the same");
                        }
                    }
                }
            });
        }
        assertTrue(missing.isEmpty(), "secret keys not in deploy/secret.example.yaml: " + missing);
    }

    @Test
    void ports_and_probes_are_the_ones_the_application_listens_on() {
        Manifest deployment = only("Deployment", "base/deployment.yaml");
        Map<String, Integer> ports = new HashMap<>();
        forEachContainer(deployment.document(), container -> {
            for (JsonNode port : container.path("ports")) {
                ports.put(port.path("name").asText(), port.path("containerPort").asInt());
            }
        });
        assertEquals(
                Integer.parseInt(properties.getProperty("quarkus.http.port", "8080")),
                ports.get("http"),
                "port http must be quarkus.http.port");
        assertEquals(
                Integer.parseInt(properties.getProperty("quarkus.management.port", "9000")),
                ports.get("management"),
                "port management must be quarkus.management.port");

        List<String> problems = new ArrayList<>();
        for (Manifest manifest : manifests) {
            forEachContainer(manifest.document(), container -> {
                for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
                    JsonNode get = container.path(probe).path("httpGet");
                    if (get.isMissingNode()) {
                        continue;
                    }
                    if (!MANAGEMENT_PATHS.contains(get.path("path").asText())
                            || !get.path("port").asText().equals("management")) {
                        problems.add(probe + " " + get + " in " + manifest);
                    }
                }
            });
            if (manifest.kind().equals("PodMonitor")) {
                for (JsonNode endpoint : manifest.document().path("spec").path("podMetricsEndpoints")) {
                    if (!endpoint.path("path").asText().equals("/q/metrics")
                            || !ports.containsKey(endpoint.path("port").asText())
                            || !endpoint.path("port").asText().equals("management")) {
                        problems.add("scrape " + endpoint + " in " + manifest);
                    }
                }
            }
            if (manifest.kind().equals("NetworkPolicy")) {
                for (JsonNode rule : manifest.document().path("spec").path("ingress")) {
                    for (JsonNode port : rule.path("ports")) {
                        if (!ports.containsKey(port.path("port").asText())) {
                            problems.add("ingress port " + port + " in " + manifest);
                        }
                    }
                }
            }
            if (manifest.kind().equals("Service")) {
                for (JsonNode port : manifest.document().path("spec").path("ports")) {
                    if (!ports.containsKey(port.path("targetPort").asText())) {
                        problems.add("targetPort " + port + " in " + manifest);
                    }
                }
            }
        }
        assertTrue(problems.isEmpty(), "ports or paths the application does not serve: " + problems);
    }

    @Test
    void the_ingress_routes_only_the_webhook_post_endpoint() throws Exception {
        Manifest ingress = only("Ingress", "base/ingress.yaml");
        Set<String> postPaths = postPaths();
        assertFalse(postPaths.isEmpty(), "no POST endpoint found in " + classes);
        Set<String> servicePorts = new TreeSet<>();
        manifests.stream()
                .filter(m -> m.kind().equals("Service"))
                .forEach(m -> m.document()
                        .path("spec")
                        .path("ports")
                        .forEach(p -> servicePorts.add(p.path("name").asText())));
        List<String> routed = new ArrayList<>();
        for (JsonNode rule : ingress.document().path("spec").path("rules")) {
            for (JsonNode path : rule.path("http").path("paths")) {
                routed.add(path.path("path").asText());
                assertEquals("Exact", path.path("pathType").asText(), "a prefix would open more than the webhook");
                assertTrue(postPaths.contains(path.path("path").asText()), path + " is no POST endpoint: " + postPaths);
                assertTrue(
                        servicePorts.contains(path.path("backend")
                                .path("service")
                                .path("port")
                                .path("name")
                                .asText()),
                        path + " routes to a port the Service does not have: " + servicePorts);
            }
        }
        assertEquals(List.of("/webhooks/callingbox"), routed);
    }

    private static Manifest only(String kind, String file) {
        return manifests.stream()
                .filter(m -> m.kind().equals(kind) && m.file().endsWith(file))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in deploy/" + file));
    }

    private static void check(String name, Set<String> known, Manifest manifest, Set<String> unknown) {
        if (!known.contains(name)) {
            unknown.add(name + " (" + manifest + ")");
        }
    }

    private static void forEachContainer(JsonNode document, Consumer<JsonNode> action) {
        JsonNode spec = document.path("spec").path("template").path("spec");
        for (String list : List.of("containers", "initContainers")) {
            spec.path(list).forEach(action);
        }
    }

    /** Environment names of every property the application reads. */
    private static Set<String> knownEnvironmentNames() throws Exception {
        Set<String> names = new TreeSet<>(WELL_KNOWN.keySet());
        for (String key : properties.stringPropertyNames()) {
            names.add(environmentName(key.startsWith("%") ? key.substring(key.indexOf('.') + 1) : key));
        }
        for (Class<?> type : applicationClasses()) {
            ConfigMapping mapping = type.getAnnotation(ConfigMapping.class);
            if (mapping != null) {
                collectProperties(mapping.prefix(), type, names);
            }
        }
        return names;
    }

    private static void collectProperties(String prefix, Class<?> group, Set<String> into) {
        for (Method method : group.getMethods()) {
            if (method.getParameterCount() != 0 || method.isDefault() || method.getDeclaringClass() == Object.class) {
                continue;
            }
            String name = method.isAnnotationPresent(WithName.class)
                    ? method.getAnnotation(WithName.class).value()
                    : kebab(method.getName());
            String property = method.isAnnotationPresent(WithParentName.class) ? prefix : prefix + "." + name;
            Class<?> nested = groupType(method.getGenericReturnType());
            if (nested != null) {
                collectProperties(property, nested, into);
            } else {
                into.add(environmentName(property));
            }
        }
    }

    /** The nested group a property method returns (directly or in an Optional), if it is one. */
    private static Class<?> groupType(Type type) {
        if (type instanceof ParameterizedType p && p.getRawType() == java.util.Optional.class) {
            type = p.getActualTypeArguments()[0];
        }
        return type instanceof Class<?> c && c.isInterface() && c.getName().startsWith("io.callingboxgateway.")
                ? c
                : null;
    }

    /** POST endpoints from the JAX-RS annotations (class @Path + method @Path). */
    private static Set<String> postPaths() throws Exception {
        Set<String> paths = new TreeSet<>();
        for (Class<?> type : applicationClasses()) {
            Path base = type.getAnnotation(Path.class);
            if (base == null) {
                continue;
            }
            for (Method method : type.getDeclaredMethods()) {
                boolean post = false;
                for (Annotation annotation : method.getAnnotations()) {
                    HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
                    post |= http != null && http.value().equals(HttpMethod.POST);
                }
                if (post) {
                    Path sub = method.getAnnotation(Path.class);
                    paths.add(join(base.value(), sub == null ? "" : sub.value()));
                }
            }
        }
        return paths;
    }

    private static String join(String base, String sub) {
        String path = ("/" + base + "/" + sub).replaceAll("/+", "/");
        return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    }

    private static List<Class<?>> applicationClasses() throws IOException {
        List<Class<?>> found = new ArrayList<>();
        try (Stream<java.nio.file.Path> files = Files.walk(classes)) {
            for (java.nio.file.Path file :
                    files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name =
                        classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                try {
                    found.add(Class.forName(name, false, DeployManifestsTest.class.getClassLoader()));
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new UncheckedIOException(new IOException("cannot load " + name, e));
                }
            }
        }
        return found;
    }

    /** SmallRye Config's environment form: upper case, every other character an underscore. */
    static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase(Locale.ROOT);
    }

    private static String kebab(String method) {
        return method.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
