package dev.argoartifact.common.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * A {@link FieldClass#HOW} field: how the driver transfers. Workflows may set it; a number or a
 * duration no higher than the operator's maximum (its own value or default, or what its policy
 * allows), nested fields inherit the class.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.RECORD_COMPONENT, ElementType.FIELD, ElementType.PARAMETER})
public @interface How {
    /**
     * A relative path that a workflow's value extends below the operator's ({@code prefix}): the
     * operator's {@code argo/} and a workflow's {@code team-a/} give {@code argo/team-a/}, so a
     * workflow never reaches above the operator's location.
     */
    boolean subPath() default false;

    /** 0 means "no limit" (not "nothing"): it counts as more than any maximum. */
    boolean zeroIsUnlimited() default false;
}
