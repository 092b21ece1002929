package dev.argoartifact.common.operations;

import dev.argoartifact.common.transfer.BoundedParallel;
import dev.argoartifact.common.transfer.LocalTree;
import dev.argoartifact.common.transfer.TransferEngine;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Argo's Save: a file is stored at the key; a directory ({@code archive: none}) file by file under
 * {@code key/}, in parallel, each file retried on its own. Links that lead outside the saved
 * directory are not followed.
 */
final class Save {
    private final TransferEngine engine;

    Save(TransferEngine engine) {
        this.engine = engine;
    }

    /** Returns the bytes uploaded. */
    long save(ArtifactKey key, Path local) throws IOException {
        if (Files.isRegularFile(local)) {
            long size = Files.size(local);
            engine.upload(key.value(), local);
            return size;
        }
        if (Files.isDirectory(local)) {
            AtomicLong bytes = new AtomicLong();
            try (BoundedParallel parallel = engine.parallel("save")) {
                try {
                    LocalTree.walk(local, (relative, file, size) -> {
                        String problem = ArtifactKey.pathProblem(relative);
                        if (problem != null) {
                            throw new ArtifactException(
                                    "file '" + ArtifactKey.printable(relative) + "' cannot be stored: " + problem);
                        }
                        String childKey = key.child(relative);
                        parallel.submit(() -> {
                            engine.upload(childKey, file);
                            bytes.addAndGet(size);
                        });
                        if (!parallel.healthy()) {
                            throw new StopWalk();
                        }
                    });
                } catch (StopWalk stopped) {
                    // The failure that stopped the walk is rethrown by finish().
                }
                parallel.finish();
            }
            return bytes.get();
        }
        if (!Files.exists(local, LinkOption.NOFOLLOW_LINKS)) {
            throw new ArtifactException("local path '" + local + "' does not exist");
        }
        throw new ArtifactException("local path '" + local + "' is neither a regular file nor a directory");
    }

    /** Thrown from the walker to stop early once a transfer has failed. */
    private static final class StopWalk extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StopWalk() {
            super(null, null, false, false);
        }
    }
}
