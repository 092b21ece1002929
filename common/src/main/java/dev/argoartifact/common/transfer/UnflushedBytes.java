package dev.argoartifact.common.transfer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Bounds the dirty page cache a Load leaves behind, across all the files it writes at once:
 * bytes written and not yet covered by a completed flush ({@code fdatasync}) stay under
 * {@code limit}. A file starts a flush in the background each time it has a quarter of the
 * limit unflushed, so the disk works while the network does; a writer that would take the
 * total past the limit starts a flush of every file with unflushed bytes and waits.
 *
 * <p>Why: dirty pages are charged to the container's memory cgroup, but the kernel's dirty
 * thresholds are global (a tenth of the machine's memory before write-back even starts), so a
 * download fed faster than the disk takes it fills a 256 MiB container with pages the cgroup
 * cannot reclaim in time, and cgroup v1 kills the driver. Pages once written back are clean and
 * reclaimed freely. A budget per file was not enough: sixteen files at once were sixteen budgets.
 *
 * <p>Files that stay under a quarter of the limit in all are left to the kernel: forcing each
 * small file would cost a disk round trip per file, and they cannot pile up faster than the
 * transfers that produce them.
 */
public final class UnflushedBytes {
    /** Forces a file's written bytes to disk: {@code channel.force(false)}. */
    @FunctionalInterface
    interface Flush {
        void run() throws IOException;
    }

    private final long limit;
    private final long flushEvery;
    private final Set<File> files = new LinkedHashSet<>();
    private long unflushed;

    /** A limit of 0 never forces: the kernel writes back on its own schedule. */
    public UnflushedBytes(long limit) {
        this.limit = limit;
        this.flushEvery = Math.max(1, limit / 4);
    }

    public File track(FileChannel channel) {
        return track(() -> channel.force(false));
    }

    /** A file the Load writes, by one writer or several (the ranges of a parallel download). */
    File track(Flush flush) {
        File file = new File(flush);
        synchronized (this) {
            files.add(file);
        }
        return file;
    }

    public final class File implements AutoCloseable {
        private final Flush flush;
        private long unflushedHere;
        private long written;
        private boolean flushing;
        private IOException failure;

        private File(Flush flush) {
            this.flush = flush;
        }

        /** Counts bytes just written to this file; waits while the Load is over its limit. */
        public void wrote(long bytes) throws IOException {
            if (limit == 0) {
                return;
            }
            synchronized (UnflushedBytes.this) {
                unflushed += bytes;
                unflushedHere += bytes;
                written += bytes;
                if (unflushedHere >= flushEvery && !flushing) {
                    startFlush(this);
                }
                while (unflushed > limit && failure == null) {
                    files.stream()
                            .filter(f -> f.unflushedHere > 0 && !f.flushing)
                            .toList()
                            .forEach(UnflushedBytes.this::startFlush);
                    await();
                }
                throwIfFailed();
            }
        }

        /**
         * Waits for this file's flush still running, so its channel can be closed, and reports a
         * failed one. What is left unflushed is flushed now if the file was large, else left to the
         * kernel; either way it no longer counts against the limit.
         */
        @Override
        public void close() throws IOException {
            synchronized (UnflushedBytes.this) {
                try {
                    if (limit > 0 && failure == null && unflushedHere > 0 && written >= flushEvery) {
                        while (flushing) {
                            await();
                        }
                        if (unflushedHere > 0) {
                            startFlush(this);
                        }
                    }
                    while (flushing) {
                        await();
                    }
                    throwIfFailed();
                } finally {
                    unflushed -= unflushedHere;
                    unflushedHere = 0;
                    files.remove(this);
                    UnflushedBytes.this.notifyAll();
                }
            }
        }

        private void throwIfFailed() throws IOException {
            if (failure != null) {
                throw new IOException("cannot write the download to disk: " + failure.getMessage(), failure);
            }
        }
    }

    /** Under the lock: forces {@code file} in the background, covering what it has written so far. */
    private void startFlush(File file) {
        long covered = file.unflushedHere;
        file.flushing = true;
        Thread.ofVirtual().name("flush").start(() -> {
            IOException error = null;
            try {
                file.flush.run();
            } catch (IOException e) {
                error = e;
            }
            synchronized (this) {
                file.flushing = false;
                if (files.contains(file)) {
                    file.unflushedHere -= covered;
                    unflushed -= covered;
                }
                if (error != null && file.failure == null) {
                    file.failure = error;
                }
                notifyAll();
            }
        });
    }

    @SuppressWarnings("WaitNotInLoop") // every caller waits in a loop on its own condition
    private void await() throws InterruptedIOException {
        try {
            wait();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while the download was written to disk");
        }
    }
}
