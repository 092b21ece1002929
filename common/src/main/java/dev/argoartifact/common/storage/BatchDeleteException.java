package dev.argoartifact.common.storage;

import dev.argoartifact.common.failure.Failure;
import dev.argoartifact.common.failure.StorageException;
import dev.argoartifact.common.log.Printable;
import java.util.List;

/** Some keys of a batch delete were refused: which ones, and why (the first reason, classified). */
public final class BatchDeleteException extends StorageException {
    private static final long serialVersionUID = 1L;
    private final List<String> keys;

    public BatchDeleteException(List<String> keys, String reason, Failure failure) {
        super(
                keys.size() + " object(s) could not be deleted, among them '" + Printable.of(keys.getFirst()) + "': "
                        + reason,
                null,
                failure);
        this.keys = List.copyOf(keys);
    }

    /** The keys that were not deleted. */
    public List<String> keys() {
        return keys;
    }
}
