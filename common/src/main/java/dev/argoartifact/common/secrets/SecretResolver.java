package dev.argoartifact.common.secrets;

import dev.argoartifact.common.config.SecretRef;
import dev.argoartifact.common.config.TextOrSecretRef;
import java.nio.charset.StandardCharsets;

/** Turns secret references into secrets; drivers call it from {@code ArtifactDriver.open}. */
@FunctionalInterface
public interface SecretResolver {
    /**
     * The secret a reference points to.
     *
     * @param field the configuration field the reference came from, for error messages
     * @throws dev.argoartifact.common.config.ConfigurationException when it cannot be resolved; the
     *     message names the field and the reference, never a value
     */
    Secret resolve(String field, SecretRef reference);

    /** The secret a reference points to, or null when the optional field is not set. */
    default Secret resolveIfSet(String field, SecretRef reference) {
        return reference == null ? null : resolve(field, reference);
    }

    /** A value written inline (public text) or kept where its reference points. */
    default Secret resolve(String field, TextOrSecretRef value) {
        return value.reference() != null
                ? resolve(field, value.reference())
                : new Secret(value.text().getBytes(StandardCharsets.UTF_8));
    }
}
