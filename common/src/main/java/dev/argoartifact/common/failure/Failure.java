package dev.argoartifact.common.failure;

import java.io.IOException;

/**
 * What a failed storage call means, decided once, in {@code common/}: drivers map their SDK's
 * exception to one of these ({@link StorageException}), by HTTP status ({@link HttpStatuses}),
 * by exception type ({@link NetworkFailures}) or by the SDK's own codes, never by message text.
 * The runtime retries {@link #TRANSIENT} failures only, and only in its own retry layer.
 */
public enum Failure {
    /** Throttling, a timeout, a server error, a dropped connection: the same call may work again. */
    TRANSIENT,
    /** What the call names does not exist. */
    NOT_FOUND,
    /** The credentials are missing, wrong, expired or lack a permission. */
    DENIED,
    /** The request is wrong and stays wrong: a bad name, a conflict, a precondition. */
    INVALID,
    /** Anything else that retrying will not fix. */
    PERMANENT;

    /** The classification of any failure: a {@link StorageException}'s own, else network failures are transient. */
    public static Failure of(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof StorageException classified) {
                return classified.failure();
            }
        }
        return NetworkFailures.isNetworkFailure(failure) ? TRANSIENT : PERMANENT;
    }

    /** Whether the runtime retries a failure: {@link #TRANSIENT} ones only. */
    public static boolean isTransient(IOException failure) {
        return of(failure) == TRANSIENT;
    }
}
