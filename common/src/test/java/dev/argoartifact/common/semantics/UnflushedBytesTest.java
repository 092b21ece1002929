package dev.argoartifact.common.semantics;

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

  /**
   * Writes to a real file and forces it for real, slowed down or failing on request; records the
   * most bytes ever written beyond what the last completed flush covered.
   */
  private final class Download implements AutoCloseable {
    final AtomicInteger flushes = new AtomicInteger();
    final AtomicLong maxUnflushed = new AtomicLong();
    private final AtomicLong written = new AtomicLong();
    private final AtomicLong flushed = new AtomicLong();
    private final FileChannel file;
    private final Duration flushTakes;
    volatile boolean failFlushes;

    Download(Duration flushTakes) throws IOException {
      this.file = FileChannel.open(dir.resolve("download.bin"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      this.flushTakes = flushTakes;
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
      flushed.accumulateAndGet(covered, Math::max);
    }

    void write(long position, int bytes) throws IOException {
      file.write(ByteBuffer.allocate(bytes), position);
      long total = written.addAndGet(bytes);
      maxUnflushed.accumulateAndGet(total - flushed.get(), Math::max);
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }

  @Test
  void aWriterAheadOfASlowFlushWaitsForIt() throws Exception {
    try (Download download = new Download(Duration.ofMillis(40))) {
      try (UnflushedBytes unflushed = new UnflushedBytes(download::flush, 4 * MIB)) {
        for (long position = 0; position < 64 * MIB; position += MIB) {
          download.write(position, MIB);
          unflushed.wrote(MIB);
        }
      }
      // Memory speed against 40 ms per flush: without back-pressure one flush or two would cover
      // everything, and the writer would run the whole 64 MiB ahead of the disk.
      assertThat(download.maxUnflushed.get()).as("bytes written beyond the last completed flush").isLessThanOrEqualTo(9L * MIB);
      assertThat(download.flushes.get()).isBetween(64 / 9, 16);
    }
  }

  @Test
  void parallelWritersShareOneBudget() throws Exception {
    try (Download download = new Download(Duration.ofMillis(10))) {
      try (UnflushedBytes unflushed = new UnflushedBytes(download::flush, 4 * MIB);
          BoundedParallel writers = new BoundedParallel("writer", 8)) {
        for (int part = 0; part < 8; part++) {
          long start = (long) part * 4 * MIB;
          writers.submit(() -> {
            for (long position = start; position < start + 4 * MIB; position += MIB / 4) {
              download.write(position, MIB / 4);
              unflushed.wrote(MIB / 4);
            }
          });
        }
        writers.finish();
      }
      // Twice the limit, where each flush may also cover a chunk from every writer that added its
      // own as the limit was crossed, plus a chunk per writer written but not yet counted.
      long chunks = 8 * MIB / 4;
      assertThat(download.maxUnflushed.get()).isLessThanOrEqualTo(2 * (4L * MIB + chunks) + chunks);
      assertThat(download.maxUnflushed.get()).as("the writers did run ahead of the flushes").isGreaterThan(4L * MIB);
    }
  }

  @Test
  void aFailedFlushFailsTheDownload() throws Exception {
    try (Download download = new Download(Duration.ZERO)) {
      download.failFlushes = true;
      UnflushedBytes unflushed = new UnflushedBytes(download::flush, MIB);
      assertThatThrownBy(() -> {
        try (unflushed) {
          for (int i = 0; i < 4; i++) {
            unflushed.wrote(MIB);
          }
        }
      }).isInstanceOf(IOException.class).hasMessage("cannot write the download to disk: No space left on device");
    }
  }

  @Test
  void aZeroLimitLeavesWriteBackToTheKernel() throws Exception {
    try (Download download = new Download(Duration.ZERO)) {
      try (UnflushedBytes unflushed = new UnflushedBytes(download::flush, 0)) {
        for (long position = 0; position < 8 * MIB; position += MIB) {
          download.write(position, MIB);
          unflushed.wrote(MIB);
        }
      }
      assertThat(download.flushes.get()).isZero();
    }
  }
}
