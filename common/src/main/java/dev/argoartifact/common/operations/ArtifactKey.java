package dev.argoartifact.common.operations;

import dev.argoartifact.common.log.Printable;
import dev.argoartifact.common.storage.KeyPaths;
import dev.argoartifact.common.storage.StagedWrites;

/**
 * An Argo artifact key, validated and normalized. Argo sends directory keys without a trailing
 * '/' by default ({@code wf/pod/out}), while users may write {@code out/}; both name the same
 * directory, and both forms are treated the same everywhere.
 *
 * <p>Prefix safety lives here: the directory prefix of {@code out} is {@code out/}, so it never
 * covers {@code out.tgz} or {@code outer/x}.
 */
public final class ArtifactKey {
    /** The limit of S3, GCS and Azure object names; keeps every backend's errors predictable. */
    public static final int MAX_UTF8_LENGTH = 1024;

    private final String value;

    private ArtifactKey(String value) {
        this.value = value;
    }

    /** Validates a key as Argo sent it; throws {@link ArtifactException} with a clear reason. */
    public static ArtifactKey parse(String raw) {
        if (raw == null || raw.isEmpty()) {
            throw new ArtifactException("the artifact has no key (plugin.key is empty)");
        }
        boolean directoryOnly = raw.endsWith("/");
        String value = directoryOnly ? raw.substring(0, raw.length() - 1) : raw;
        if (value.startsWith("/")) {
            throw new ArtifactException(
                    "key '" + printable(raw) + "' is absolute; keys are relative to the driver's root or prefix");
        }
        String problem = pathProblem(value);
        if (problem != null) {
            throw new ArtifactException("key '" + printable(raw) + "' is not allowed: " + problem);
        }
        if (StagedWrites.isStagingKey(value)) {
            throw new ArtifactException("key '" + printable(raw) + "' is not allowed: '" + StagedWrites.DIRECTORY
                    + "' holds the drivers' writes in progress");
        }
        if (value.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_UTF8_LENGTH) {
            throw new ArtifactException(
                    "key '" + printable(raw.substring(0, 64)) + "...' is longer than " + MAX_UTF8_LENGTH + " bytes");
        }
        return new ArtifactKey(value);
    }

    /** Why a relative path is unsafe, or null when it is fine ({@link KeyPaths#problem}). */
    public static String pathProblem(String path) {
        return KeyPaths.problem(path);
    }

    /**
     * Escapes control characters, so a hostile key cannot forge log lines or error text, and cuts
     * it to a short prefix ({@link Printable#ECHO_CHARS}), so a huge one costs a line.
     */
    public static String printable(String s) {
        return Printable.of(s);
    }

    /** The normalized key, without a trailing '/'. This is also the key of a file artifact. */
    public String value() {
        return value;
    }

    /** The prefix of everything inside the directory named by this key: {@code value + "/"}. */
    public String directoryPrefix() {
        return value + "/";
    }

    /** The key of a file inside this directory, from its '/'-separated relative name. */
    public String child(String relativeName) {
        return directoryPrefix() + relativeName;
    }

    @Override
    public String toString() {
        return printable(value);
    }
}
