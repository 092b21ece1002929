package dev.argoartifact.common.trust;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Local paths a workflow may be allowed to name, and those it never reaches through a broader
 * allowance: the service-account and workload-identity token mounts (the Argo Server's token
 * among them), the kernel's file systems, {@code /etc}, and the plugins' own sockets. Every check
 * is on the real path, after symbolic links.
 */
final class ProtectedPaths {
    /** Token mounts: readable only through an allowance that names them (or a directory inside). */
    static final List<Path> TOKEN_MOUNTS = List.of(
            Path.of("/var/run/secrets/kubernetes.io"),
            Path.of("/var/run/secrets/eks.amazonaws.com"),
            Path.of("/var/run/secrets/azure/tokens"),
            Path.of("/var/run/secrets/tokens"));
    /** Never a workflow's root, nor inside one. */
    static final List<Path> SYSTEM = List.of(
            Path.of("/proc"),
            Path.of("/sys"),
            Path.of("/dev"),
            Path.of("/etc"),
            Path.of("/var/run/secrets"),
            Path.of("/tmp/artifact-plugins"));

    private ProtectedPaths() {}

    /** The real path, or empty when it cannot be resolved (missing, or not readable). */
    static Optional<Path> real(Path path) {
        try {
            return Optional.of(path.toRealPath());
        } catch (IOException | SecurityException e) {
            return Optional.empty();
        }
    }

    /** A protected path as it appears after symbolic links (/var/run is often a link to /run). */
    private static List<Path> realForms(List<Path> paths) {
        List<Path> out = new ArrayList<>();
        for (Path p : paths) {
            out.add(p);
            Path parent = p;
            List<String> tail = new ArrayList<>();
            while (parent != null && !Files.exists(parent)) {
                tail.addFirst(parent.getFileName().toString());
                parent = parent.getParent();
            }
            if (parent != null) {
                Path resolved = real(parent).orElse(parent);
                for (String t : tail) {
                    resolved = resolved.resolve(t);
                }
                if (!resolved.equals(p)) {
                    out.add(resolved);
                }
            }
        }
        return out;
    }

    /**
     * Whether {@code realFile} lies under {@code realAllowed}, and, if it is inside a token mount,
     * whether the allowance names that mount (or a directory inside it) rather than a parent of it.
     */
    static boolean covers(Path realAllowed, Path realFile) {
        if (!realFile.startsWith(realAllowed)) {
            return false;
        }
        for (Path mount : realForms(TOKEN_MOUNTS)) {
            if (realFile.startsWith(mount) && !realAllowed.startsWith(mount)) {
                return false;
            }
        }
        return true;
    }

    /** The system path a directory is, lies in or contains, if any: a root there is refused. */
    static Optional<Path> systemPathOf(Path realDirectory) {
        for (Path p : realForms(SYSTEM)) {
            if (realDirectory.startsWith(p) || p.startsWith(realDirectory)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }
}
