package dev.argoartifact.driver.sftp;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.config.ConfigurationSchema;
import dev.argoartifact.common.secrets.SecretRef;

/**
 * The server's host keys, in OpenSSH known_hosts format: inline entries (host keys are public, so
 * they may live in the configuration) or a reference to where they are kept.
 */
public record KnownHosts(String entries, SecretRef reference) {

  /** Its YAML shape: known_hosts text, or a secret reference (read by ConfigurationSchema). */
  static ObjectNode jsonSchema() {
    ObjectNode schema = JsonNodeFactory.instance.objectNode();
    schema.put("description", "The server's host keys in known_hosts format: inline entries, or a reference to them.");
    var anyOf = schema.putArray("anyOf");
    anyOf.addObject().put("type", "string").put("minLength", 1);
    anyOf.add(ConfigurationSchema.secretRefSchema(JsonNodeFactory.instance.objectNode()));
    return schema;
  }

  /** {@code knownHosts: "[sftp.example.org]:22 ssh-ed25519 AAAA..."} */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static KnownHosts inline(String entries) {
    if (entries == null || entries.isBlank()) {
      throw new ConfigurationException(null, "is empty: give known_hosts entries or a reference to them");
    }
    return new KnownHosts(entries, null);
  }

  /** {@code knownHosts: {secretKeyRef: {name, key}}}, {@code {file: ...}} or {@code {env: ...}}. */
  @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
  static KnownHosts referenced(
      @JsonProperty("secretKeyRef") SecretRef.SecretKeyRef secretKeyRef,
      @JsonProperty("file") String file,
      @JsonProperty("env") String env) {
    return new KnownHosts(null, new SecretRef(secretKeyRef, file, env));
  }
}
