package dev.argoartifact.conformance;

import dev.argoartifact.common.transfer.LocalTree;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Deque;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Directories a test class makes in the temporary directory and removes when it ends. The suites
 * write gigabytes (1 GiB artifacts, backends' data directories); left behind, a few runs fill the
 * disk and the next run's backends stop (an HDFS NameNode enters safe mode below 100 MB free).
 */
public final class ScratchDirectories implements AutoCloseable {
    private final Deque<Path> made = new ConcurrentLinkedDeque<>();

    /** A new empty directory named after {@code prefix}, removed with everything in it on close. */
    public Path create(String prefix) throws IOException {
        Path dir = Files.createTempDirectory(prefix);
        made.push(dir);
        return dir;
    }

    /**
     * Like {@link #create}, but writable by every UID, like the emptyDir volume Argo shares between
     * its containers (a driver in an image runs as 8737).
     */
    public Path createShared(String prefix) throws IOException {
        Path dir = create(prefix);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        return dir;
    }

    /** Removes every directory made here, newest first; reports every one that could not go. */
    @Override
    public void close() throws IOException {
        IOException failed = null;
        for (Path dir; (dir = made.poll()) != null; ) {
            try {
                LocalTree.delete(dir);
            } catch (IOException e) {
                if (failed == null) {
                    failed = e;
                } else {
                    failed.addSuppressed(e);
                }
            }
        }
        if (failed != null) {
            throw failed;
        }
    }
}
