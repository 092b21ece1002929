package dev.argoartifact.common.operations;

/**
 * A failure users read: one line saying what failed, on which key, why, and what to do. Its
 * message goes verbatim into the reply's {@code error} field (after secret redaction).
 */
public class ArtifactException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ArtifactException(String message) {
        super(message, null, false, false);
    }

    public ArtifactException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
