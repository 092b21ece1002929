package dev.argoartifact.common.operations;

import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.AtomicWrite;
import dev.argoartifact.common.transfer.TransferEngine;
import dev.argoartifact.common.transfer.TransferMemory;
import dev.argoartifact.common.transfer.TransferSettings;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Argo's artifact operations on one storage, implemented once: each in a class of its own
 * ({@link Save}, {@link Load}, {@link Delete}, {@link Listing}, {@link Streaming}), all over one
 * {@link TransferEngine}. This is what the server calls, one configuration at a time.
 */
public final class ArtifactOperations {
    private final TransferEngine engine;
    private final Save save;
    private final Load load;
    private final Delete delete;
    private final Listing listing;
    private final Streaming streaming;

    /** With a budget of its own: half the heap (tests, tools). */
    public ArtifactOperations(ArtifactStorage storage, TransferSettings settings) {
        this(storage, settings, TransferMemory.ofHeap());
    }

    /** Sharing {@code memory} with every other operation of the process (the server). */
    public ArtifactOperations(ArtifactStorage storage, TransferSettings settings, TransferMemory memory) {
        this.engine = new TransferEngine(storage, settings, memory);
        this.save = new Save(engine);
        this.load = new Load(engine);
        this.delete = new Delete(engine);
        this.listing = new Listing(engine);
        this.streaming = new Streaming(engine);
    }

    public ArtifactStorage storage() {
        return engine.storage();
    }

    /** Uploads a file or, recursively, a directory. Returns the bytes uploaded. */
    public long save(ArtifactKey key, Path local) throws IOException {
        return save.save(key, local);
    }

    /** Downloads the object at the key, or the tree under {@code key/}; returns the bytes downloaded. */
    public long load(ArtifactKey key, Path local) throws IOException {
        return load.load(key, local);
    }

    /** Deletes the object at the key and everything under {@code key/}; missing is success. */
    public long delete(ArtifactKey key) throws IOException {
        return delete.delete(key);
    }

    /** Full keys of the files at or under the key. */
    public List<String> list(ArtifactKey key) throws IOException {
        return listing.list(key);
    }

    /** True iff at least one object exists under {@code key/}. */
    public boolean isDirectory(ArtifactKey key) throws IOException {
        return listing.isDirectory(key);
    }

    /** Writes a file's bytes, or a tar of a directory, to {@code sink}; returns "file" or "directory_tar". */
    public String streamTo(ArtifactKey key, OutputStream sink) throws IOException {
        return streaming.streamTo(key, sink).name().toLowerCase(Locale.ROOT);
    }

    /**
     * Starts an atomic upload fed by a stream (SaveStream), holding one transfer's memory until it
     * is closed; nothing is visible until commit.
     */
    public AtomicWrite startStreamingSave(ArtifactKey key) throws IOException {
        TransferMemory.Reservation reserved = engine.reserveTransfer();
        AtomicWrite write;
        try {
            write = engine.retry("save-stream " + key, () -> engine.storage().startWrite(key.value()));
        } catch (IOException | RuntimeException e) {
            reserved.close();
            throw e;
        }
        return new AtomicWrite() {
            @Override
            public OutputStream stream() throws IOException {
                return write.stream();
            }

            @Override
            public void commit() throws IOException {
                write.commit();
            }

            @Override
            public void close() throws IOException {
                try {
                    write.close();
                } finally {
                    reserved.close();
                }
            }
        };
    }
}
