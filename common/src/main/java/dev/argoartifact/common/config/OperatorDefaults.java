package dev.argoartifact.common.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The operator's default configuration, set once per installation (for example by the Helm chart)
 * so that workflow authors write only what differs. Taken, first found, from the environment
 * variable {@value #ENV}{@code _<PLUGIN>} (the plugin name upper-cased, '-' as '_': Argo gives
 * every plugin container the executor's env, so one variable per plugin keeps them apart), then
 * {@value #ENV}, then the file named by {@value #FILE_ENV}, then {@value #DEFAULT_FILE} when it
 * exists. The per-artifact configuration string is merged over it.
 */
public final class OperatorDefaults {
  public static final String ENV = "ARGO_ARTIFACT_DEFAULT_CONFIGURATION";
  public static final String FILE_ENV = "ARGO_ARTIFACT_DEFAULT_CONFIGURATION_FILE";
  public static final String DEFAULT_FILE = "/etc/argo-artifact-driver/configuration.yaml";

  private OperatorDefaults() {}

  /** The per-plugin variable: ARGO_ARTIFACT_DEFAULT_CONFIGURATION_MY_SFTP for plugin "my-sftp". */
  public static String pluginEnv(String pluginName) {
    return ENV + "_" + pluginName.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }

  /** The plugin's name from its socket path, /tmp/artifact-plugins/NAME/socket; null if there is none. */
  public static String pluginName(Path socket) {
    Path dir = socket.toAbsolutePath().getParent();
    return dir == null || dir.getFileName() == null ? null : dir.getFileName().toString();
  }

  /** The defaults for plugin {@code pluginName} (may be null) as YAML text, or null when none are set. */
  public static String load(String pluginName) {
    if (pluginName != null) {
      String own = System.getenv(pluginEnv(pluginName));
      if (own != null && !own.isBlank()) {
        return own;
      }
    }
    return load();
  }

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
