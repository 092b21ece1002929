package dev.argoartifact.common.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;

/**
 * A write that becomes visible under its key only when {@link #commit()} succeeds. Closing an
 * uncommitted write aborts it and removes anything it staged (temporary files, uncommitted
 * blocks, unfinished resumable uploads).
 */
public interface AtomicWrite extends Closeable {

    /** Where the bytes go. Closing this stream does not commit. */
    OutputStream stream() throws IOException;

    /** Publishes the bytes written so far under the key, replacing any previous object. */
    void commit() throws IOException;

    /** Aborts when not committed; idempotent. */
    @Override
    void close() throws IOException;
}
