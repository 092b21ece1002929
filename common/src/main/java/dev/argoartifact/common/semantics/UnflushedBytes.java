package dev.argoartifact.common.semantics;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;

/**
 * Bounds the dirty page cache that the writers of one downloaded file leave behind. Each time
 * {@code limit} bytes have been written, a flush ({@code fdatasync}) starts in the background;
 * writers carry on while it runs, and wait only when they are another {@code limit} ahead of it.
 * So at most about twice the limit is dirty, and the disk works while the network does.
 *
 * <p>Why: dirty pages are charged to the container's memory cgroup, but the kernel's dirty
 * thresholds are global (a tenth of the machine's memory before write-back even starts), so a
 * download fed faster than the disk takes it fills a 256 MiB container with pages the cgroup
 * cannot reclaim in time, and cgroup v1 kills the driver. Pages once written back are clean and
 * reclaimed freely.
 */
final class UnflushedBytes implements AutoCloseable {
  /** Forces the file's written bytes to disk: {@code channel.force(false)}. */
  @FunctionalInterface
  interface Flush {
    void run() throws IOException;
  }

  private final Flush flush;
  private final long limit;
  private long unflushed;
  private boolean flushing;
  private IOException failure;

  /** A limit of 0 never forces: the kernel writes back on its own schedule. */
  UnflushedBytes(FileChannel channel, long limit) {
    this(() -> channel.force(false), limit);
  }

  UnflushedBytes(Flush flush, long limit) {
    this.flush = flush;
    this.limit = limit;
  }

  synchronized void wrote(long bytes) throws IOException {
    if (limit == 0) {
      return;
    }
    unflushed += bytes;
    while (flushing && unflushed >= limit) {
      await();
    }
    if (failure != null) {
      throw new IOException("cannot write the download to disk: " + failure.getMessage(), failure);
    }
    if (unflushed >= limit) {
      unflushed = 0;
      flushing = true;
      Thread.ofVirtual().name("flush").start(this::flushInBackground);
    }
  }

  private void flushInBackground() {
    IOException error = null;
    try {
      flush.run();
    } catch (IOException e) {
      error = e;
    }
    synchronized (this) {
      flushing = false;
      if (error != null && failure == null) {
        failure = error;
      }
      notifyAll();
    }
  }

  /** Waits for a flush still running, so the channel can be closed; reports a failed one. */
  @Override
  public synchronized void close() throws IOException {
    while (flushing) {
      await();
    }
    if (failure != null) {
      throw new IOException("cannot write the download to disk: " + failure.getMessage(), failure);
    }
  }

  private void await() throws InterruptedIOException {
    try {
      wait();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while the download was written to disk");
    }
  }
}
