package dev.argoartifact.common.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the operator's configuration comes from: the only trusted configuration, set once per
 * installation (by the Helm chart), with its policy of what workflows may choose. Taken, first
 * found, from the environment variable {@value #ENV}{@code _<PLUGIN>} (the plugin name
 * upper-cased, '-' as '_': Argo gives every plugin container the executor's env, so one variable
 * per plugin keeps them apart), then {@value #ENV}, then the file named by {@value #FILE_ENV},
 * then {@value #DEFAULT_FILE} when it exists. The names say "default" for history: a workflow's
 * configuration no longer overrides it, it only adds what the operator lets it add.
 */
public final class OperatorConfiguration {
    public static final String ENV = "ARGO_ARTIFACT_DEFAULT_CONFIGURATION";
    public static final String FILE_ENV = "ARGO_ARTIFACT_DEFAULT_CONFIGURATION_FILE";
    public static final String DEFAULT_FILE = "/etc/argo-artifact-driver/configuration.yaml";

    private OperatorConfiguration() {}

    /** The per-plugin variable: ARGO_ARTIFACT_DEFAULT_CONFIGURATION_MY_SFTP for plugin "my-sftp". */
    public static String pluginEnv(String pluginName) {
        return ENV + "_" + pluginName.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
    }

    /** The plugin's name from its socket path, /tmp/artifact-plugins/NAME/socket; null if there is none. */
    public static String pluginName(Path socket) {
        Path dir = socket.toAbsolutePath().getParent();
        return dir == null || dir.getFileName() == null
                ? null
                : dir.getFileName().toString();
    }

    /** The operator's configuration for plugin {@code pluginName} (may be null) as YAML text, or null when none is set. */
    public static String load(String pluginName) {
        if (pluginName != null) {
            String own = System.getenv(pluginEnv(pluginName));
            if (own != null && !own.isBlank()) {
                return own;
            }
        }
        return load();
    }

    /** The operator's configuration as YAML text, or null when none is set. */
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
            throw new ConfigurationException(
                    null,
                    "cannot read the operator's configuration file '" + path + "': "
                            + e.getClass().getSimpleName());
        }
    }
}
