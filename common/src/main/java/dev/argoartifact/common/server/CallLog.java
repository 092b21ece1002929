package dev.argoartifact.common.server;

import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.log.JsonLog;
import dev.argoartifact.common.log.Printable;
import dev.argoartifact.common.log.Redaction;
import dev.argoartifact.common.operations.ArtifactException;
import dev.argoartifact.common.operations.ArtifactKey;
import dev.argoartifact.common.storage.ObjectNotFoundException;
import dev.argoartifact.proto.Artifact;
import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One structured log line per call (operation, plugin, key, bytes, duration, outcome) and the
 * one-line error Argo shows users. Never logs the configuration.
 */
final class CallLog {
    private final String operation;
    private final String plugin;
    private final String key;
    private final long startNanos = System.nanoTime();

    CallLog(String operation, Artifact artifact) {
        this.operation = operation;
        this.plugin = artifact.hasPlugin() ? Printable.of(artifact.getPlugin().getName(), 64) : "";
        this.key = artifact.hasPlugin()
                ? ArtifactKey.printable(artifact.getPlugin().getKey())
                : "";
    }

    void succeeded(long bytes, Map<String, ?> extra) {
        Map<String, Object> fields = fields("ok");
        if (bytes >= 0) {
            fields.put("bytes", bytes);
        }
        fields.putAll(extra);
        JsonLog.info(operation, fields);
    }

    /** Logs the failure and returns the message for the reply's error field. */
    String failed(Throwable failure) {
        String message = Redaction.apply(operation + " failed for key '" + key + "': " + reason(failure));
        Map<String, Object> fields = fields("error");
        fields.put("error", message);
        if (!(failure instanceof ArtifactException || failure instanceof ConfigurationException)) {
            fields.put("exception", failure.getClass().getName());
        }
        JsonLog.warn(operation, fields);
        return message;
    }

    void cancelled(long bytes) {
        Map<String, Object> fields = fields("cancelled");
        fields.put("bytes", bytes);
        JsonLog.info(operation, fields);
    }

    private Map<String, Object> fields(String outcome) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("op", operation);
        fields.put("plugin", plugin);
        fields.put("key", key);
        fields.put("durationMs", (System.nanoTime() - startNanos) / 1_000_000);
        fields.put("outcome", outcome);
        return fields;
    }

    static String reason(Throwable failure) {
        if (failure instanceof ConfigurationException ce) {
            return "invalid configuration: " + ce.getMessage();
        }
        if (failure instanceof ArtifactException || failure instanceof ObjectNotFoundException) {
            return failure.getMessage();
        }
        if (failure instanceof NoSuchFileException e) {
            return "no such file or directory: " + Printable.of(e.getFile());
        }
        if (failure instanceof AccessDeniedException e) {
            return "permission denied: " + Printable.of(e.getFile());
        }
        if (failure instanceof IOException) {
            String m = failure.getMessage();
            return m == null || m.isBlank() ? failure.getClass().getSimpleName() : oneLine(m);
        }
        return "internal error (" + failure.getClass().getSimpleName()
                + (failure.getMessage() == null ? "" : ": " + oneLine(failure.getMessage())) + ")";
    }

    private static String oneLine(String s) {
        String line = s.strip().replaceAll("\\s*\\R\\s*", " ");
        return line.length() > 1000 ? line.substring(0, 1000) + "..." : line;
    }
}
