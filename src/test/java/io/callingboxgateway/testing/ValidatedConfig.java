package io.callingboxgateway.testing;

import static org.junit.jupiter.api.Assertions.assertThrows;

import io.quarkus.runtime.configuration.DurationConverter;
import io.quarkus.runtime.configuration.MemorySize;
import io.quarkus.runtime.configuration.MemorySizeConverter;
import io.smallrye.config.ConfigValidationException;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidator;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * A {@code @ConfigMapping} loaded from given settings the way the application loads it at start: SmallRye
 * Config with Quarkus's duration and size syntax, validated by Bean Validation, so a setting refused here
 * stops the start with the same message.
 */
public final class ValidatedConfig {

    private static final Validator VALIDATOR =
            Validation.buildDefaultValidatorFactory().getValidator();

    private ValidatedConfig() {}

    public static <T> T load(Class<T> mapping, Map<String, String> settings) {
        return build(mapping, settings).getConfigMapping(mapping);
    }

    /** The messages the start would stop with, sorted; fails the test when these settings are accepted. */
    public static List<String> refusals(Class<?> mapping, Map<String, String> settings) {
        ConfigValidationException refused =
                assertThrows(ConfigValidationException.class, () -> build(mapping, settings));
        return IntStream.range(0, refused.getProblemCount())
                .mapToObj(i -> refused.getProblem(i).getMessage())
                .sorted()
                .toList();
    }

    /**
     * The configuration of the packaged application (profile prod) with nothing set by an operator:
     * application.properties over the mappings' defaults, expressions expanded.
     */
    public static SmallRyeConfig packaged(Class<?>... mappings) {
        URL properties = ValidatedConfig.class.getClassLoader().getResource("application.properties");
        try {
            SmallRyeConfigBuilder builder = new SmallRyeConfigBuilder()
                    .addDefaultInterceptors()
                    .withProfile("prod")
                    .withConverter(Duration.class, 200, new DurationConverter())
                    .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                    .withSources(new PropertiesConfigSource(properties, 250))
                    .withValidator((BeanValidationConfigValidator) () -> VALIDATOR);
            for (Class<?> mapping : mappings) {
                builder.withMapping(mapping);
            }
            return builder.build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static SmallRyeConfig build(Class<?> mapping, Map<String, String> settings) {
        return new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withConverter(MemorySize.class, 200, new MemorySizeConverter())
                .withSources(new PropertiesConfigSource(settings, "test", 500))
                .withMapping(mapping)
                .withValidator((BeanValidationConfigValidator) () -> VALIDATOR)
                .build();
    }
}
