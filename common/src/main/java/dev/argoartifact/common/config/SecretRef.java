package dev.argoartifact.common.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/**
 * Where a secret lives; configurations carry these, never the secret itself. Exactly one of:
 * {@code {secretKeyRef: {name, key}}} (a Kubernetes Secret in the pod's namespace, read through
 * the API with the pod's service account), {@code {file: PATH}} (a mounted secret) or
 * {@code {env: NAME}} (an environment variable).
 */
public record SecretRef(
        @JsonPropertyDescription("A key of a Kubernetes Secret in the pod's own namespace.")
        SecretKeyRef secretKeyRef,

        @JsonPropertyDescription("Path of a file holding the secret, e.g. a mounted Secret volume.")
        String file,

        @JsonPropertyDescription("Name of an environment variable holding the secret.")
        String env) {

    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public SecretRef(
            @JsonProperty("secretKeyRef") SecretKeyRef secretKeyRef,
            @JsonProperty("file") String file,
            @JsonProperty("env") String env) {
        int given = (secretKeyRef != null ? 1 : 0) + (file != null ? 1 : 0) + (env != null ? 1 : 0);
        if (given != 1) {
            throw new ConfigurationException(
                    null,
                    "must be a secret reference with exactly one of "
                            + "secretKeyRef: {name, key}, file: PATH or env: NAME (" + given + " given)");
        }
        if (file != null && file.isBlank()) {
            throw new ConfigurationException("file", "is empty");
        }
        if (env != null && env.isBlank()) {
            throw new ConfigurationException("env", "is empty");
        }
        this.secretKeyRef = secretKeyRef;
        this.file = file;
        this.env = env;
    }

    /** A plain string where a reference belongs is refused: that string is probably the secret. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    @SuppressWarnings("DoNotCallSuggester") // Jackson calls it, for a string where a mapping belongs
    static SecretRef inline(String value) {
        throw new ConfigurationException(
                null,
                "must be a secret reference ({secretKeyRef: {name, key}}, "
                        + "{file: PATH} or {env: NAME}), not an inline value: configurations are stored in workflow specs");
    }

    public static SecretRef ofEnv(String name) {
        return new SecretRef(null, null, name);
    }

    public static SecretRef ofFile(String path) {
        return new SecretRef(null, path, null);
    }

    public static SecretRef ofSecretKey(String name, String key) {
        return new SecretRef(new SecretKeyRef(name, key), null, null);
    }

    @Override
    public String toString() {
        if (secretKeyRef != null) {
            return "secretKeyRef " + secretKeyRef.name() + "/" + secretKeyRef.key();
        }
        return file != null ? "file " + file : "env " + env;
    }

    /** A key of a Kubernetes Secret. */
    public record SecretKeyRef(
            @dev.argoartifact.common.config.Required @JsonPropertyDescription("Name of the Secret.")
            String name,

            @dev.argoartifact.common.config.Required @JsonPropertyDescription("Key within the Secret's data.")
            String key) {
        public SecretKeyRef {
            // Also checked here: the binder checks @Required only for mappings, and code builds these too.
            ConfigurationException.require("name", name);
            ConfigurationException.require("key", key);
        }
    }
}
