package dev.argoartifact.common.trust;

import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.config.SecretRef;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Checks a secret reference a workflow's configuration gave (in a who field the operator opened)
 * against {@code policy.secretSources}, before anything is read. A refusal reads the same whether
 * its target exists or not, and names neither the target nor anything in it.
 */
final class WorkflowSecrets {
    private final OperatorPolicy.SecretSources sources;

    WorkflowSecrets(OperatorPolicy.SecretSources sources) {
        this.sources = sources;
    }

    /**
     * Refuses a reference outside the allowed sources. For a file, returns its real path, which
     * is what may then be read (a link swapped in afterwards is not followed again).
     */
    Optional<Path> check(String field, SecretRef ref) {
        if (ref.env() != null) {
            if (sources.envPrefixes().stream()
                    .noneMatch(p -> !p.isEmpty() && ref.env().startsWith(p))) {
                throw new ConfigurationException(
                        field,
                        "refers to an environment variable that this driver's operator does not "
                                + "allow for workflows' secrets (policy.secretSources.envPrefixes)");
            }
            return Optional.empty();
        }
        if (ref.secretKeyRef() != null) {
            if (!sources.secretNames().contains(ref.secretKeyRef().name())) {
                throw new ConfigurationException(
                        field,
                        "refers to a Secret that this driver's operator does not allow for "
                                + "workflows' secrets (policy.secretSources.secretNames)");
            }
            return Optional.empty();
        }
        Path file = Path.of(ref.file());
        ConfigurationException outside = new ConfigurationException(
                field,
                "refers to a file outside the directories that "
                        + "this driver's operator allows for workflows' secrets (policy.secretSources.files)");
        if (!file.isAbsolute()
                || sources.files().stream().map(d -> Path.of(d).normalize()).noneMatch(file.normalize()::startsWith)) {
            throw outside;
        }
        Optional<Path> real = ProtectedPaths.real(file);
        if (real.isEmpty()) {
            throw new ConfigurationException(
                    field, "refers to a file that cannot be read (it is missing, or the driver may not read it)");
        }
        boolean covered = sources.files().stream()
                .map(d -> ProtectedPaths.real(Path.of(d)))
                .flatMap(Optional::stream)
                .anyMatch(d -> ProtectedPaths.covers(d, real.get()));
        if (!covered) {
            throw outside;
        }
        return real;
    }
}
