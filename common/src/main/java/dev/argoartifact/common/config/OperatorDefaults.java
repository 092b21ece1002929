package dev.argoartifact.common.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The operator's default configuration, set once per installation (for example by the Helm chart)
 * so that workflow authors write only what differs. Taken from the environment variable
 * {@value #ENV}, else from the file named by {@value #FILE_ENV}, else from {@value #DEFAULT_FILE}
 * when it exists. The per-artifact configuration string is merged over it.
 */
public final class OperatorDefaults {
  public static final String ENV = "ARGO_ARTIFACT_DEFAULT_CONFIGURATION";
  public static final String FILE_ENV = "ARGO_ARTIFACT_DEFAULT_CONFIGURATION_FILE";
  public static final String DEFAULT_FILE = "/etc/argo-artifact-driver/configuration.yaml";

  private OperatorDefaults() {}

  /** The defaults as YAML text, or null when none are set. */
  public static String load() {
    String inline = System.getenv(ENV);
    if (inline != null && !inline.isBlank()) {
      return inline;
    }
    String file = System.getenv(FILE_ENV);
    Path path = Path.of(file != null && !file.isBlank() ? file : DEFAULT_FILE);
    if (file == null && !Files.exists(path)) {
      return null;
    }
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new ConfigurationException(null, "cannot read the operator's default configuration file '" + path + "': " + e.getMessage());
    }
  }
}
