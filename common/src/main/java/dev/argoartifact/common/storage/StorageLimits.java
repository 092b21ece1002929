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
 * @param maxBatchDeleteSize keys per {@link BatchDelete#deleteBatch} call (the backend's limit)
 */
public record StorageLimits(long heapBytesPerTransfer, int maxBatchDeleteSize) {
    public static final StorageLimits DEFAULT = new StorageLimits(1 << 20, 256);

    public StorageLimits {
        if (heapBytesPerTransfer < 0 || maxBatchDeleteSize < 1) {
            throw new IllegalArgumentException("limits must be positive");
        }
    }

    public StorageLimits withHeapBytesPerTransfer(long bytes) {
        return new StorageLimits(bytes, maxBatchDeleteSize);
    }

    public StorageLimits withMaxBatchDeleteSize(int keys) {
        return new StorageLimits(heapBytesPerTransfer, keys);
    }
}
