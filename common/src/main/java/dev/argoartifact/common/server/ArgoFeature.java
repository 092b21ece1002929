package dev.argoartifact.common.server;

import java.util.Locale;

/**
 * What the shared runtime gives every Java driver on top of its storage, as published in the
 * index's {@code capabilities}. One source: {@link ArtifactGrpcService} implements each of them.
 */
public enum ArgoFeature {
    /** Load: files, and directories when the key names a prefix. */
    LOAD,
    /** Save: files and directories ({@code archive: none}). */
    SAVE,
    /** SaveStream: Argo Server uploads stream straight into an atomic write (no temp file). */
    SAVE_STREAM,
    /** OpenStream: native streaming of files. */
    OPEN_STREAM,
    /** OpenStream of a directory as a tar stream. */
    OPEN_STREAM_DIRECTORY,
    /** ListObjects: prefix-safe ({@code key/} never matches {@code key.tgz}). */
    LIST_OBJECTS,
    /** IsDirectory: the UI can browse directories. */
    IS_DIRECTORY,
    /** Delete: recursive and idempotent, for artifact garbage collection. */
    DELETE,
    /** Directory trees move with bounded parallelism. */
    PARALLEL_TRANSFERS,
    /** Transient failures retry one file with backoff, never the whole operation. */
    PER_FILE_RETRIES;

    /** camelCase, as in the index ("saveStream"). */
    public String indexName() {
        String[] words = name().toLowerCase(Locale.ROOT).split("_", -1);
        StringBuilder b = new StringBuilder(words[0]);
        for (int i = 1; i < words.length; i++) {
            b.append(Character.toUpperCase(words[i].charAt(0))).append(words[i].substring(1));
        }
        return b.toString();
    }
}
