package dev.argoartifact.common.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The form of a text field: a regular expression the whole value must match, and what it means in
 * words for the error ("must be {@link #means}"). The binder enforces it and the JSON Schema
 * publishes it as {@code pattern}, so a typo fails on the configuration, not as a backend's
 * opaque refusal. Write expressions that ECMA-262 reads alike (no possessive quantifiers).
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER})
public @interface Matches {
    String value();

    /** Completes "field 'x' must be ...": "name@REALM (for example argo@EXAMPLE.COM)". */
    String means();
}
