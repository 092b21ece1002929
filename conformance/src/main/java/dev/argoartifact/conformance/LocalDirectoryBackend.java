package dev.argoartifact.conformance;

import dev.argoartifact.common.storage.StagedWrites;
import dev.argoartifact.common.transfer.LocalTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The backend of a driver whose keys are files below a local directory: a mounted volume, or the
 * directory an SFTP server in the test serves.
 */
public final class LocalDirectoryBackend implements ConformanceFixture.Backend {
    private final Path root;

    /** {@code root}: the directory the driver's keys are relative to. */
    public LocalDirectoryBackend(Path root) {
        this.root = root;
    }

    @Override
    public void removeUnder(String keyPrefix) throws IOException {
        LocalTree.delete(root.resolve(keyPrefix));
    }

    /** Read-only directories refuse deletes of their entries, except to root: checked with a probe. */
    @Override
    public boolean refuseDeletesUnder(String keyPrefix) throws IOException {
        Path dir = root.resolve(keyPrefix);
        Path probe = Files.writeString(dir.resolve(".probe"), "");
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("r-xr-xr-x"));
            }
        }
        try {
            Files.delete(probe);
        } catch (IOException refused) {
            Path directory = probe.getParent();
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.delete(probe);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("r-xr-xr-x"));
            return true;
        }
        try (Stream<Path> tree = Files.walk(dir)) {
            for (Path p : tree.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        return false; // running as root
    }

    @Override
    public Optional<Set<String>> unfinishedUploads() throws IOException {
        Path staging = root.resolve(StagedWrites.DIRECTORY);
        Set<String> staged = new TreeSet<>();
        if (Files.isDirectory(staging)) {
            try (Stream<Path> files = Files.list(staging)) {
                files.forEach(f -> staged.add(f.getFileName().toString()));
            }
        }
        return Optional.of(staged);
    }
}
