package dev.argoartifact.common.storage.filesystem;

import dev.argoartifact.common.config.BasePath;
import dev.argoartifact.common.failure.Failure;
import dev.argoartifact.common.failure.StorageException;
import dev.argoartifact.common.log.Printable;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.AtomicWrite;
import dev.argoartifact.common.storage.DirectoryDelete;
import dev.argoartifact.common.storage.ListedReads;
import dev.argoartifact.common.storage.ObjectInfo;
import dev.argoartifact.common.storage.ObjectNotFoundException;
import dev.argoartifact.common.storage.PartedWrites;
import dev.argoartifact.common.storage.StagedWrites;
import dev.argoartifact.common.storage.StorageLimits;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The storage of every hierarchical filesystem (a mounted volume, SFTP, HDFS): keys are files
 * below a base directory, in real directories. A driver supplies a dozen primitives on absolute
 * paths ({@link #readEntry}, {@link #listDirectory}, {@link #openFile}, {@link #createFile},
 * {@link #replace}, ...) and the classification of its failures; this class owns the rest, once:
 * <ul>
 *   <li>path mapping below the base, and symbolic links never followed, so nothing outside the
 *       base is read, written or deleted;
 *   <li>one atomic write: a fresh file in {@value StagedWrites#DIRECTORY} below the base, renamed
 *       over the target when committed, removed when not, and swept when a dead writer left it;
 *   <li>the walk, which leaves out the staging directory, links and writes in progress;
 *   <li>directories found missing after another client removed them: the write makes them again;
 *   <li>the error phrases users read.
 * </ul>
 */
public abstract class FileSystemStorage implements ArtifactStorage, DirectoryDelete, ListedReads, StagedWrites {
    /** Why a path conflicts; the same words on every filesystem. */
    protected static final String USED_BOTH_WAYS = "(an artifact key is used both as a file and as a directory)";

    private final String base;
    private final String baseField;
    private final boolean cacheDirectories;
    private final StorageLimits limits;
    /** Directories known to be real (not links) below the base; forgotten when one turns out missing. */
    private final Set<String> realDirectories = ConcurrentHashMap.newKeySet();
    /** Staged files a failure kept us from removing; tried again at the next write. */
    private final Set<String> orphans = ConcurrentHashMap.newKeySet();

    private volatile boolean baseChecked;

    /**
     * @param baseField the configuration field naming the base directory, for messages ("basePath")
     * @param basePath the absolute directory below which every key lives
     * @param cacheDirectories whether to remember directories found real, saving a round trip per
     *     level on remote filesystems; local ones check each time, where a check costs microseconds
     * @param limits what one transfer holds of the heap (a client's buffers per open file)
     */
    protected FileSystemStorage(String baseField, String basePath, boolean cacheDirectories, StorageLimits limits) {
        this.baseField = baseField;
        this.base = BasePath.normalize(basePath);
        this.cacheDirectories = cacheDirectories;
        this.limits = limits;
    }

    @Override
    public final StorageLimits limits() {
        return limits;
    }

    // ------------------------------------------------------------------ the primitives

    /**
     * The entry at {@code path}, not following a link; fails as {@link Failure#NOT_FOUND} when
     * nothing is there, or when a file stands where a parent directory would be.
     */
    protected abstract FileEntry readEntry(String path) throws IOException;

    /** The entries of a directory, without "." and ".."; a missing one fails as {@link Failure#NOT_FOUND}. */
    protected abstract List<FileEntry> listDirectory(String dir) throws IOException;

    /** Reads a file from byte {@code offset}. */
    protected abstract InputStream openFile(String path, long offset) throws IOException;

    /** Creates a file that does not exist yet, in an existing directory. */
    protected abstract OutputStream createFile(String path) throws IOException;

    /** Renames a file over {@code target}, replacing a file there, atomically where the server can. */
    protected abstract void replace(String source, String target) throws IOException;

    /** Creates one directory in an existing one. */
    protected abstract void makeDirectory(String path) throws IOException;

    /** Removes a file or a link (never its target). */
    protected abstract void deleteFile(String path) throws IOException;

    /** What a failure of this filesystem's client means. */
    protected abstract Failure classify(IOException failure);

    /** Where this storage is, for messages: "sftp://host:22", "the volume". */
    protected abstract String location();

    // ------------------------------------------------------------------ hooks

    /** Names that other tools give their writes in progress (Hadoop's "._COPYING_"); never listed. */
    protected boolean isInProgress(String name) {
        return false;
    }

    /** Creates the staging directory; a filesystem shared by several users may open it to them. */
    protected void makeStagingDirectory(String path) throws IOException {
        makeDirectories(path);
    }

    /** Removes an empty directory; where one call removes a file or an empty directory, it is {@link #deleteFile}. */
    protected void deleteEmptyDirectory(String path) throws IOException {
        deleteFile(path);
    }

    /** Removes a real directory and everything in it; a filesystem with a native recursive delete overrides it. */
    protected void deleteTree(String dir) throws IOException {
        List<FileEntry> entries;
        try {
            entries = listDirectory(dir);
        } catch (IOException e) {
            if (classify(e) == Failure.NOT_FOUND) {
                return;
            }
            throw e;
        }
        for (FileEntry entry : entries) {
            String child = child(dir, entry.name());
            if (entry.isDirectory()) {
                deleteTree(child);
            } else {
                deleteIgnoringMissing(child);
            }
        }
        try {
            deleteEmptyDirectory(dir);
        } catch (IOException e) {
            if (classify(e) != Failure.NOT_FOUND) {
                throw e;
            }
        }
    }

    /** The entry at {@code path}, or null when nothing is there. */
    private FileEntry lstat(String path) throws IOException {
        try {
            return readEntry(path);
        } catch (IOException e) {
            if (classify(e) == Failure.NOT_FOUND) {
                return null;
            }
            throw e;
        }
    }

    // ------------------------------------------------------------------ paths

    /** The normalized base directory. */
    protected final String base() {
        return base;
    }

    /** The path of a key below the base. */
    protected final String path(String key) {
        return BasePath.resolve(base, key);
    }

    private String directory(String prefix) {
        return prefix.isEmpty() ? base : path(prefix.substring(0, prefix.length() - 1));
    }

    private String staging() {
        return path(StagedWrites.DIRECTORY);
    }

    protected static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    protected static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    protected static String child(String dir, String name) {
        return dir.equals("/") ? "/" + name : dir + "/" + name;
    }

    // ------------------------------------------------------------------ failures

    /** Work on the filesystem whose failures become one classified line naming the path. */
    @FunctionalInterface
    protected interface Call<T> {
        T run() throws IOException;
    }

    /** Runs {@code call}, turning a failure of the client into one line: what, which path, where, why. */
    protected final <T> T call(String what, String path, Call<T> call) throws IOException {
        try {
            return call.run();
        } catch (StorageException classified) {
            throw classified;
        } catch (IOException e) {
            throw failure(what, path, e);
        }
    }

    /** One line for a failure of the client, classified by {@link #classify}. */
    protected final StorageException failure(String what, String path, IOException e) {
        Failure failure = classify(e);
        String where = what + " '" + Printable.of(path) + "' on " + location();
        String reason = firstLine(e);
        String message = switch (failure) {
            case NOT_FOUND -> where + ": no such file or directory";
            case DENIED -> where + ": permission denied (" + reason + ")";
            case TRANSIENT -> where + " failed, and may work when tried again: " + reason;
            default -> where + " failed: " + reason;
        };
        return new StorageException(message, e, failure);
    }

    private static String firstLine(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String m = c.getMessage();
            if (m != null && !m.isBlank()) {
                return m.lines().findFirst().orElse(m);
            }
        }
        return t.getClass().getSimpleName();
    }

    private static StorageException invalid(String message) {
        return new StorageException(message, null, Failure.INVALID);
    }

    // ------------------------------------------------------------------ real directories

    /**
     * Whether {@code dir} (the base or below it) is a real directory reached without links: false
     * when it is missing or a file (nothing can be under it); a link on the way is refused.
     */
    private boolean realDirectory(String dir) throws IOException {
        if (dir.equals(base)) {
            checkBase();
            return true;
        }
        if (realDirectories.contains(dir)) {
            return true;
        }
        if (!realDirectory(parent(dir))) {
            return false;
        }
        FileEntry entry = lstat(dir);
        if (entry == null || entry.kind() == FileEntry.Kind.FILE || entry.kind() == FileEntry.Kind.OTHER) {
            return false;
        }
        if (entry.kind() == FileEntry.Kind.LINK) {
            throw invalid("'" + Printable.of(dir) + "' on " + location()
                    + " is a symbolic link, which is never followed (it could lead outside the base directory)");
        }
        if (cacheDirectories) {
            realDirectories.add(dir);
        }
        return true;
    }

    /** The base itself may be a link (the operator chose it); it must lead to a directory. */
    private void checkBase() throws IOException {
        if (baseChecked) {
            return;
        }
        FileEntry entry = lstat(base);
        if (entry == null) {
            throw invalid(baseField + " '" + base + "' does not exist on " + location() + " (create it, or fix "
                    + baseField + ")");
        }
        if (entry.kind() == FileEntry.Kind.FILE || entry.kind() == FileEntry.Kind.OTHER) {
            throw invalid(baseField + " '" + base + "' on " + location() + " is not a directory");
        }
        baseChecked = true;
    }

    /** After a directory turned out missing: another client removed it, so nothing cached holds. */
    private void forgetDirectories() {
        realDirectories.clear();
        baseChecked = false;
    }

    private void makeDirectories(String dir) throws IOException {
        try {
            makeDirectoriesOnce(dir);
        } catch (IOException e) {
            if (classify(e) != Failure.NOT_FOUND) {
                throw e;
            }
            forgetDirectories(); // a directory remembered as real was removed behind our back
            makeDirectoriesOnce(dir);
        }
    }

    private void makeDirectoriesOnce(String dir) throws IOException {
        if (realDirectory(dir)) {
            return;
        }
        makeDirectoriesOnce(parent(dir));
        try {
            makeDirectory(dir);
        } catch (IOException e) {
            if (realDirectory(dir)) {
                return; // another transfer made it meanwhile
            }
            FileEntry there = lstat(dir);
            if (there != null && !there.isDirectory()) {
                throw invalid("cannot create directory '" + Printable.of(dir) + "' on " + location()
                        + ": a file of that name exists " + USED_BOTH_WAYS);
            }
            throw e;
        }
        if (cacheDirectories) {
            realDirectories.add(dir);
        }
    }

    private boolean isObjectFile(String path) throws IOException {
        if (!realDirectory(parent(path))) {
            return false;
        }
        FileEntry entry = lstat(path);
        return entry != null && entry.isFile();
    }

    // ------------------------------------------------------------------ reads

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        String path = path(key);
        return call("stat", path, () -> {
            if (!realDirectory(parent(path))) {
                return Optional.empty();
            }
            FileEntry entry = lstat(path);
            return entry != null && entry.isFile() ? Optional.of(new ObjectInfo(key, entry.size())) : Optional.empty();
        });
    }

    @Override
    public void list(String prefix, ObjectVisitor visitor) throws IOException {
        String dir = directory(prefix);
        call("list", dir, () -> {
            if (realDirectory(dir)) {
                walk(dir, prefix, visitor);
            }
            return null;
        });
    }

    /** Depth-first, files before subdirectories; false when the visitor asked to stop. */
    private boolean walk(String dir, String keyPrefix, ObjectVisitor visitor) throws IOException {
        List<FileEntry> entries;
        try {
            entries = listDirectory(dir);
        } catch (IOException e) {
            if (classify(e) == Failure.NOT_FOUND) {
                return true; // removed while listing: nothing (more) in it
            }
            throw e;
        }
        List<String> subdirectories = new ArrayList<>();
        for (FileEntry entry : entries) {
            String name = entry.name();
            if (keyPrefix.isEmpty() && name.equals(StagedWrites.DIRECTORY)) {
                continue; // writes in progress are no objects
            }
            if (entry.isDirectory()) {
                subdirectories.add(name);
            } else if (entry.isFile()
                    && !isInProgress(name)
                    && !visitor.visit(new ObjectInfo(keyPrefix + name, entry.size()))) {
                return false;
            }
        }
        for (String name : subdirectories) {
            String sub = child(dir, name);
            if (cacheDirectories) {
                realDirectories.add(sub);
            }
            if (!walk(sub, keyPrefix + name + "/", visitor)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public InputStream openRead(String key, long offset) throws IOException {
        return reading(readablePath(key), offset);
    }

    /**
     * The walk or stat that returned {@code listed} found a file reached without links: no second
     * lookup. A link swapped in since is followed, as it would be between a lookup and the open.
     */
    @Override
    public InputStream openListed(ObjectInfo listed, long offset) throws IOException {
        return reading(path(listed.key()), offset);
    }

    private InputStream reading(String path, long offset) throws IOException {
        InputStream in = call("read", path, () -> openFile(path, offset));
        return new FilterInputStream(in) {
            @Override
            public int read() throws IOException {
                return call("read", path, super::read);
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return call("read", path, () -> super.read(b, off, len));
            }
        };
    }

    /** For a native download: the path of the object at {@code key}, checked to be a file reached without links. */
    protected final String readablePath(String key) throws IOException {
        String path = path(key);
        if (!call("read", path, () -> isObjectFile(path))) {
            throw new ObjectNotFoundException(key);
        }
        return path;
    }

    // ------------------------------------------------------------------ writes

    /** Writes a staged file natively (a kernel copy, an SDK's upload); see {@link #writeStaged}. */
    @FunctionalInterface
    protected interface StagedFileWriter {
        void write(String stagedPath) throws IOException;
    }

    @Override
    public AtomicWrite startWrite(String key) throws IOException {
        String target = path(key);
        return call("write", target, () -> {
            Staged staged = createStaged(key, target);
            return new StagedWrite(staged.path(), target, staged.out());
        });
    }

    /** A fresh staged file, open for writing. */
    private record Staged(String path, OutputStream out) {}

    private Staged createStaged(String key, String target) throws IOException {
        String staged = prepareWrite(key, target);
        try {
            return new Staged(staged, createFile(staged));
        } catch (IOException e) {
            if (classify(e) != Failure.NOT_FOUND) {
                throw e;
            }
            forgetDirectories(); // the staging directory was removed behind our back
            staged = prepareWrite(key, target);
            return new Staged(staged, createFile(staged));
        }
    }

    /**
     * For a native upload: {@code writer} fills a fresh file in the staging directory, which is
     * then renamed over the key's file, or removed when anything failed.
     */
    protected final void writeStaged(String key, StagedFileWriter writer) throws IOException {
        String target = path(key);
        call("upload", target, () -> {
            String staged = prepareWrite(key, target);
            try {
                writer.write(staged);
                publish(staged, target);
            } catch (IOException | RuntimeException e) {
                discard(staged);
                throw e;
            }
            return null;
        });
    }

    /**
     * Opens the existing file {@code path} to write from {@code offset}, keeping the rest of it: the
     * primitive of {@link #startStagedUpload}, for a filesystem whose writes start anywhere.
     */
    protected OutputStream openFileAt(String path, long offset) throws IOException {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " does not write at offsets");
    }

    /**
     * {@link PartedWrites} for a filesystem that writes at offsets ({@link #openFileAt}): the parts
     * of {@code partSize} bytes go side by side into one staged file, each at its own offset, and
     * completing renames it over the key, as every write here is published.
     */
    protected final PartedWrites.Upload startStagedUpload(String key, int partSize) throws IOException {
        String target = path(key);
        String staged = call("write", target, () -> {
            Staged fresh = createStaged(key, target);
            try {
                fresh.out().close(); // empty: each part opens it again at its offset
            } catch (IOException | RuntimeException e) {
                discard(fresh.path());
                throw e;
            }
            return fresh.path();
        });
        return new PartedWrites.Upload() {
            @Override
            public void uploadPart(int number, byte[] data, int length) throws IOException {
                call("write", target, () -> {
                    try (OutputStream out = openFileAt(staged, (long) (number - 1) * partSize)) {
                        writeInPieces(out, data, 0, length);
                    }
                    return null;
                });
            }

            @Override
            public void complete(int parts) throws IOException {
                call("write", target, () -> {
                    publish(staged, target);
                    return null;
                });
            }

            @Override
            public void abort() {
                discard(staged);
            }
        };
    }

    /** The most a client is handed in one write: one SFTP write request's worth. */
    private static final int WRITE_PIECE_BYTES = 32 << 10;

    /**
     * Writes in pieces: a client may treat one write longer than its window otherwise (JSch then
     * waits for every reply before each packet, and a 16 MiB part took 30 times as long).
     */
    private static void writeInPieces(OutputStream out, byte[] b, int off, int len) throws IOException {
        for (int at = 0; at < len; at += WRITE_PIECE_BYTES) {
            out.write(b, off + at, Math.min(WRITE_PIECE_BYTES, len - at));
        }
    }

    /** Makes the staging directory and the target's parents; returns a fresh staged name. */
    private String prepareWrite(String key, String target) throws IOException {
        if (isInProgress(name(target))) {
            throw invalid(
                    "key '" + Printable.of(key) + "' has a name that " + location() + " gives writes in progress");
        }
        removeOrphans();
        if (!realDirectory(staging())) {
            makeStagingDirectory(staging());
        }
        makeDirectories(parent(target));
        return child(staging(), UUID.randomUUID().toString());
    }

    /** Renames a finished staged file over the target, making its directories again when another client removed them. */
    private void publish(String staged, String target) throws IOException {
        try {
            replace(staged, target);
        } catch (IOException e) {
            FileEntry there = lstat(target);
            if (there != null && there.isDirectory()) {
                throw invalid("cannot store a file at '" + Printable.of(target) + "' on " + location()
                        + ": a directory of artifacts already exists there");
            }
            if (classify(e) != Failure.NOT_FOUND || lstat(staged) == null) {
                throw e;
            }
            forgetDirectories();
            makeDirectories(parent(target));
            replace(staged, target);
        }
    }

    /**
     * Removes a staged file, and once more at the next write: the delete may fail with the
     * connection, and a request of the failed writer still queued at the server (a part's open, on
     * another connection) may create the file again after it.
     */
    private void discard(String staged) {
        try {
            deleteIgnoringMissing(staged);
        } catch (IOException | RuntimeException e) {
            // Tried again at the next write.
        }
        orphans.add(staged);
    }

    private void removeOrphans() {
        for (String orphan : List.copyOf(orphans)) {
            try {
                deleteIgnoringMissing(orphan);
                orphans.remove(orphan);
            } catch (IOException | RuntimeException stillUnreachable) {
                return;
            }
        }
    }

    private void deleteIgnoringMissing(String path) throws IOException {
        try {
            deleteFile(path);
        } catch (IOException e) {
            if (classify(e) != Failure.NOT_FOUND) {
                throw e;
            }
        }
    }

    /** A write to a staged file, renamed over the target on commit and removed otherwise. */
    private final class StagedWrite implements AtomicWrite {
        private final String staged;
        private final String target;
        private final OutputStream out;
        private boolean committed;
        private boolean closed;

        StagedWrite(String staged, String target, OutputStream out) {
            this.staged = staged;
            this.target = target;
            this.out = out;
        }

        @Override
        public OutputStream stream() {
            return new FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    call("write", target, () -> {
                        writeInPieces(out, b, off, len);
                        return null;
                    });
                }

                @Override
                public void close() {
                    // Closing the staged file is the commit's first step.
                }
            };
        }

        @Override
        public void commit() throws IOException {
            call("write", target, () -> {
                out.close();
                publish(staged, target);
                return null;
            });
            committed = true;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            if (!committed) {
                try {
                    out.close();
                } catch (IOException | RuntimeException ignored) {
                    // The connection may be gone; the staged file is removed below or later.
                }
                discard(staged);
            }
        }
    }

    // ------------------------------------------------------------------ deletes

    @Override
    public void delete(String key) throws IOException {
        String path = path(key);
        call("delete", path, () -> {
            if (isObjectFile(path)) {
                deleteIgnoringMissing(path);
            }
            return null;
        });
    }

    @Override
    public void deleteDirectory(String prefix) throws IOException {
        if (prefix.isEmpty()) {
            throw invalid("refusing to delete the whole " + baseField + " '" + base + "' on " + location());
        }
        String dir = directory(prefix);
        call("delete", dir, () -> {
            if (realDirectory(dir)) {
                deleteTree(dir);
                realDirectories.removeIf(d -> d.equals(dir) || d.startsWith(dir + "/"));
            }
            return null;
        });
    }

    @Override
    public int removeStagedWritesOlderThan(Instant cutoff) throws IOException {
        String dir = staging();
        return call("remove stale writes in", dir, () -> {
            if (!realDirectory(dir)) {
                return 0;
            }
            int removed = 0;
            for (FileEntry entry : listDirectory(dir)) {
                if (entry.isFile() && entry.modifiedMillis() < cutoff.toEpochMilli()) {
                    try {
                        deleteFile(child(dir, entry.name()));
                        removed++;
                    } catch (IOException e) {
                        Failure failure = classify(e);
                        if (failure != Failure.NOT_FOUND && failure != Failure.DENIED) {
                            throw e; // DENIED: another user's write, in a directory shared like /tmp
                        }
                    }
                }
            }
            return removed;
        });
    }
}
