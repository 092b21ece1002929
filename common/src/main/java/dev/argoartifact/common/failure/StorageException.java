package dev.argoartifact.common.failure;

import java.io.IOException;

/**
 * A failed storage call with a one-line message for users, classified where it happened: the
 * driver knows what its SDK said (a status, an error code, an exception type), and the runtime
 * acts on the {@link Failure} alone.
 */
public class StorageException extends IOException {
    private static final long serialVersionUID = 1L;
    private final Failure failure;

    public StorageException(String message, Throwable cause, Failure failure) {
        super(message, cause);
        this.failure = failure;
    }

    public Failure failure() {
        return failure;
    }
}
