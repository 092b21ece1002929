package dev.argoartifact.common.transfer;

import dev.argoartifact.common.failure.Failure;
import dev.argoartifact.common.failure.StorageException;
import dev.argoartifact.common.log.JsonLog;
import dev.argoartifact.common.log.Printable;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.AtomicWrite;
import dev.argoartifact.common.storage.FileTransfers;
import dev.argoartifact.common.storage.ListedReads;
import dev.argoartifact.common.storage.ObjectInfo;
import dev.argoartifact.common.storage.PartedWrites;
import dev.argoartifact.common.storage.RangedReads;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How every operation moves bytes through one storage: the one place that reserves transfer
 * memory, retries (resuming reads at the offset reached), runs files and ranges in parallel and
 * moves a finished download into place. The operations above it say what to move; this says how.
 */
public final class TransferEngine {
    /** The buffer the engine copies a stream through. */
    public static final int COPY_BUFFER_BYTES = 1 << 20;

    private final ArtifactStorage storage;
    private final TransferSettings settings;
    private final Retrier retrier;
    private final TransferMemory memory;
    /** What one transfer reserves: the storage's own buffers and the engine's copy buffer. */
    private final long transferBytes;

    /** Sharing {@code memory} with every other transfer of the process. */
    public TransferEngine(ArtifactStorage storage, TransferSettings settings, TransferMemory memory) {
        this.storage = storage;
        this.settings = settings.withDefaults();
        this.retrier = new Retrier(this.settings);
        this.memory = memory;
        this.transferBytes = storage.limits().heapBytesPerTransfer() + COPY_BUFFER_BYTES;
    }

    /** What a transfer of a file of {@code size} bytes reserves: a small file fills little of a part buffer. */
    private long transferBytes(long size) {
        return storage.limits().heapBytesFor(size) + Math.min(COPY_BUFFER_BYTES, size);
    }

    public ArtifactStorage storage() {
        return storage;
    }

    public TransferSettings settings() {
        return settings;
    }

    /** Holds one transfer's memory for a stream the caller moves itself (SaveStream, OpenStream). */
    public TransferMemory.Reservation reserveTransfer() throws InterruptedIOException {
        return memory.reserve(transferBytes);
    }

    /** A storage call that moves no data (a delete, a batch), retried when its failure is transient. */
    public <T> T retry(String what, Retrier.Work<T> work) throws IOException {
        return retrier.call(what, work);
    }

    /** The object exactly at {@code key}, retried. */
    public Optional<ObjectInfo> stat(String key) throws IOException {
        return retrier.call("stat " + key, () -> storage.stat(key));
    }

    /**
     * Every object under {@code prefix}, retried: objects visited before a transient failure are
     * not visited again by the listing that resumes.
     */
    public void list(String prefix, ArtifactStorage.ObjectVisitor visitor) throws IOException {
        Set<String> visited = new HashSet<>();
        AtomicLong progress = new AtomicLong();
        retrier.call(
                "list " + prefix,
                () -> {
                    storage.list(prefix, object -> {
                        if (!visited.add(object.key())) {
                            return true;
                        }
                        progress.incrementAndGet();
                        return visitor.visit(object);
                    });
                    return null;
                },
                progress::get);
    }

    /** Files of a directory at once: {@code transfer.filesInFlight}. */
    public BoundedParallel parallel(String name) {
        return new BoundedParallel(name, settings.filesInFlight());
    }

    /** A Load's bound on dirty pages, across its files ({@code transfer.maxUnflushedBytes}). */
    public UnflushedBytes unflushedBytes() {
        return new UnflushedBytes(settings.maxUnflushedBytes());
    }

    /**
     * Uploads a local file atomically: natively where the storage moves whole files itself (the
     * SDK's own transfer sends file content without copying it through the heap); else, where the
     * storage writes in parts and the file is larger than one, its parts go side by side and a
     * transient failure sends that part again; else one stream, restarted on a transient failure.
     */
    public void upload(String key, Path file) throws IOException {
        long size = Files.size(file);
        if (!(storage instanceof FileTransfers) && storage instanceof PartedWrites parted && size > parted.partSize()) {
            uploadParts(parted, key, file, size);
            return;
        }
        try (TransferMemory.Reservation reserved = memory.reserve(transferBytes(size))) {
            retrier.call("save " + key, () -> {
                if (storage instanceof FileTransfers native_) {
                    native_.writeFile(key, file);
                    return null;
                }
                try (AtomicWrite write = storage.startWrite(key)) {
                    try (OutputStream out = write.stream()) {
                        Files.copy(file, out);
                    }
                    write.commit();
                }
                return null;
            });
        }
    }

    private void uploadParts(PartedWrites parted, String key, Path file, long size) throws IOException {
        // Parts grow past the storage's size only where the backend's part limit requires it.
        long partSize = Math.max(parted.partSize(), (size + parted.maxParts() - 1) / parted.maxParts());
        int count = (int) ((size + partSize - 1) / partSize);
        // A part holds the storage's own buffers and the part the runtime reads into its array; the
        // file's own reservation runs the first.
        long bytesPerPart = transferBytes - storage.limits().objectBufferBytes() + partSize;
        try (TransferMemory.Reservation reserved = memory.reserve(bytesPerPart)) {
            PartedWrites.Upload upload = retrier.call("save " + key, () -> parted.startUpload(key));
            boolean completed = false;
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
                // One buffer per part in flight, reused: a fresh array per part (128 for a GiB) made
                // the collector grow the heap to its limit in a small container.
                Queue<byte[]> buffers = new ConcurrentLinkedQueue<>();
                inParts("part", count, bytesPerPart, index -> {
                    long offset = index * partSize;
                    int length = (int) Math.min(partSize, size - offset);
                    byte[] reused = buffers.poll();
                    byte[] data = reused != null ? reused : new byte[(int) partSize];
                    try {
                        ByteBuffer buffer = ByteBuffer.wrap(data, 0, length);
                        while (buffer.hasRemaining()) {
                            if (in.read(buffer, offset + buffer.position()) < 0) {
                                throw new IOException("file '" + file + "' shrank while it was saved");
                            }
                        }
                        int number = (int) index + 1;
                        retrier.call("save " + key + " part " + number, () -> {
                            upload.uploadPart(number, data, length);
                            return null;
                        });
                    } finally {
                        buffers.add(data);
                    }
                });
                retrier.call("save " + key, () -> {
                    upload.complete(count);
                    return null;
                });
                completed = true;
            } finally {
                if (!completed) {
                    try {
                        upload.abort();
                    } catch (IOException | RuntimeException e) {
                        JsonLog.warn(
                                "an aborted upload could not be cleaned up",
                                Map.of("key", Printable.of(key), "error", String.valueOf(e.getMessage())));
                    }
                }
            }
        }
    }

    /**
     * Downloads the object into {@code target}, a private temporary file the caller moves into
     * place: natively where the storage moves whole files itself, else in parallel ranges where it
     * reads ranges and the object is large, else one stream, resumed at the offset reached after a
     * transient failure.
     */
    public void download(ObjectInfo object, Path target, UnflushedBytes unflushed) throws IOException {
        try (TransferMemory.Reservation reserved = memory.reserve(transferBytes(object.size()))) {
            if (storage instanceof FileTransfers native_) {
                retrier.call("load " + object.key(), () -> {
                    native_.readToFile(object.key(), target);
                    return null;
                });
            } else if (storage instanceof RangedReads ranged && object.size() >= settings.parallelReadThreshold()) {
                downloadRanges(ranged, object, target, unflushed);
            } else {
                try (FileChannel channel = openTarget(target);
                        UnflushedBytes.File file = unflushed.track(channel)) {
                    copyResuming(
                            object,
                            (in, position, length) ->
                                    copy(object.key(), object.size(), in, channel, position, length, file));
                }
            }
        }
        long actual = Files.size(target);
        if (actual != object.size()) {
            throw new StorageException(
                    "object '" + Printable.of(object.key()) + "' arrived with " + actual + " of " + object.size()
                            + " bytes",
                    null,
                    Failure.INVALID);
        }
    }

    /** Writes the object's bytes to {@code sink}, resuming at the offset reached after a transient failure. */
    public void copyTo(ObjectInfo object, OutputStream sink) throws IOException {
        byte[] buffer = new byte[(int) Math.max(1, Math.min(COPY_BUFFER_BYTES, object.size()))];
        copyResuming(object, (in, position, length) -> {
            long done = 0;
            while (done < length) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, length - done));
                if (n < 0) {
                    throw endedEarly(object.key(), position.get(), object.size());
                }
                sink.write(buffer, 0, n);
                done += n;
                position.addAndGet(n);
            }
        });
    }

    /** Copies {@code length} bytes from an open stream, advancing {@code position} as they land. */
    @FunctionalInterface
    private interface Copy {
        void run(InputStream in, AtomicLong position, long length) throws IOException;
    }

    /**
     * Reads a whole object, re-opening it at the offset reached after each transient failure:
     * never from the start again, and a read that keeps moving is never given up. An object that
     * turns out longer than its listed size is an error, not a silently cut copy.
     */
    private void copyResuming(ObjectInfo object, Copy copy) throws IOException {
        AtomicLong position = new AtomicLong();
        retrier.call(
                "load " + object.key(),
                () -> {
                    long from = position.get();
                    if (from > 0 && from == object.size()) {
                        return null;
                    }
                    try (InputStream in = storage instanceof ListedReads listed
                            ? listed.openListed(object, from)
                            : storage.openRead(object.key(), from)) {
                        copy.run(in, position, object.size() - from);
                        if (in.read() != -1) {
                            throw new StorageException(
                                    "object '" + Printable.of(object.key()) + "' grew beyond its " + object.size()
                                            + " bytes while it was read",
                                    null,
                                    Failure.INVALID);
                        }
                    }
                    return null;
                },
                position::get);
    }

    private void downloadRanges(RangedReads ranged, ObjectInfo object, Path target, UnflushedBytes unflushed)
            throws IOException {
        long partSize = settings.parallelReadPartSize();
        int count = (int) ((object.size() + partSize - 1) / partSize);
        try (FileChannel channel = openTarget(target);
                UnflushedBytes.File file = unflushed.track(channel)) {
            inParts("range", count, transferBytes, index -> {
                long start = index * partSize;
                long length = Math.min(partSize, object.size() - start);
                AtomicLong position = new AtomicLong(start);
                retrier.call(
                        "load " + object.key() + " @" + start,
                        () -> {
                            long from = position.get();
                            long left = start + length - from;
                            try (InputStream in = ranged.openRange(object.key(), from, left)) {
                                copy(object.key(), object.size(), in, channel, position, left, file);
                            }
                            return null;
                        },
                        position::get);
            });
        }
    }

    /** One part of a file that goes in parts. */
    @FunctionalInterface
    private interface Part {
        void run(long index) throws IOException;
    }

    /**
     * Runs the parts of one file side by side, on the file's own reservation plus each extra one
     * the budget has room for now: alone, a large file gets every part at once (up to
     * {@code transfer.partsPerFile}); among many files, it may get no extra one.
     */
    private void inParts(String name, int count, long bytesPerPart, Part part) throws IOException {
        int maxParts = Math.min(Math.min(settings.filesInFlight(), settings.partsPerFile()), count);
        List<TransferMemory.Reservation> extras = new ArrayList<>();
        Semaphore slots = new Semaphore(1);
        try (BoundedParallel parts = new BoundedParallel(name, maxParts)) {
            for (long index = 0; index < count; index++) {
                while (extras.size() < maxParts - 1) {
                    Optional<TransferMemory.Reservation> extra = memory.tryReserve(bytesPerPart);
                    if (extra.isEmpty()) {
                        break;
                    }
                    extras.add(extra.get());
                    slots.release();
                }
                if (!awaitSlot(slots, parts)) {
                    break;
                }
                long current = index;
                parts.submit(() -> {
                    try {
                        part.run(current);
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
        return FileChannel.open(
                target, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING);
    }

    /**
     * Writes {@code length} bytes of {@code in} at {@code position} (one part of many, or the
     * whole object), advancing it as bytes land; a stream that ends early is an error.
     */
    private static void copy(
            String key,
            long size,
            InputStream in,
            FileChannel channel,
            AtomicLong position,
            long length,
            UnflushedBytes.File unflushed)
            throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) Math.max(1, Math.min(COPY_BUFFER_BYTES, length)));
        long end = position.get() + length;
        while (position.get() < end) {
            buffer.clear();
            int want = (int) Math.min(buffer.capacity(), end - position.get());
            // One read, not readNBytes: what arrived before a cut is written, so the retry resumes there.
            int n = in.read(buffer.array(), 0, want);
            if (n < 0) {
                throw endedEarly(key, position.get(), size);
            }
            buffer.limit(n);
            long at = position.get();
            while (buffer.hasRemaining()) {
                at += channel.write(buffer, at);
            }
            position.set(at);
            unflushed.wrote(n);
        }
    }

    /**
     * A stream that ends before the object's size: most often a connection the network cut
     * without an error, so transient; the read resumes there, and an object that really shrank
     * fails once retries make no progress.
     */
    private static StorageException endedEarly(String key, long at, long size) {
        return new StorageException(
                "object '" + Printable.of(key) + "' ended early at byte " + at + " of " + size,
                null,
                Failure.TRANSIENT);
    }

    /** A private name beside {@code local}, for a download not yet complete. */
    public static Path partialSibling(Path local) {
        Path absolute = local.toAbsolutePath();
        return absolute.resolveSibling("." + absolute.getFileName() + ".partial-" + UUID.randomUUID());
    }

    /** Renames a finished download over {@code local}, atomically; a directory there is replaced. */
    public static void moveIntoPlace(Path partial, Path local) throws IOException {
        if (Files.isDirectory(local, LinkOption.NOFOLLOW_LINKS)) {
            LocalTree.delete(local);
        }
        try {
            Files.move(partial, local, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException | DirectoryNotEmptyException | FileAlreadyExistsException e) {
            throw new IOException("cannot move the download into place at '" + local + "': " + e.getMessage(), e);
        }
    }
}
