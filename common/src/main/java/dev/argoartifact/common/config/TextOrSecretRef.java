package dev.argoartifact.common.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * A value that is public, so it may be written inline (host keys, CA certificates), or a
 * reference to where it is kept: {@code field: "text"} or {@code field: {secretKeyRef: ...}}.
 */
public record TextOrSecretRef(String text, SecretRef reference) {

    /** Its YAML shape: text, or a secret reference (read by {@link ConfigurationSchema}). */
    static ObjectNode jsonSchema() {
        ObjectNode schema = JsonNodeFactory.instance.objectNode();
        var anyOf = schema.putArray("anyOf");
        anyOf.addObject().put("type", "string").put("minLength", 1);
        anyOf.add(ConfigurationSchema.secretRefSchema(JsonNodeFactory.instance.objectNode()));
        return schema;
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static TextOrSecretRef inline(String text) {
        if (text == null || text.isBlank()) {
            throw new ConfigurationException(null, "is empty: give the text or a reference to it");
        }
        return new TextOrSecretRef(text, null);
    }

    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    static TextOrSecretRef referenced(
            @JsonProperty("secretKeyRef") SecretRef.SecretKeyRef secretKeyRef,
            @JsonProperty("file") String file,
            @JsonProperty("env") String env) {
        return new TextOrSecretRef(null, new SecretRef(secretKeyRef, file, env));
    }
}
