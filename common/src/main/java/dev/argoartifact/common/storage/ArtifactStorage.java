package dev.argoartifact.common.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * The one interface a driver implements: flat objects addressed by keys, in the spirit of
 * Iceberg's {@code FileIO}: five primitives. Optional abilities are interfaces of their own
 * ({@link RangedReads}, {@link PartedWrites}, {@link DirectoryDelete}, {@link BatchDelete}, {@link FileTransfers},
 * {@link StagedWrites}), found with {@code instanceof}: implementing one is declaring it, and the
 * index, the docs and the conformance suite read them from the type. Every Argo rule (files
 * versus directories, prefix safety, recursion, retries, parallelism, streaming) lives in
 * {@code dev.argoartifact.common.operations} on top of it; filesystems and object stores get most
 * of this interface from {@code storage.filesystem} and {@code storage.objectstore}.
 *
 * <p>Keys handed to a storage are validated by the runtime ({@link KeyPaths}): relative to the
 * driver's own root or prefix, '/'-separated, no empty, "." or ".." segments, no NUL, no leading or
 * trailing '/'. Prefixes handed to {@link #list} are either empty or end with '/'.
 *
 * <p>Failures are {@link dev.argoartifact.common.failure.StorageException}s that say what they
 * mean ({@link dev.argoartifact.common.failure.Failure}); a missing object is an
 * {@link ObjectNotFoundException}. The runtime retries transient ones, once, in its own layer:
 * an SDK's own retries stay off. Implementations must be safe for concurrent use.
 */
public interface ArtifactStorage extends Closeable {

    /** The object stored exactly at {@code key}, or empty when there is none. Never a directory. */
    Optional<ObjectInfo> stat(String key) throws IOException;

    /**
     * Visits every object whose key starts with {@code prefix}, recursively, in any order, until the
     * visitor returns false. Directory entries and directory placeholder objects ("dir/") are never
     * visited, and neither are writes that have not been committed.
     */
    void list(String prefix, ObjectVisitor visitor) throws IOException;

    /**
     * Opens the object for reading from byte {@code offset} to its end: 0 for the whole object, a
     * later offset to resume a read that a transient failure cut. Throws
     * {@link ObjectNotFoundException} when it does not exist.
     */
    InputStream openRead(String key, long offset) throws IOException;

    /**
     * Starts an atomic write: nothing is visible under {@code key} until {@link AtomicWrite#commit()}
     * returns, and {@link AtomicWrite#close()} without a commit leaves nothing behind, not even
     * what the backend staged (uncommitted blocks, resumable sessions, temporary files).
     */
    AtomicWrite startWrite(String key) throws IOException;

    /** Deletes the object at {@code key}; a missing object is not an error. */
    void delete(String key) throws IOException;

    /** What one transfer through this storage holds, and the backend's batch size. */
    default StorageLimits limits() {
        return StorageLimits.DEFAULT;
    }

    @Override
    default void close() throws IOException {}

    /** Receives listed objects; returns false to stop the listing early. */
    @FunctionalInterface
    interface ObjectVisitor {
        boolean visit(ObjectInfo object) throws IOException;
    }
}
