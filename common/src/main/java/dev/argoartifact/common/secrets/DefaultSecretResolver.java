package dev.argoartifact.common.secrets;

import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.log.Redaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Resolves {@code env}, {@code file} and {@code secretKeyRef} references. Every resolved value is
 * registered with {@link Redaction}, so it is masked if it ever reaches a log line or an error.
 */
public final class DefaultSecretResolver implements SecretResolver {
  private final Function<String, String> environment;
  private final KubernetesSecrets kubernetes;

  public DefaultSecretResolver() {
    this(System::getenv, new KubernetesSecrets());
  }

  public DefaultSecretResolver(Function<String, String> environment, KubernetesSecrets kubernetes) {
    this.environment = environment;
    this.kubernetes = kubernetes;
  }

  @Override
  public Secret resolve(String field, SecretRef reference) {
    byte[] value;
    if (reference.env() != null) {
      String text = environment.apply(reference.env());
      if (text == null) {
        throw new ConfigurationException(field, "refers to environment variable '" + reference.env() + "', which is not set");
      }
      value = text.getBytes(StandardCharsets.UTF_8);
    } else if (reference.file() != null) {
      try {
        value = Files.readAllBytes(Path.of(reference.file()));
      } catch (NoSuchFileException e) {
        throw new ConfigurationException(field, "refers to file '" + reference.file() + "', which does not exist");
      } catch (IOException e) {
        throw new ConfigurationException(field, "refers to file '" + reference.file() + "', which cannot be read: " + e.getClass().getSimpleName());
      }
    } else {
      value = kubernetes.read(field, reference.secretKeyRef());
    }
    Secret secret = new Secret(value);
    Redaction.register(secret.text());
    return secret;
  }

  /** Describes the sources for documentation. */
  public static Map<String, String> sources() {
    return Map.of(
        "secretKeyRef", "{secretKeyRef: {name: my-secret, key: account-key}} reads a Kubernetes Secret in the pod's namespace",
        "file", "{file: /var/run/secrets/azure/account-key} reads a mounted file",
        "env", "{env: AZURE_STORAGE_KEY} reads an environment variable");
  }
}
