package dev.argoartifact.common.storage.objectstore;

import dev.argoartifact.common.config.KeyPrefix;
import dev.argoartifact.common.failure.Failure;
import dev.argoartifact.common.failure.StorageException;
import dev.argoartifact.common.log.JsonLog;
import dev.argoartifact.common.log.Printable;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.AtomicWrite;
import dev.argoartifact.common.storage.ObjectInfo;
import dev.argoartifact.common.storage.ObjectNotFoundException;
import dev.argoartifact.common.storage.PartedWrites;
import dev.argoartifact.common.storage.RangedReads;
import dev.argoartifact.common.storage.StorageLimits;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;

/**
 * The storage of every object store (Azure Blob Storage, GCS, S3): keys are object names below an
 * optional prefix in one container. A driver supplies the primitives on full object names
 * ({@link #head}, {@link #listObjects}, {@link #read}, {@link #putObject}, {@link #createUpload},
 * {@link #deleteObject}) and the classification of its SDK's failures; this class owns the rest:
 * <ul>
 *   <li>prefix mapping, and directory placeholders ("dir/", or what the driver marks) never taken
 *       for files;
 *   <li>one staged write: an object up to one part goes in a single request, a larger one in
 *       parts (blocks) that become visible only when completed, and an upload closed without a
 *       commit is aborted, leaving no parts behind;
 *   <li>ranged reads, and reads from an offset, for the runtime's parallel and resumed downloads;
 *   <li>the error phrases users read.
 * </ul>
 */
public abstract class ObjectStoreStorage implements ArtifactStorage, RangedReads, PartedWrites {
    private final String prefix;
    private final int partSize;
    private final int maxParts;

    /**
     * @param prefix the operator's (and workflow's) prefix, or null
     * @param partSize bytes per part of an upload, and the most one write buffers
     * @param maxParts the most parts of one object (the backend's limit)
     */
    protected ObjectStoreStorage(String prefix, int partSize, int maxParts) {
        this.prefix = KeyPrefix.normalize(prefix);
        this.partSize = partSize;
        this.maxParts = maxParts;
    }

    // ------------------------------------------------------------------ the primitives

    /** An object as the store reports it; a placeholder is a directory marker, not a file. */
    public record StoredObject(String name, long size, boolean placeholder) {}

    /** Receives listed objects; false stops the listing. */
    @FunctionalInterface
    protected interface StoredObjectVisitor {
        boolean visit(StoredObject object) throws IOException;
    }

    /** The object named {@code name}, or empty when there is none. */
    protected abstract Optional<StoredObject> head(String name) throws IOException;

    /** Every object whose name starts with {@code namePrefix}, following every page. */
    protected abstract void listObjects(String namePrefix, StoredObjectVisitor visitor) throws IOException;

    /** Reads {@code length} bytes from {@code offset}, or to the end when {@code length} is negative. */
    protected abstract InputStream read(String name, long offset, long length) throws IOException;

    /** Stores a whole object in one request, replacing any previous one. */
    protected abstract void putObject(String name, byte[] data, int length) throws IOException;

    /** Starts an upload in parts; nothing is visible under the name until it completes. */
    protected abstract Upload createUpload(String name) throws IOException;

    /** Deletes an object; a missing one is not an error. */
    protected abstract void deleteObject(String name) throws IOException;

    /** What a failure of this store's SDK means: by status, error code or type, never by message text. */
    protected abstract Failure classify(Exception failure);

    /** A short reason for a failure (an error code and status), for the one line users read. */
    protected abstract String reason(Exception failure);

    /** Where the objects are, for messages: "Azure container 'argo'", "GCS bucket 'argo'". */
    protected abstract String location();

    /** A failure's first line of message, or its type where it has none: for {@link #reason}. */
    protected static String firstLine(Exception failure) {
        String message = failure.getMessage();
        return message == null || message.isBlank()
                ? failure.getClass().getSimpleName()
                : message.lines().findFirst().orElseThrow();
    }

    // ------------------------------------------------------------------ names and failures

    /** The object name of a key. */
    protected final String name(String key) {
        return prefix + key;
    }

    /** The key of an object name below the prefix (the inverse of {@link #name}). */
    protected final String key(String name) {
        return name.substring(prefix.length());
    }

    /** Work on the store whose failure becomes one classified line. */
    @FunctionalInterface
    protected interface Call<T> {
        T run() throws Exception;
    }

    /** Runs {@code call}, turning an SDK failure into one line: what, which object, where, why. */
    protected final <T> T call(String what, String name, Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (StorageException classified) {
            throw classified;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            Failure failure = classify(e);
            String object = name == null ? "" : " '" + Printable.of(name) + "'";
            throw new StorageException(
                    what + object + " in " + location() + " failed: " + reason(e)
                            + (failure == Failure.DENIED
                                    ? " (the credentials are wrong, expired or lack permission)"
                                    : ""),
                    e,
                    failure);
        }
    }

    // ------------------------------------------------------------------ reads

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        String name = name(key);
        Optional<StoredObject> object = call("stat of", name, () -> {
            try {
                return head(name);
            } catch (Exception e) {
                if (classify(e) == Failure.NOT_FOUND) {
                    return Optional.empty();
                }
                throw e;
            }
        });
        return object.filter(o -> !isPlaceholder(o)).map(o -> new ObjectInfo(key, o.size()));
    }

    private static boolean isPlaceholder(StoredObject object) {
        return object.placeholder() || object.name().endsWith("/");
    }

    @Override
    public void list(String keyPrefix, ObjectVisitor visitor) throws IOException {
        String namePrefix = name(keyPrefix);
        call("listing of", namePrefix, () -> {
            listObjects(
                    namePrefix,
                    object ->
                            isPlaceholder(object) || visitor.visit(new ObjectInfo(key(object.name()), object.size())));
            return null;
        });
    }

    @Override
    public InputStream openRead(String key, long offset) throws IOException {
        return open(key, offset, -1);
    }

    @Override
    public InputStream openRange(String key, long offset, long length) throws IOException {
        return open(key, offset, length);
    }

    private InputStream open(String key, long offset, long length) throws IOException {
        String name = name(key);
        InputStream in = call("read of", name, () -> {
            try {
                return read(name, offset, length);
            } catch (Exception e) {
                if (classify(e) == Failure.NOT_FOUND) {
                    throw new ObjectNotFoundException(key);
                }
                throw e;
            }
        });
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                return call("read of", name, super::read);
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return call("read of", name, () -> super.read(b, off, len));
            }
        };
    }

    // ------------------------------------------------------------------ writes

    @Override
    public AtomicWrite startWrite(String key) {
        return new StagedWrite(name(key));
    }

    /** One part in memory; a single request when the object fits in it, an upload in parts otherwise. */
    private final class StagedWrite implements AtomicWrite {
        /** Where a buffer starts: most artifacts are small, and a part can be 256 MiB. */
        private static final int FIRST_BUFFER_BYTES = 64 << 10;

        private final String name;
        /** Grows to one part as bytes arrive: allocating a part up front cost 12 ms per small file. */
        private byte[] buffer;

        private int buffered;
        private Upload upload;
        private int parts;
        private boolean committed;
        private boolean closed;

        StagedWrite(String name) {
            this.name = name;
            this.buffer = new byte[Math.min(partSize, FIRST_BUFFER_BYTES)];
        }

        private final OutputStream out = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                while (len > 0) {
                    if (buffered == partSize) {
                        // A full part with more to come; a write of exactly one part stays one request.
                        uploadBuffered();
                    } else if (buffered == buffer.length) {
                        buffer = Arrays.copyOf(buffer, (int)
                                Math.min(partSize, Math.max(2L * buffer.length, (long) buffered + len)));
                    }
                    int n = Math.min(len, buffer.length - buffered);
                    System.arraycopy(b, off, buffer, buffered, n);
                    buffered += n;
                    off += n;
                    len -= n;
                }
            }
        };

        private void uploadBuffered() throws IOException {
            if (upload == null) {
                upload = call("upload of", name, () -> createUpload(name));
            }
            int number = ++parts;
            call("upload of part " + number + " of", name, () -> {
                upload.uploadPart(number, buffer, buffered);
                return null;
            });
            buffered = 0;
        }

        @Override
        public OutputStream stream() {
            return out;
        }

        @Override
        public void commit() throws IOException {
            if (upload == null) {
                call("upload of", name, () -> {
                    putObject(name, buffer, buffered);
                    return null;
                });
            } else {
                if (buffered > 0) {
                    uploadBuffered();
                }
                call("commit of", name, () -> {
                    upload.complete(parts);
                    return null;
                });
            }
            committed = true;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (!committed && upload != null) {
                abortQuietly(name, upload);
            }
        }
    }

    /**
     * Drops what an unfinished upload of {@code name} staged. A failure to do so is only logged:
     * nothing is visible either way, and the store discards what stays (after a week at most).
     */
    protected final void abortQuietly(String name, Upload upload) {
        try {
            call("abort of the upload of", name, () -> {
                upload.abort();
                return null;
            });
        } catch (IOException | RuntimeException e) {
            JsonLog.warn("an aborted upload could not be cleaned up", Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    @Override
    public int partSize() {
        return partSize;
    }

    @Override
    public int maxParts() {
        return maxParts;
    }

    /** For the runtime's parallel parts of a file: each call classified like every other. */
    @Override
    public Upload startUpload(String key) throws IOException {
        String name = name(key);
        Upload upload = call("upload of", name, () -> createUpload(name));
        return new Upload() {
            @Override
            public void uploadPart(int number, byte[] data, int length) throws IOException {
                call("upload of part " + number + " of", name, () -> {
                    upload.uploadPart(number, data, length);
                    return null;
                });
            }

            @Override
            public void complete(int parts) throws IOException {
                call("commit of", name, () -> {
                    upload.complete(parts);
                    return null;
                });
            }

            @Override
            public void abort() throws IOException {
                call("abort of the upload of", name, () -> {
                    upload.abort();
                    return null;
                });
            }
        };
    }

    // ------------------------------------------------------------------ deletes and limits

    @Override
    public void delete(String key) throws IOException {
        String name = name(key);
        call("delete of", name, () -> {
            try {
                deleteObject(name);
            } catch (Exception e) {
                if (classify(e) != Failure.NOT_FOUND) {
                    throw e;
                }
            }
            return null;
        });
    }

    /** A write holds its part buffer (a small object only its size of it), beside what the SDK keeps per request. */
    @Override
    public StorageLimits limits() {
        return StorageLimits.DEFAULT.withHeapBytesPerTransfer(partSize + (1L << 20), partSize);
    }
}
