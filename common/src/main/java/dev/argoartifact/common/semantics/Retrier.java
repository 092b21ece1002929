package dev.argoartifact.common.semantics;

import dev.argoartifact.common.TransferSettings;
import dev.argoartifact.common.log.JsonLog;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * Retries one unit of work (one file, one range, one delete) with exponential backoff and jitter
 * when the storage classifies the failure as transient. Never the whole operation.
 */
public final class Retrier {
  private final int maxAttempts;
  private final Duration initialBackoff;
  private final Duration maxBackoff;
  private final Predicate<IOException> isTransient;

  public Retrier(TransferSettings settings, Predicate<IOException> isTransient) {
    this.maxAttempts = settings.maxAttempts();
    this.initialBackoff = settings.initialBackoff();
    this.maxBackoff = settings.maxBackoff();
    this.isTransient = isTransient;
  }

  @FunctionalInterface
  public interface Work<T> {
    T run() throws IOException;
  }

  public <T> T call(String what, Work<T> work) throws IOException {
    for (int attempt = 1; ; attempt++) {
      try {
        return work.run();
      } catch (IOException e) {
        if (attempt >= maxAttempts || !isTransient.test(e) || Thread.currentThread().isInterrupted()) {
          throw e;
        }
        Duration delay = backoff(attempt);
        JsonLog.warn("transient failure, retrying", Map.of(
            "what", what, "attempt", attempt, "maxAttempts", maxAttempts,
            "delayMs", delay.toMillis(), "error", String.valueOf(e.getMessage())));
        sleep(delay);
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
