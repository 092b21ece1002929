package dev.argoartifact.driver.sftp;

import java.io.IOException;

/** A failed SFTP call, classified when it happens: a dropped connection is worth a retry. */
final class SftpOperationException extends IOException {
  private static final long serialVersionUID = 1L;
  private final boolean transientFailure;

  SftpOperationException(String message, Throwable cause, boolean transientFailure) {
    super(message, cause);
    this.transientFailure = transientFailure;
  }

  boolean isTransientFailure() {
    return transientFailure;
  }
}
