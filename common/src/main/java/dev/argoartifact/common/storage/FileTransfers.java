package dev.argoartifact.common.storage;

import java.io.IOException;
import java.nio.file.Path;

/**
 * An ability: moving a whole local file natively (a kernel copy, an SDK's transfer that writes
 * network buffers straight to the file). The runtime then moves every file of a Save or a Load
 * through these, before its own parts, ranges or streams: a transfer is retried whole, and a
 * download is the storage's to write and to resume, outside the runtime's bound on dirty pages
 * ({@code transfer.maxUnflushedBytes}).
 */
public interface FileTransfers extends ArtifactStorage {
    /** Uploads a local file atomically: nothing is visible under the key until it is complete. */
    void writeFile(String key, Path source) throws IOException;

    /** Downloads the object into {@code target}, a private temporary file the runtime renames into place. */
    void readToFile(String key, Path target) throws IOException;
}
