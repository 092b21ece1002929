package dev.argoartifact.common.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Bounds of a number or a duration field, inclusive, written as in YAML ({@code "1"},
 * {@code "1m"}); empty for none. The binder enforces them and the JSON Schema publishes them.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER})
public @interface Range {
    String min() default "";

    String max() default "";
}
