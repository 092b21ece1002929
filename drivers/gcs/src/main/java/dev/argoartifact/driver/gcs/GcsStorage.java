package dev.argoartifact.driver.gcs;

import com.google.cloud.ReadChannel;
import com.google.cloud.WriteChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.Storage.BlobSourceOption;
import com.google.cloud.storage.Storage.BlobWriteOption;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.AtomicWrite;
import dev.argoartifact.common.storage.ObjectInfo;
import dev.argoartifact.common.storage.ObjectNotFoundException;
import dev.argoartifact.common.storage.StorageCapability;
import dev.argoartifact.common.storage.StorageException;
import dev.argoartifact.common.storage.TransientFailures;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Keys are object names under an optional prefix in one bucket. Uploads are resumable and an
 * object exists only once its upload is finalized, so an aborted Save or SaveStream leaves
 * nothing. Reads stream through the SDK's read channel (no temporary file); large objects are
 * downloaded in parallel ranges by the runtime. Placeholder objects ("dir/") are never files.
 */
final class GcsStorage implements ArtifactStorage {
  private final Storage storage;
  private final String bucket;
  private final String prefix;
  private final int chunkSize;
  private final String userProject;
  private final boolean batchDelete;

  GcsStorage(Storage storage, String bucket, String prefix, int chunkSize, String userProject, boolean batchDelete) {
    this.batchDelete = batchDelete;
    this.storage = storage;
    this.bucket = bucket;
    this.prefix = prefix;
    this.chunkSize = chunkSize;
    this.userProject = userProject;
  }

  private BlobId id(String key) {
    return BlobId.of(bucket, prefix + key);
  }

  private BlobSourceOption[] sourceOptions() {
    return userProject == null ? new BlobSourceOption[0] : new BlobSourceOption[] {BlobSourceOption.userProject(userProject)};
  }

  private Storage.BlobGetOption[] getOptions() {
    return userProject == null ? new Storage.BlobGetOption[0] : new Storage.BlobGetOption[] {Storage.BlobGetOption.userProject(userProject)};
  }

  private BlobWriteOption[] writeOptions() {
    return userProject == null ? new BlobWriteOption[0] : new BlobWriteOption[] {BlobWriteOption.userProject(userProject)};
  }

  /** One line naming the bucket, the object and the HTTP status; retryable per Google's rules. */
  private StorageException failure(String what, String key, RuntimeException e) {
    String object = key == null ? "" : " '" + prefix + key + "'";
    if (e instanceof com.google.cloud.storage.StorageException gcs) {
      int code = gcs.getCode();
      boolean retry = gcs.isRetryable() || code == 429 || code >= 500 || TransientFailures.isNetworkFailure(gcs);
      String hint = code == 403 ? " (the credentials lack permission on the bucket, or it is requester-pays: set userProject)"
          : code == 401 ? " (the credentials are missing or invalid)"
          : code == 404 ? " (does the bucket '" + bucket + "' exist?)" : "";
      // GCS's own message says what is wrong ("The specified bucket does not exist.", which
      // permission is missing); the reason code alone ("notFound") does not.
      String message = gcs.getMessage() == null ? "" : gcs.getMessage().lines().findFirst().orElse("");
      String reason = message.isBlank() ? String.valueOf(gcs.getReason()) : gcs.getReason() == null ? message : gcs.getReason() + ": " + message;
      return new StorageException("GCS " + what + object + " in bucket '" + bucket + "' failed: " + reason
          + " (HTTP " + code + ")" + hint, e, retry);
    }
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
    return new StorageException("GCS " + what + object + " in bucket '" + bucket + "' failed: " + reason, e,
        TransientFailures.isNetworkFailure(e));
  }

  /**
   * A finalized object always has a size; some GCS emulators (LocalStorageHelper among them) show
   * an upload in progress as an object without one. It is not an artifact yet.
   */
  private static boolean inProgress(Blob blob) {
    return blob.getSize() == null;
  }

  private static boolean notFound(RuntimeException e) {
    return e instanceof com.google.cloud.storage.StorageException gcs && gcs.getCode() == 404;
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    try {
      Blob blob = storage.get(id(key), getOptions());
      return blob == null || inProgress(blob) ? Optional.empty() : Optional.of(new ObjectInfo(key, blob.getSize()));
    } catch (RuntimeException e) {
      if (notFound(e)) {
        return Optional.empty();
      }
      throw failure("stat of", key, e);
    }
  }

  @Override
  public void list(String keyPrefix, ObjectVisitor visitor) throws IOException {
    List<BlobListOption> options = new ArrayList<>();
    options.add(BlobListOption.prefix(prefix + keyPrefix));
    if (userProject != null) {
      options.add(BlobListOption.userProject(userProject));
    }
    try {
      // iterateAll follows every page; no time limit (Argo's built-in driver stops after 30 s).
      for (Blob blob : storage.list(bucket, options.toArray(new BlobListOption[0])).iterateAll()) {
        if (blob.getName().endsWith("/") || inProgress(blob)) {
          continue; // a directory placeholder made by the console or gsutil, or an unfinished upload
        }
        if (!visitor.visit(new ObjectInfo(blob.getName().substring(prefix.length()), blob.getSize()))) {
          return;
        }
      }
    } catch (RuntimeException e) {
      throw failure("listing of", keyPrefix, e);
    }
  }

  @Override
  public InputStream openRead(String key) throws IOException {
    return openRange(key, 0, -1);
  }

  @Override
  public InputStream openRead(String key, long offset, long length) throws IOException {
    return openRange(key, offset, length);
  }

  private InputStream openRange(String key, long offset, long length) throws IOException {
    ReadChannel reader;
    try {
      reader = storage.reader(id(key), sourceOptions());
      if (offset > 0) {
        reader.seek(offset);
      }
      if (length >= 0) {
        reader.limit(offset + length);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof RuntimeException re && notFound(re)) {
        throw new ObjectNotFoundException(key);
      }
      throw e instanceof IOException io ? io : failure("read of", key, (RuntimeException) e);
    }
    InputStream in = Channels.newInputStream(reader);
    return new FilterInputStream(in) {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        try {
          return super.read(b, off, len);
        } catch (RuntimeException e) {
          if (notFound(e)) {
            throw new ObjectNotFoundException(key);
          }
          throw failure("read of", key, e);
        } catch (IOException e) {
          if (e.getCause() instanceof RuntimeException re && notFound(re)) {
            throw new ObjectNotFoundException(key);
          }
          throw e;
        }
      }
    };
  }

  @Override
  public void readToFile(String key, Path target) throws IOException {
    try {
      // The SDK's own download: one stream, resumed by the SDK on transient errors.
      storage.downloadTo(id(key), target, sourceOptions());
    } catch (RuntimeException e) {
      if (notFound(e)) {
        throw new ObjectNotFoundException(key);
      }
      throw failure("download of", key, e);
    }
  }

  /** Files up to this size go in one request (no resumable session): one round trip, not two. */
  static final long SINGLE_REQUEST_LIMIT = 1 << 20;

  @Override
  public void writeFile(String key, Path source) throws IOException {
    try {
      if (java.nio.file.Files.size(source) <= SINGLE_REQUEST_LIMIT) {
        Storage.BlobTargetOption[] target = userProject == null ? new Storage.BlobTargetOption[0]
            : new Storage.BlobTargetOption[] {Storage.BlobTargetOption.userProject(userProject)};
        storage.create(BlobInfo.newBuilder(id(key)).build(), java.nio.file.Files.readAllBytes(source), target);
        return;
      }
      storage.createFrom(BlobInfo.newBuilder(id(key)).build(), source, chunkSize, writeOptions());
    } catch (RuntimeException e) {
      throw failure("upload of", key, e);
    }
  }

  @Override
  public AtomicWrite startWrite(String key) throws IOException {
    WriteChannel writer;
    try {
      writer = storage.writer(BlobInfo.newBuilder(id(key)).build(), writeOptions());
      writer.setChunkSize(chunkSize);
    } catch (RuntimeException e) {
      throw failure("upload of", key, e);
    }
    OutputStream out = Channels.newOutputStream(writer);
    return new AtomicWrite() {
      private boolean committed;

      @Override
      public OutputStream stream() {
        // Closing this stream would finalize the upload: commit() does that, on purpose, once.
        return new java.io.FilterOutputStream(out) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            out.flush();
          }
        };
      }

      @Override
      public void commit() throws IOException {
        try {
          writer.close(); // finalizes the resumable upload: the object appears now, whole
          committed = true;
        } catch (RuntimeException e) {
          throw failure("upload of", key, e);
        }
      }

      @Override
      public void close() {
        // Not finalized: the resumable session expires on its own and no object ever appears.
      }
    };
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      storage.delete(id(key), userProject == null ? new Storage.BlobSourceOption[0] : sourceOptions());
    } catch (RuntimeException e) {
      if (!notFound(e)) {
        throw failure("delete of", key, e);
      }
    }
  }

  @Override
  public void deleteBatch(Collection<String> keys) throws IOException {
    if (!batchDelete) {
      ArtifactStorage.super.deleteBatch(keys);
      return;
    }
    List<BlobId> ids = new ArrayList<>(keys.size());
    keys.forEach(k -> ids.add(id(k)));
    try {
      storage.delete(ids); // one batch request; missing objects come back as false, not errors
    } catch (RuntimeException e) {
      throw failure("batch delete under", null, e);
    }
  }

  @Override
  public int maxBatchDeleteSize() {
    return 100; // the JSON API's batch limit
  }

  /**
   * A read channel buffers 2 MiB (the SDK's default chunk) per stream, a whole download or one
   * of its ranges; uploads from a file measured less. The runtime's defaults, 16 files of up to
   * 8 ranges each, were 128 streams, and a directory Load ran a 256 MiB container's heap out.
   */
  @Override
  public long heapBytesPerTransfer() {
    return 2L << 20;
  }

  @Override
  public Set<StorageCapability> capabilities() {
    return batchDelete ? EnumSet.of(StorageCapability.RANGED_READ, StorageCapability.BATCH_DELETE)
        : EnumSet.of(StorageCapability.RANGED_READ);
  }

  @Override
  public void close() throws IOException {
    try {
      storage.close();
    } catch (Exception e) {
      throw new IOException(e);
    }
  }
}
