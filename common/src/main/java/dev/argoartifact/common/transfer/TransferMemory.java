package dev.argoartifact.common.transfer;

import java.io.InterruptedIOException;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The heap that transfers in flight may hold, shared by every operation of the process: each
 * file's upload or download, and each extra range of a parallel download, reserves what its
 * storage says one transfer of that size holds ({@code StorageLimits.heapBytesFor}) before it
 * starts. Without it, parallelism is counted per operation and per file: sixteen files of
 * eight ranges each are 128 streams, and a driver under a 256 MiB container limit (a heap of
 * about 100 MiB) ran out of heap loading a directory of 16 files of 64 MiB.
 */
public final class TransferMemory {
    /** Transfers may hold this share of the maximum heap; the rest is the server's own. */
    static final double HEAP_SHARE = 0.5;

    private final Semaphore kib;
    private final int totalKib;

    public TransferMemory(long bytes) {
        this.totalKib = Math.clamp(bytes >> 10, 1, Integer.MAX_VALUE);
        this.kib = new Semaphore(totalKib, true);
    }

    /** Half the JVM's maximum heap (-Xmx, or the images' share of the container limit). */
    public static TransferMemory ofHeap() {
        return new TransferMemory((long) (Runtime.getRuntime().maxMemory() * HEAP_SHARE));
    }

    public long totalBytes() {
        return (long) totalKib << 10;
    }

    /** A reservation, returned by closing it. */
    public final class Reservation implements AutoCloseable {
        private final int reservedKib;
        private boolean closed;

        private Reservation(int reservedKib) {
            this.reservedKib = reservedKib;
        }

        @Override
        public synchronized void close() {
            if (!closed) {
                closed = true;
                kib.release(reservedKib);
            }
        }
    }

    /**
     * Waits until {@code bytes} fit. A transfer that holds more than the whole budget waits until
     * it is alone, then runs: the budget slows such a transfer down, never refuses it.
     */
    public Reservation reserve(long bytes) throws InterruptedIOException {
        int want = kibOf(bytes);
        try {
            kib.acquire(want);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for transfer memory");
        }
        return new Reservation(want);
    }

    /** {@code bytes} now, or empty when they do not fit now (for optional extra parallelism). */
    public Optional<Reservation> tryReserve(long bytes) {
        int want = kibOf(bytes);
        // The timed form honours fairness: an extra range never overtakes a file waiting to start.
        try {
            return kib.tryAcquire(want, 0, TimeUnit.SECONDS) ? Optional.of(new Reservation(want)) : Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private int kibOf(long bytes) {
        return Math.clamp((bytes + 1023) >> 10, 1, totalKib);
    }
}
