package dev.argoartifact.common.secrets;

/** Turns secret references into secrets; drivers call it from {@code ArtifactDriver.open}. */
@FunctionalInterface
public interface SecretResolver {
  /**
   * @param field the configuration field the reference came from, for error messages
   * @throws dev.argoartifact.common.config.ConfigurationException when it cannot be resolved; the
   *     message names the field and the reference, never a value
   */
  Secret resolve(String field, SecretRef reference);
}
