package dev.argoartifact.common.storage;

import java.io.IOException;

/**
 * A failed storage call with a one-line message for users, classified where it happened: the
 * driver knows whether throttling, a timeout or a dropped connection caused it, and the runtime
 * retries only those ({@link ArtifactStorage#isTransient} reads the flag).
 */
public class StorageException extends IOException {
  private static final long serialVersionUID = 1L;
  private final boolean transientFailure;

  public StorageException(String message, Throwable cause, boolean transientFailure) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  public boolean isTransientFailure() {
    return transientFailure;
  }
}
