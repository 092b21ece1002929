package dev.argoartifact.common.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/** A {@link FieldClass#WHERE} field: where the data lives. Only the operator sets it, unless it opens it. */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER})
public @interface Where {
    /**
     * The field says where requests (and the credentials they carry) go, or which local directory is
     * used: opening it needs the operator's allow-list, checked before anything is sent.
     */
    boolean destination() default false;

    /** Never opened to workflows, whatever the operator's policy says (a raw client setting). */
    boolean operatorOnly() default false;
}
