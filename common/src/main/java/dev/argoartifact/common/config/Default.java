package dev.argoartifact.common.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The value of a field nobody gives, written as in YAML ({@code "16"}, {@code "200ms"},
 * {@code "true"}). The one place it is stated: the binder fills it in, the JSON Schema publishes
 * it, and the trust boundary takes it as the operator's value when the operator gives none.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER})
public @interface Default {
    String value();
}
