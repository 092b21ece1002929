package dev.argoartifact.driver.sftp;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.secrets.SecretRef;

/**
 * The server's host keys, in OpenSSH known_hosts format: inline entries (host keys are public, so
 * they may live in the configuration) or a reference to where they are kept.
 */
public record KnownHosts(String entries, SecretRef reference) {

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
