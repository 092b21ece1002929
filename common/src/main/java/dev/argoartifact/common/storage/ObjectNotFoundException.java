package dev.argoartifact.common.storage;

import dev.argoartifact.common.failure.Failure;
import dev.argoartifact.common.failure.StorageException;

/** The object does not exist: what {@code openRead} throws, in every driver. */
public final class ObjectNotFoundException extends StorageException {
    private static final long serialVersionUID = 1L;

    public ObjectNotFoundException(String key) {
        super("no object at key '" + key + "'", null, Failure.NOT_FOUND);
    }
}
