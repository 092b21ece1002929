package dev.argoartifact.common.transfer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs tasks with at most {@code limit} in flight. {@link #submit} blocks while the limit is
 * reached, so a producer walking millions of files never holds more than {@code limit} tasks in
 * memory. The first failure stops new submissions; {@link #finish} waits for the tasks in flight
 * and rethrows it.
 */
public final class BoundedParallel implements AutoCloseable {
    @FunctionalInterface
    public interface Task {
        void run() throws IOException;
    }

    private final ExecutorService executor;
    private final Semaphore permits;
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    private final int limit;

    public BoundedParallel(String name, int limit) {
        this.limit = limit;
        this.permits = new Semaphore(limit);
        AtomicInteger counter = new AtomicInteger();
        this.executor = Executors.newFixedThreadPool(limit, r -> {
            Thread t = new Thread(r, name + "-" + counter.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** False once a task has failed: producers stop walking. */
    public boolean healthy() {
        return firstFailure.get() == null;
    }

    public void submit(Task task) throws IOException {
        if (!healthy()) {
            return;
        }
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
        try {
            executor.execute(() -> {
                try {
                    if (healthy()) {
                        task.run();
                    }
                } catch (Throwable t) {
                    firstFailure.compareAndSet(null, t);
                } finally {
                    permits.release();
                }
            });
        } catch (RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    /** Waits for every submitted task; rethrows the first failure. */
    public void finish() throws IOException {
        try {
            permits.acquire(limit);
            permits.release(limit);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            executor.shutdownNow();
            throw new InterruptedIOException("interrupted while waiting for transfers");
        }
        Throwable failure = firstFailure.get();
        if (failure instanceof IOException io) {
            throw io;
        }
        if (failure instanceof RuntimeException re) {
            throw re;
        }
        if (failure instanceof Error err) {
            throw err;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
