package dev.argoartifact.common.transfer;

import dev.argoartifact.common.failure.Failure;
import dev.argoartifact.common.log.JsonLog;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * The runtime's one retry layer: one unit of work (a file, a range, a listing, a delete) again,
 * with exponential backoff and jitter, when its failure is {@link Failure#TRANSIENT}. Never the
 * whole operation. SDKs' own retries are off, so one failing request is tried
 * {@code transfer.maxAttempts} times in all, not that many times the SDK's count.
 */
public final class Retrier {
    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;

    public Retrier(TransferSettings settings) {
        this.maxAttempts = settings.maxAttempts();
        this.initialBackoff = settings.initialBackoff();
        this.maxBackoff = settings.maxBackoff();
    }

    @FunctionalInterface
    public interface Work<T> {
        T run() throws IOException;
    }

    public <T> T call(String what, Work<T> work) throws IOException {
        return call(what, work, () -> 0);
    }

    /**
     * Like {@link #call}, for work that resumes where it stopped (a read at the offset reached):
     * attempts count only while {@code progress} stands still, so a long read that a flaky network
     * cuts now and then, each time after moving on, is never given up.
     */
    public <T> T call(String what, Work<T> work, LongSupplier progress) throws IOException {
        int attempt = 1;
        long lastProgress = progress.getAsLong();
        while (true) {
            try {
                return work.run();
            } catch (IOException e) {
                long now = progress.getAsLong();
                if (now != lastProgress) {
                    attempt = 1;
                    lastProgress = now;
                }
                if (attempt >= maxAttempts
                        || !Failure.isTransient(e)
                        || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
                Duration delay = backoff(attempt);
                JsonLog.warn(
                        "transient failure, retrying",
                        Map.of(
                                "what",
                                what,
                                "attempt",
                                attempt,
                                "maxAttempts",
                                maxAttempts,
                                "delayMs",
                                delay.toMillis(),
                                "error",
                                String.valueOf(e.getMessage())));
                sleep(delay);
                attempt++;
            }
        }
    }

    /** Exponential backoff with "equal jitter": half fixed, half random, capped. */
    Duration backoff(int attempt) {
        long base = initialBackoff.toMillis() << Math.min(attempt - 1, 20);
        long capped = Math.min(Math.max(base, 1), maxBackoff.toMillis());
        long half = Math.max(capped / 2, 1);
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }

    private static void sleep(Duration delay) throws InterruptedIOException {
        try {
            Thread.sleep(delay);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting to retry");
        }
    }
}
