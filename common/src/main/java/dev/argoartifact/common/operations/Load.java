package dev.argoartifact.common.operations;

import dev.argoartifact.common.storage.ObjectInfo;
import dev.argoartifact.common.transfer.BoundedParallel;
import dev.argoartifact.common.transfer.LocalTree;
import dev.argoartifact.common.transfer.TransferEngine;
import dev.argoartifact.common.transfer.UnflushedBytes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Argo's Load: the object at the key becomes a file; otherwise the tree under {@code key/} becomes
 * a directory, its files in parallel. Nothing appears at the target until everything has arrived.
 */
final class Load {
    private final TransferEngine engine;

    Load(TransferEngine engine) {
        this.engine = engine;
    }

    /** Returns the bytes downloaded. */
    long load(ArtifactKey key, Path local) throws IOException {
        Files.createDirectories(local.toAbsolutePath().getParent());
        Optional<ObjectInfo> file = engine.stat(key.value());
        Path partial = TransferEngine.partialSibling(local);
        if (file.isPresent()) {
            try {
                engine.download(file.get(), partial, engine.unflushedBytes());
                TransferEngine.moveIntoPlace(partial, local);
            } finally {
                Files.deleteIfExists(partial);
            }
            return file.get().size();
        }
        try {
            Files.createDirectory(partial);
            AtomicLong bytes = new AtomicLong();
            AtomicLong count = new AtomicLong();
            UnflushedBytes unflushed = engine.unflushedBytes();
            try (BoundedParallel parallel = engine.parallel("load")) {
                String prefix = key.directoryPrefix();
                engine.list(prefix, object -> {
                    Path target = safeLocalPath(partial, key, object.key().substring(prefix.length()));
                    count.incrementAndGet();
                    parallel.submit(() -> {
                        // createDirectories throws and catches twice for a directory that exists
                        if (!Files.isDirectory(target.getParent())) {
                            Files.createDirectories(target.getParent());
                        }
                        engine.download(object, target, unflushed);
                        bytes.addAndGet(object.size());
                    });
                    return parallel.healthy();
                });
                parallel.finish();
            }
            if (count.get() == 0) {
                throw new ArtifactNotFoundException(key);
            }
            TransferEngine.moveIntoPlace(partial, local);
            return bytes.get();
        } finally {
            LocalTree.delete(partial);
        }
    }

    /** Maps a remote relative name under a local root, refusing anything that would escape it. */
    private static Path safeLocalPath(Path root, ArtifactKey key, String relative) {
        String problem = ArtifactKey.pathProblem(relative);
        if (problem != null) {
            throw new ArtifactException("object '" + ArtifactKey.printable(key.child(relative))
                    + "' cannot be written locally: its name under the key " + problem);
        }
        Path target = root;
        for (String segment : relative.split("/", -1)) {
            target = target.resolve(segment);
        }
        if (!target.normalize().startsWith(root)) {
            throw new ArtifactException(
                    "object '" + ArtifactKey.printable(key.child(relative)) + "' would escape the target directory");
        }
        return target;
    }
}
