package com.whatpro.hub.platform.web;

import static java.lang.annotation.ElementType.FIELD;
import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.ElementType.TYPE_USE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;
import java.time.Instant;

import jakarta.validation.Constraint;
import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;
import jakarta.validation.Payload;

import org.jspecify.annotations.Nullable;

/**
 * An instant a client may send, in a body or as a parameter: from {@link #EARLIEST} (year 1) to {@link #LATEST}
 * (year 9999), UTC. ISO 8601 and Java read far more (year 300000, or {@code Long.MAX_VALUE} epoch milliseconds),
 * which PostgreSQL's {@code timestamptz} and the time-ordered ids cannot hold, so a write or a query failed with a
 * 500. {@code null} is valid: say {@code @NotNull} where one is needed.
 */
@Documented
@Constraint(validatedBy = InstantRange.Check.class)
@Target({FIELD, METHOD, PARAMETER, TYPE_USE})
@Retention(RUNTIME)
public @interface InstantRange {

    Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    Instant LATEST = Instant.parse("9999-12-31T23:59:59.999999Z");
    String MESSAGE = "must be between 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z";

    String message() default MESSAGE;

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};

    final class Check implements ConstraintValidator<InstantRange, Instant> {

        /** Whether the instant is in the range (a missing one is). */
        public static boolean accepts(@Nullable Instant at) {
            return at == null || !at.isBefore(EARLIEST) && !at.isAfter(LATEST);
        }

        @Override
        public boolean isValid(@Nullable Instant value, ConstraintValidatorContext context) {
            return accepts(value);
        }
    }
}
