package dev.argoartifact.common.secrets;

import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.config.SecretRef;
import dev.argoartifact.common.log.Printable;
import dev.argoartifact.common.log.Redaction;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

/**
 * Resolves {@code env}, {@code file} and {@code secretKeyRef} references. Every resolved value is
 * registered with {@link Redaction}, so it is masked if it ever reaches a log line or an error.
 */
public final class DefaultSecretResolver implements SecretResolver {
    /** Keys, keytabs and certificates are kilobytes; a secret file beyond this is a mistake. */
    static final long MAX_FILE_BYTES = 1 << 20;

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
                throw new ConfigurationException(
                        field,
                        "refers to environment variable '" + Printable.of(reference.env(), 100)
                                + "', which is not set");
            }
            value = text.getBytes(StandardCharsets.UTF_8);
        } else if (reference.file() != null) {
            value = readFile(field, Path.of(reference.file()));
        } else {
            value = kubernetes.read(field, reference.secretKeyRef());
        }
        Secret secret = new Secret(value);
        Redaction.register(secret.text());
        return secret;
    }

    /**
     * A missing file and an unreadable one get the same words, so an error never tells whether a
     * file exists; a file too large to be a secret is not read into memory.
     */
    private static byte[] readFile(String field, Path file) {
        String cannot = "refers to file '" + Printable.of(file.toString(), 100)
                + "', which cannot be read (it is missing, or the " + "driver may not read it)";
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ConfigurationException(
                        field,
                        "refers to file '" + Printable.of(file.toString(), 100) + "', which is larger than "
                                + MAX_FILE_BYTES + " bytes: not a secret");
            }
            return Files.readAllBytes(file);
        } catch (IOException | SecurityException e) {
            throw new ConfigurationException(field, cannot);
        }
    }

    /** Describes the sources for documentation. */
    public static Map<String, String> sources() {
        return Map.of(
                "secretKeyRef",
                        "{secretKeyRef: {name: my-secret, key: account-key}} reads a Kubernetes Secret in the pod's namespace",
                "file", "{file: /var/run/secrets/azure/account-key} reads a mounted file",
                "env", "{env: AZURE_STORAGE_KEY} reads an environment variable");
    }
}
