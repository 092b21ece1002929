package dev.argoartifact.common.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Repeatable;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Alternatives of a configuration record: at most one of these fields may be set, and with
 * {@link #required()} exactly one ({@code @OneOf({"password", "privateKey"})}). The binder checks
 * it, with one message naming the fields.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.TYPE)
@Repeatable(OneOf.List.class)
public @interface OneOf {
    String[] value();

    boolean required() default true;

    @Retention(RetentionPolicy.RUNTIME)
    @Target(ElementType.TYPE)
    @interface List {
        OneOf[] value();
    }
}
