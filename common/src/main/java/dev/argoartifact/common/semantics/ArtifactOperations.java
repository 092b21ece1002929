package dev.argoartifact.common.semantics;

import dev.argoartifact.common.TransferSettings;
import dev.argoartifact.common.log.JsonLog;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.AtomicWrite;
import dev.argoartifact.common.storage.ObjectInfo;
import dev.argoartifact.common.storage.StorageCapability;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Argo's artifact semantics, implemented once on top of {@link ArtifactStorage}: files versus
 * directories, prefix-safe listing, recursive idempotent delete, streaming, parallel transfers
 * with per-file retries, atomic local and remote writes, and refusal of hostile names.
 */
public final class ArtifactOperations {
  /** Argo's Go client refuses replies over 4 MiB; keep a margin for framing. */
  public static final int MAX_LIST_REPLY_BYTES = 4 * 1024 * 1024 - 64 * 1024;
  /** The buffer the runtime copies a stream through (see copy). */
  static final int COPY_BUFFER_BYTES = 1 << 20;
  /** Parallel ranges of one file at most: beyond that, more streams only add memory. */
  static final int MAX_PARTS_PER_FILE = 8;

  private final ArtifactStorage storage;
  private final TransferSettings settings;
  private final Retrier retrier;
  /** Otherwise the runtime streams {@code openRead} into the file itself, bounding its dirty pages. */
  private final boolean nativeDownload;
  private final TransferMemory memory;
  /** What one transfer reserves: the storage's own buffers and the runtime's copy buffer. */
  private final long transferBytes;

  /** With a budget of its own: half the heap (tests, tools). */
  public ArtifactOperations(ArtifactStorage storage, TransferSettings settings) {
    this(storage, settings, TransferMemory.ofHeap());
  }

  /** Sharing {@code memory} with every other operation of the process (the server). */
  public ArtifactOperations(ArtifactStorage storage, TransferSettings settings, TransferMemory memory) {
    this.storage = storage;
    this.settings = settings.withDefaults();
    this.retrier = new Retrier(this.settings, storage::isTransient);
    this.nativeDownload = overridesReadToFile(storage);
    this.memory = memory;
    this.transferBytes = storage.heapBytesPerTransfer() + COPY_BUFFER_BYTES;
  }

  public ArtifactStorage storage() {
    return storage;
  }

  /** Uploads a file or, recursively, a directory. Returns the bytes uploaded. */
  public long save(ArtifactKey key, Path local) throws IOException {
    if (Files.isRegularFile(local)) {
      long size = Files.size(local);
      upload(key.value(), local);
      return size;
    }
    if (Files.isDirectory(local)) {
      AtomicLong bytes = new AtomicLong();
      try (BoundedParallel parallel = new BoundedParallel("save", settings.filesInFlight())) {
        try {
          walkForSave(local, key, parallel, bytes);
        } catch (StopWalk stopped) {
          // The failure that stopped the walk is rethrown by finish().
        }
        parallel.finish();
      }
      return bytes.get();
    }
    if (!Files.exists(local, LinkOption.NOFOLLOW_LINKS)) {
      throw new ArtifactException("local path '" + local + "' does not exist");
    }
    throw new ArtifactException("local path '" + local + "' is neither a regular file nor a directory");
  }

  private void walkForSave(Path local, ArtifactKey key, BoundedParallel parallel, AtomicLong bytes) throws IOException {
    LocalTree.walk(local, (relative, file, size) -> {
      String problem = ArtifactKey.pathProblem(relative);
      if (problem != null) {
        throw new ArtifactException("file '" + ArtifactKey.printable(relative) + "' cannot be stored: " + problem);
      }
      String childKey = key.child(relative);
      parallel.submit(() -> {
        upload(childKey, file);
        bytes.addAndGet(size);
      });
      if (!parallel.healthy()) {
        throw new StopWalk();
      }
    });
  }

  private void upload(String key, Path file) throws IOException {
    try (TransferMemory.Reservation reserved = memory.reserve(transferBytes)) {
      retrier.call("save " + key, () -> {
        storage.writeFile(key, file);
        return null;
      });
    }
  }

  /**
   * Downloads the object at the key to {@code local}, or else the tree under {@code key/} into the
   * directory {@code local}. Nothing appears at {@code local} until everything has arrived.
   */
  public long load(ArtifactKey key, Path local) throws IOException {
    Path parent = local.toAbsolutePath().getParent();
    Files.createDirectories(parent);
    Optional<ObjectInfo> file = storage.stat(key.value());
    if (file.isPresent()) {
      Path partial = partialSibling(local);
      try {
        download(file.get(), partial, new UnflushedBytes(settings.maxUnflushedBytes()));
        moveIntoPlace(partial, local);
      } finally {
        Files.deleteIfExists(partial);
      }
      return file.get().size();
    }
    Path partial = partialSibling(local);
    try {
      Files.createDirectory(partial);
      AtomicLong bytes = new AtomicLong();
      AtomicLong count = new AtomicLong();
      UnflushedBytes unflushed = new UnflushedBytes(settings.maxUnflushedBytes());
      try (BoundedParallel parallel = new BoundedParallel("load", settings.filesInFlight())) {
        String prefix = key.directoryPrefix();
        storage.list(prefix, object -> {
          String relative = object.key().substring(prefix.length());
          Path target = safeLocalPath(partial, key, relative);
          count.incrementAndGet();
          parallel.submit(() -> {
            Files.createDirectories(target.getParent());
            download(object, target, unflushed);
            bytes.addAndGet(object.size());
          });
          return parallel.healthy();
        });
        parallel.finish();
      }
      if (count.get() == 0) {
        throw new ArtifactNotFoundException(key);
      }
      moveIntoPlace(partial, local);
      return bytes.get();
    } finally {
      LocalTree.delete(partial);
    }
  }

  /** Deletes the object at the key and everything under {@code key/}; missing is success. */
  public long delete(ArtifactKey key) throws IOException {
    AtomicLong deleted = new AtomicLong();
    if (storage.stat(key.value()).isPresent()) {
      retrier.call("delete " + key, () -> {
        storage.delete(key.value());
        return null;
      });
      deleted.incrementAndGet();
    }
    String prefix = key.directoryPrefix();
    if (storage.capabilities().contains(StorageCapability.DIRECTORY_DELETE)) {
      retrier.call("delete " + prefix, () -> {
        storage.deleteDirectory(prefix);
        return null;
      });
      return deleted.get();
    }
    boolean batch = storage.capabilities().contains(StorageCapability.BATCH_DELETE);
    try (BoundedParallel parallel = new BoundedParallel("delete", settings.filesInFlight())) {
      List<String> pending = new ArrayList<>();
      storage.list(prefix, object -> {
        if (batch) {
          pending.add(object.key());
          if (pending.size() >= storage.maxBatchDeleteSize()) {
            List<String> keys = List.copyOf(pending);
            pending.clear();
            parallel.submit(() -> deleteBatch(keys, deleted));
          }
        } else {
          parallel.submit(() -> {
            retrier.call("delete " + object.key(), () -> {
              storage.delete(object.key());
              return null;
            });
            deleted.incrementAndGet();
          });
        }
        return parallel.healthy();
      });
      if (!pending.isEmpty()) {
        List<String> keys = List.copyOf(pending);
        parallel.submit(() -> deleteBatch(keys, deleted));
      }
      parallel.finish();
    }
    return deleted.get();
  }

  private void deleteBatch(List<String> keys, AtomicLong deleted) throws IOException {
    retrier.call("delete " + keys.size() + " objects", () -> {
      storage.deleteBatch(keys);
      return null;
    });
    deleted.addAndGet(keys.size());
  }

  /**
   * Full keys of the files at or under the key: the key itself when it is a file, and every file
   * under {@code key/}, recursively. Fails clearly when the reply would exceed Argo's 4 MiB limit.
   */
  public List<String> list(ArtifactKey key) throws IOException {
    List<String> keys = new ArrayList<>();
    long[] replyBytes = {0};
    if (storage.stat(key.value()).isPresent()) {
      keys.add(key.value());
      replyBytes[0] += entryBytes(key.value());
    }
    storage.list(key.directoryPrefix(), object -> {
      if (!loadable(key, object)) {
        return true;
      }
      replyBytes[0] += entryBytes(object.key());
      if (replyBytes[0] > MAX_LIST_REPLY_BYTES) {
        throw new ArtifactException("more objects under '" + key.directoryPrefix() + "' than fit in the 4 MiB reply"
            + " Argo's client accepts (over " + keys.size() + " keys); list a narrower key");
      }
      keys.add(object.key());
      return true;
    });
    keys.sort(Comparator.naturalOrder());
    return keys;
  }

  /** Bytes of one repeated-string entry on the wire: tag, length varint, UTF-8 bytes. */
  private static long entryBytes(String key) {
    int n = key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
    return 1 + (32 - Integer.numberOfLeadingZeros(n | 1) + 6) / 7 + n;
  }

  /** True iff at least one object that could be loaded exists under {@code key/}. */
  public boolean isDirectory(ArtifactKey key) throws IOException {
    boolean[] found = {false};
    storage.list(key.directoryPrefix(), object -> {
      found[0] = loadable(key, object);
      return !found[0];
    });
    return found[0];
  }

  /**
   * Whether an object under {@code key/} has a name Load and OpenStream accept. Another client
   * can store any name ("dir/../../x", a backslash); listing one that Load then refuses would
   * offer the UI a link that cannot work, so it is left out, with a warning.
   */
  private static boolean loadable(ArtifactKey key, ObjectInfo object) {
    String relative = object.key().substring(key.directoryPrefix().length());
    String problem = ArtifactKey.pathProblem(relative);
    if (problem == null && object.key().getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= ArtifactKey.MAX_UTF8_LENGTH) {
      return true;
    }
    JsonLog.warn("left out of the listing: an object whose name Load would refuse", Map.of(
        "key", ArtifactKey.printable(object.key()), "reason", problem != null ? problem : "it is too long"));
    return false;
  }

  /** What {@link #streamTo} will send: a file's bytes, or a tar of a directory. */
  public enum StreamKind { FILE, DIRECTORY_TAR }

  /**
   * Writes the object's bytes to {@code sink}, or a tar of the tree under {@code key/} for a
   * directory (Argo's built-in drivers cannot stream directories). Reading from storage stops as
   * soon as the sink throws, e.g. because the caller went away.
   */
  public StreamKind streamTo(ArtifactKey key, OutputStream sink) throws IOException {
    Optional<ObjectInfo> file = storage.stat(key.value());
    if (file.isPresent()) {
      try (InputStream in = storage.openRead(key.value())) {
        in.transferTo(sink);
      }
      return StreamKind.FILE;
    }
    List<ObjectInfo> objects = new ArrayList<>();
    String prefix = key.directoryPrefix();
    storage.list(prefix, object -> {
      String relative = object.key().substring(prefix.length());
      String problem = ArtifactKey.pathProblem(relative);
      if (problem != null) {
        throw new ArtifactException("object '" + ArtifactKey.printable(object.key()) + "' has an unsafe name: " + problem);
      }
      objects.add(object);
      return true;
    });
    if (objects.isEmpty()) {
      throw new ArtifactNotFoundException(key);
    }
    objects.sort(Comparator.comparing(ObjectInfo::key));
    TarArchiveOutputStream tar = new TarArchiveOutputStream(sink, 64 * 1024);
    tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
    tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    tar.setAddPaxHeadersForNonAsciiNames(true);
    for (ObjectInfo object : objects) {
      TarArchiveEntry entry = new TarArchiveEntry(object.key().substring(prefix.length()));
      entry.setSize(object.size());
      entry.setMode(0644);
      tar.putArchiveEntry(entry);
      try (InputStream in = storage.openRead(object.key())) {
        long copied = in.transferTo(tar);
        if (copied != object.size()) {
          throw new IOException("object '" + object.key() + "' changed size while streaming (" + copied + " of " + object.size() + " bytes)");
        }
      }
      tar.closeArchiveEntry();
    }
    tar.finish();
    return StreamKind.DIRECTORY_TAR;
  }

  /** Starts an atomic upload fed by a stream (SaveStream); nothing is visible until commit. */
  public AtomicWrite startStreamingSave(ArtifactKey key) throws IOException {
    return storage.startWrite(key.value());
  }

  private void download(ObjectInfo object, Path target, UnflushedBytes unflushed) throws IOException {
    try (TransferMemory.Reservation reserved = memory.reserve(transferBytes)) {
      downloadReserved(object, target, unflushed);
    }
  }

  /** Under one transfer's reservation; a parallel download reserves its extra ranges itself. */
  private void downloadReserved(ObjectInfo object, Path target, UnflushedBytes unflushed) throws IOException {
    boolean ranged = storage.capabilities().contains(StorageCapability.RANGED_READ)
        && object.size() >= settings.parallelReadThreshold();
    if (!ranged) {
      retrier.call("load " + object.key(), () -> {
        if (nativeDownload) {
          storage.readToFile(object.key(), target);
        } else {
          try (FileChannel channel = openTarget(target);
              UnflushedBytes.File unflushedFile = unflushed.track(channel);
              InputStream in = storage.openRead(object.key())) {
            copy(object.key(), in, channel, 0, object.size(), unflushedFile);
            if (in.read() != -1) {
              throw new IOException("object '" + object.key() + "' grew beyond its " + object.size() + " bytes while loading");
            }
          }
        }
        return null;
      });
      long actual = Files.size(target);
      if (actual != object.size()) {
        throw new IOException("object '" + object.key() + "' arrived with " + actual + " of " + object.size() + " bytes");
      }
      return;
    }
    long partSize = settings.parallelReadPartSize();
    long partCount = (object.size() + partSize - 1) / partSize;
    int maxParts = (int) Math.min(Math.min(settings.filesInFlight(), MAX_PARTS_PER_FILE), partCount);
    // Ranges run on the file's own reservation, plus each extra one the budget has room for
    // now: alone, a large file gets every part; among many files, it may get no extra one.
    List<TransferMemory.Reservation> extras = new ArrayList<>();
    Semaphore slots = new Semaphore(1);
    try (FileChannel channel = openTarget(target);
        UnflushedBytes.File unflushedFile = unflushed.track(channel);
        BoundedParallel parts = new BoundedParallel("range", maxParts)) {
      for (long offset = 0; offset < object.size(); offset += partSize) {
        long start = offset;
        long length = Math.min(partSize, object.size() - offset);
        while (extras.size() < maxParts - 1) {
          Optional<TransferMemory.Reservation> extra = memory.tryReserve(transferBytes);
          if (extra.isEmpty()) {
            break;
          }
          extras.add(extra.get());
          slots.release();
        }
        if (!awaitSlot(slots, parts)) {
          break;
        }
        parts.submit(() -> {
          try {
            retrier.call("load " + object.key() + " @" + start, () -> {
              try (InputStream in = storage.openRead(object.key(), start, length)) {
                copy(object.key(), in, channel, start, length, unflushedFile);
              }
              return null;
            });
          } finally {
            slots.release();
          }
        });
        if (!parts.healthy()) {
          break;
        }
      }
      parts.finish();
    } finally {
      extras.forEach(TransferMemory.Reservation::close);
    }
  }

  /** Waits for a range to finish; false once one has failed (a skipped part frees no slot). */
  private static boolean awaitSlot(Semaphore slots, BoundedParallel parts) throws IOException {
    try {
      while (!slots.tryAcquire(50, TimeUnit.MILLISECONDS)) {
        if (!parts.healthy()) {
          return false;
        }
      }
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted");
    }
  }

  private static FileChannel openTarget(Path target) throws IOException {
    return FileChannel.open(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
  }

  /**
   * Writes {@code length} bytes of {@code in} at {@code start} (one part of many, or the whole
   * object); a stream that ends early is an error. Bytes beyond the length are left unread.
   */
  private static void copy(String key, InputStream in, FileChannel channel, long start, long length,
      UnflushedBytes.File unflushed) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(1, Math.min(COPY_BUFFER_BYTES, length)));
    long position = start;
    while (position < start + length) {
      buffer.clear();
      int want = (int) Math.min(buffer.capacity(), start + length - position);
      int n = in.readNBytes(buffer.array(), 0, want);
      if (n <= 0) {
        throw new IOException("object '" + key + "' ended early at byte " + position + " of range " + start + "+" + length);
      }
      buffer.limit(n);
      while (buffer.hasRemaining()) {
        position += channel.write(buffer, position);
      }
      unflushed.wrote(n);
    }
  }

  /** Whether the driver downloads to a file its own way (an SDK's parallel download, a kernel copy). */
  private static boolean overridesReadToFile(ArtifactStorage storage) {
    try {
      return storage.getClass().getMethod("readToFile", String.class, Path.class).getDeclaringClass() != ArtifactStorage.class;
    } catch (NoSuchMethodException e) {
      throw new IllegalStateException(e);
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
    for (String segment : relative.split("/")) {
      target = target.resolve(segment);
    }
    if (!target.normalize().startsWith(root)) {
      throw new ArtifactException("object '" + ArtifactKey.printable(key.child(relative)) + "' would escape the target directory");
    }
    return target;
  }

  private static Path partialSibling(Path local) {
    Path absolute = local.toAbsolutePath();
    return absolute.resolveSibling("." + absolute.getFileName() + ".partial-" + UUID.randomUUID());
  }

  private static void moveIntoPlace(Path partial, Path local) throws IOException {
    if (Files.isDirectory(local, LinkOption.NOFOLLOW_LINKS)) {
      LocalTree.delete(local);
    }
    try {
      Files.move(partial, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException | DirectoryNotEmptyException | FileAlreadyExistsException e) {
      throw new IOException("cannot move the download into place at '" + local + "': " + e.getMessage(), e);
    }
  }

  /** Thrown from the walker to stop early once a transfer has failed. */
  private static final class StopWalk extends RuntimeException {
    private static final long serialVersionUID = 1L;

    StopWalk() {
      super(null, null, false, false);
    }
  }
}
