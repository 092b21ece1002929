package dev.argoartifact.common.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UnflushedBytesTest {
    private static final int MIB = 1 << 20;

    @TempDir
    Path dir;

    /** What the files of one Load have written beyond their last completed flushes, at most. */
    private static final class Disk {
        final AtomicLong unflushed = new AtomicLong();
        final AtomicLong maxUnflushed = new AtomicLong();
    }

    /**
     * Writes to a real file and forces it for real, slowed down or failing on request, counting
     * on a shared {@link Disk} what it wrote that no completed flush covers yet.
     */
    private final class Download implements AutoCloseable {
        final AtomicInteger flushes = new AtomicInteger();
        private final AtomicLong written = new AtomicLong();
        private final AtomicLong flushed = new AtomicLong();
        private final FileChannel file;
        private final Duration flushTakes;
        private final Disk disk;
        volatile boolean failFlushes;

        Download(String name, Duration flushTakes, Disk disk) throws IOException {
            this.file = FileChannel.open(dir.resolve(name), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            this.flushTakes = flushTakes;
            this.disk = disk;
        }

        void flush() throws IOException {
            flushes.incrementAndGet();
            if (failFlushes) {
                throw new IOException("No space left on device");
            }
            long covered = written.get();
            file.force(false);
            try {
                Thread.sleep(flushTakes);
            } catch (InterruptedException e) {
                throw new InterruptedIOException();
            }
            long before = flushed.getAndAccumulate(covered, Math::max);
            disk.unflushed.addAndGet(-Math.max(0, covered - before));
        }

        void write(long position, int bytes) throws IOException {
            file.write(ByteBuffer.allocate(bytes), position);
            written.addAndGet(bytes);
            disk.maxUnflushed.accumulateAndGet(disk.unflushed.addAndGet(bytes), Math::max);
        }

        long unflushed() {
            return written.get() - flushed.get();
        }

        @Override
        public void close() throws IOException {
            file.close();
        }
    }

    @Test
    void aWriterAheadOfASlowFlushWaitsForIt() throws Exception {
        Disk disk = new Disk();
        UnflushedBytes load = new UnflushedBytes(4 * MIB);
        try (Download download = new Download("a.bin", Duration.ofMillis(40), disk)) {
            try (UnflushedBytes.File unflushed = load.track(download::flush)) {
                for (long position = 0; position < 64 * MIB; position += MIB) {
                    download.write(position, MIB);
                    unflushed.wrote(MIB);
                }
            }
            // Memory speed against 40 ms per flush: without back-pressure one flush or two would cover
            // everything, and the writer would run the whole 64 MiB ahead of the disk.
            assertThat(disk.maxUnflushed.get())
                    .as("bytes written beyond the last completed flush")
                    .isLessThanOrEqualTo(5L * MIB);
            assertThat(download.flushes.get()).isBetween(64 / 5, 64);
            assertThat(download.unflushed())
                    .as("a large file's remainder is flushed when it closes")
                    .isZero();
        }
    }

    @Test
    void theFilesOfOneLoadShareOneBudget() throws Exception {
        Disk disk = new Disk();
        UnflushedBytes load = new UnflushedBytes(4 * MIB);
        Download[] downloads = new Download[8];
        try (BoundedParallel writers = new BoundedParallel("writer", 8)) {
            for (int i = 0; i < downloads.length; i++) {
                Download download = downloads[i] = new Download("f" + i + ".bin", Duration.ofMillis(10), disk);
                writers.submit(() -> {
                    try (download;
                            UnflushedBytes.File unflushed = load.track(download::flush)) {
                        for (long position = 0; position < 8 * MIB; position += MIB / 4) {
                            download.write(position, MIB / 4);
                            unflushed.wrote(MIB / 4);
                        }
                    }
                });
            }
            writers.finish();
        }
        // The limit, plus a chunk per writer written but not yet counted. A budget per file would
        // have let each of the eight run 4 MiB ahead.
        assertThat(disk.maxUnflushed.get()).isLessThanOrEqualTo(4L * MIB + 8 * MIB / 4);
        assertThat(disk.maxUnflushed.get())
                .as("the writers did run ahead of the flushes")
                .isGreaterThan(MIB);
    }

    @Test
    void smallFilesAreLeftToTheKernel() throws Exception {
        Disk disk = new Disk();
        UnflushedBytes load = new UnflushedBytes(16 * MIB);
        try (Download download = new Download("small.bin", Duration.ZERO, disk)) {
            try (UnflushedBytes.File unflushed = load.track(download::flush)) {
                download.write(0, 3 * MIB);
                unflushed.wrote(3 * MIB);
            }
            assertThat(download.flushes.get())
                    .as("under a quarter of the limit: no fdatasync of its own")
                    .isZero();
        }
    }

    @Test
    void aFailedFlushFailsTheDownload() throws Exception {
        try (Download download = new Download("a.bin", Duration.ZERO, new Disk())) {
            download.failFlushes = true;
            UnflushedBytes.File unflushed = new UnflushedBytes(MIB).track(download::flush);
            assertThatThrownBy(() -> {
                        try (unflushed) {
                            for (int i = 0; i < 4; i++) {
                                unflushed.wrote(MIB);
                            }
                        }
                    })
                    .isInstanceOf(IOException.class)
                    .hasMessage("cannot write the download to disk: No space left on device");
        }
    }

    @Test
    void aZeroLimitLeavesWriteBackToTheKernel() throws Exception {
        try (Download download = new Download("a.bin", Duration.ZERO, new Disk())) {
            try (UnflushedBytes.File unflushed = new UnflushedBytes(0).track(download::flush)) {
                for (long position = 0; position < 8 * MIB; position += MIB) {
                    download.write(position, MIB);
                    unflushed.wrote(MIB);
                }
            }
            assertThat(download.flushes.get()).isZero();
        }
    }
}
