package dev.argoartifact.common.storage;

/**
 * The limits of a storage, as one value.
 *
 * @param heapBytesPerTransfer the most heap one transfer holds while in flight: a file's upload or
 *     download through the storage's SDK (its buffers, queues and parallel parts), or one range of
 *     a parallel download; the runtime adds its own copy buffer. It starts only as many transfers
 *     at once as fit in half the heap, so a driver in a small container slows down instead of
 *     running out of memory. Measure it: an estimate too low fails there, one too high costs
 *     parallelism.
 * @param objectBufferBytes the part of {@code heapBytesPerTransfer} that buffers the object itself,
 *     up to one part or block: an object smaller than that fills only its own size of it, so the
 *     runtime reserves that much for it, and a directory of small files keeps its parallelism in a
 *     small container
 * @param maxBatchDeleteSize keys per {@link BatchDelete#deleteBatch} call (the backend's limit)
 */
public record StorageLimits(long heapBytesPerTransfer, long objectBufferBytes, int maxBatchDeleteSize) {
    public static final StorageLimits DEFAULT = new StorageLimits(1 << 20, 0, 256);

    public StorageLimits {
        if (heapBytesPerTransfer < 0 || maxBatchDeleteSize < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
        if (objectBufferBytes < 0 || objectBufferBytes > heapBytesPerTransfer) {
            throw new IllegalArgumentException("objectBufferBytes must be part of heapBytesPerTransfer");
        }
    }

    public StorageLimits withHeapBytesPerTransfer(long bytes) {
        return new StorageLimits(bytes, Math.min(objectBufferBytes, bytes), maxBatchDeleteSize);
    }

    /** The heap a transfer holds, of which {@code objectBuffer} bytes buffer the object itself. */
    public StorageLimits withHeapBytesPerTransfer(long bytes, long objectBuffer) {
        return new StorageLimits(bytes, objectBuffer, maxBatchDeleteSize);
    }

    public StorageLimits withMaxBatchDeleteSize(int keys) {
        return new StorageLimits(heapBytesPerTransfer, objectBufferBytes, keys);
    }

    /** What a transfer of an object of {@code size} bytes holds. */
    public long heapBytesFor(long size) {
        return heapBytesPerTransfer - objectBufferBytes + Math.min(objectBufferBytes, size);
    }
}
