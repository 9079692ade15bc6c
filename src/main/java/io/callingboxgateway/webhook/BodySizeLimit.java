package io.callingboxgateway.webhook;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import io.quarkus.runtime.configuration.MemorySize;
import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.math.BigInteger;

/**
 * A body size one byte array can hold: from 1 byte to 2G (the webhook body is buffered whole before its
 * signature is checked). Bean Validation has no constraint for a {@link MemorySize}, hence this one.
 */
@Documented
@Target({METHOD, TYPE_USE})
@Retention(RUNTIME)
@Constraint(validatedBy = BodySizeLimit.Check.class)
public @interface BodySizeLimit {

    String message() default "must be between 1 byte and 2G";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    class Check implements ConstraintValidator<BodySizeLimit, MemorySize> {

        private static final BigInteger MAX = BigInteger.valueOf(Integer.MAX_VALUE);

        @Override
        public boolean isValid(MemorySize size, ConstraintValidatorContext context) {
            if (size == null) {
                return true;
            }
            BigInteger bytes = size.asBigInteger();
            return bytes.signum() > 0 && bytes.compareTo(MAX) <= 0;
        }
    }
}
