package dev.argoartifact.common.storage;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

/**
 * The one interface a driver implements: flat objects addressed by keys, in the spirit of
 * Iceberg's FileIO. Every Argo rule (files versus directories, prefix safety, recursion,
 * retries, parallelism, streaming) lives in {@code dev.argoartifact.common.semantics} on top of it.
 *
 * <p>Keys handed to a storage are already validated by the runtime: relative to the driver's own
 * root or prefix, '/'-separated, no empty, "." or ".." segments, no NUL, no leading or trailing
 * '/'. Prefixes handed to {@link #list} are either empty or end with '/'.
 *
 * <p>Implementations must be safe for concurrent use: the runtime calls them from many threads.
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

  /** Opens the object for reading. Throws {@link ObjectNotFoundException} when it does not exist. */
  InputStream openRead(String key) throws IOException;

  /**
   * Starts an atomic write: nothing is visible under {@code key} until {@link AtomicWrite#commit()}
   * returns, and {@link AtomicWrite#close()} without a commit leaves nothing behind.
   */
  AtomicWrite startWrite(String key) throws IOException;

  /** Deletes the object at {@code key}; a missing object is not an error. */
  void delete(String key) throws IOException;

  /**
   * True when {@code failure} is worth retrying (throttling, timeouts, dropped connections). The
   * runtime retries one file at a time with backoff; never the whole operation.
   */
  default boolean isTransient(IOException failure) {
    if (failure instanceof StorageException classified) {
      return classified.isTransientFailure();
    }
    return TransientFailures.isNetworkFailure(failure);
  }

  /** The optional abilities this storage really has; the conformance suite checks both ways. */
  default Set<StorageCapability> capabilities() {
    return Set.of();
  }

  /**
   * The most heap one transfer holds while in flight: a file's upload or download through this
   * storage's SDK (its buffers, queues and parallel parts), or one range of a parallel download;
   * the runtime adds its own 1 MiB copy buffer. It starts only as many transfers at once as fit
   * in half the heap, so a driver in a small container slows down instead of running out of
   * memory. Measure it: an estimate too low fails there, one too high costs parallelism.
   */
  default long heapBytesPerTransfer() {
    return 1 << 20;
  }

  /** Uploads a local file atomically. Drivers override this for native parallel uploads. */
  default void writeFile(String key, Path source) throws IOException {
    try (AtomicWrite write = startWrite(key)) {
      try (OutputStream out = write.stream()) {
        Files.copy(source, out);
      }
      write.commit();
    }
  }

  /**
   * Downloads an object into {@code target}, a private temporary file the runtime renames into
   * place afterwards. Drivers override this for a download of their own (an SDK's parallel
   * download, a kernel copy). Where a driver does not, the runtime streams {@link #openRead} into
   * the file itself and forces it to disk as it goes ({@code transfer.maxUnflushedBytes}), so
   * this default is only for callers outside the runtime.
   */
  default void readToFile(String key, Path target) throws IOException {
    try (InputStream in = openRead(key)) {
      Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * {@link StorageCapability#RANGED_READ}: reads {@code length} bytes starting at {@code offset}.
   * The runtime uses it to download large objects in parallel parts.
   */
  default InputStream openRead(String key, long offset, long length) throws IOException {
    throw new UnsupportedCapabilityException(StorageCapability.RANGED_READ);
  }

  /**
   * {@link StorageCapability#DIRECTORY_DELETE}: removes everything under {@code prefix} (which
   * ends with '/') natively, including emptied directories. Missing is not an error.
   */
  default void deleteDirectory(String prefix) throws IOException {
    throw new UnsupportedCapabilityException(StorageCapability.DIRECTORY_DELETE);
  }

  /** {@link StorageCapability#BATCH_DELETE}: deletes many objects in few requests. */
  default void deleteBatch(Collection<String> keys) throws IOException {
    throw new UnsupportedCapabilityException(StorageCapability.BATCH_DELETE);
  }

  /** Most batch APIs cap the number of keys per request. */
  default int maxBatchDeleteSize() {
    return 256;
  }

  @Override
  default void close() throws IOException {}

  /** Receives listed objects; returns false to stop the listing early. */
  @FunctionalInterface
  interface ObjectVisitor {
    boolean visit(ObjectInfo object) throws IOException;
  }
}
