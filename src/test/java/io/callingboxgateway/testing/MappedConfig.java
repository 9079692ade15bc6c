package io.callingboxgateway.testing;

import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import io.smallrye.config.validator.BeanValidationConfigValidator;
import jakarta.validation.Validation;
import jakarta.validation.Validator;
import java.time.Duration;
import java.util.Map;
import org.hibernate.validator.HibernateValidator;

/**
 * A configuration mapping read from the given properties the way the application reads it: Quarkus's
 * duration syntax, defaults, and the mapping's constraints checked when it is built. Lets a test show,
 * without booting the application, that a value out of range stops startup and names its key.
 */
public final class MappedConfig {

    private static final Validator VALIDATOR = Validation.byProvider(HibernateValidator.class)
            .configure()
            .buildValidatorFactory()
            .getValidator();

    private MappedConfig() {}

    /** @throws io.smallrye.config.ConfigValidationException when a value is out of range or unreadable */
    public static <T> T of(Class<T> mapping, Map<String, String> properties) {
        SmallRyeConfig config = new SmallRyeConfigBuilder()
                .withConverter(Duration.class, 200, new DurationConverter())
                .withMapping(mapping)
                .withValidator(new BeanValidationConfigValidator() {
                    @Override
                    public Validator getValidator() {
                        return VALIDATOR;
                    }
                })
                .withSources(new PropertiesConfigSource(properties, "test", 400))
                .build();
        return config.getConfigMapping(mapping);
    }
}
