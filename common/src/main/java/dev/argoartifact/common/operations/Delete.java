package dev.argoartifact.common.operations;

import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.BatchDelete;
import dev.argoartifact.common.storage.DirectoryDelete;
import dev.argoartifact.common.transfer.BoundedParallel;
import dev.argoartifact.common.transfer.TransferEngine;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Argo's Delete (artifact GC): the object at the key and everything under {@code key/}, never
 * {@code key.tgz} or {@code keyother/}. Idempotent: missing is success. A directory goes in one
 * native call where the storage has one, else in batches, else object by object in parallel.
 */
final class Delete {
    private final TransferEngine engine;

    Delete(TransferEngine engine) {
        this.engine = engine;
    }

    /** Returns the objects deleted (a directory deleted natively counts as none of its own). */
    long delete(ArtifactKey key) throws IOException {
        ArtifactStorage storage = engine.storage();
        AtomicLong deleted = new AtomicLong();
        if (engine.stat(key.value()).isPresent()) {
            engine.retry("delete " + key, () -> {
                storage.delete(key.value());
                return null;
            });
            deleted.incrementAndGet();
        }
        String prefix = key.directoryPrefix();
        if (storage instanceof DirectoryDelete directories) {
            engine.retry("delete " + prefix, () -> {
                directories.deleteDirectory(prefix);
                return null;
            });
            return deleted.get();
        }
        try (BoundedParallel parallel = engine.parallel("delete")) {
            List<String> pending = new ArrayList<>();
            int batchSize = storage.limits().maxBatchDeleteSize();
            engine.list(prefix, object -> {
                if (storage instanceof BatchDelete batches) {
                    pending.add(object.key());
                    if (pending.size() >= batchSize) {
                        submitBatch(parallel, batches, pending, deleted);
                    }
                } else {
                    parallel.submit(() -> {
                        engine.retry("delete " + object.key(), () -> {
                            storage.delete(object.key());
                            return null;
                        });
                        deleted.incrementAndGet();
                    });
                }
                return parallel.healthy();
            });
            if (!pending.isEmpty() && storage instanceof BatchDelete batches) {
                submitBatch(parallel, batches, pending, deleted);
            }
            parallel.finish();
        }
        return deleted.get();
    }

    private void submitBatch(BoundedParallel parallel, BatchDelete batches, List<String> pending, AtomicLong deleted)
            throws IOException {
        List<String> keys = List.copyOf(pending);
        pending.clear();
        parallel.submit(() -> {
            engine.retry("delete " + keys.size() + " objects", () -> {
                batches.deleteBatch(keys);
                return null;
            });
            deleted.addAndGet(keys.size());
        });
    }
}
