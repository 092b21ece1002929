package dev.argoartifact.common.storage;

import java.io.IOException;

/** An ability: a native recursive delete of a real directory (filesystems). */
public interface DirectoryDelete extends ArtifactStorage {
    /** Removes everything under {@code prefix} (which ends with '/'), emptied directories included; missing is not an error. */
    void deleteDirectory(String prefix) throws IOException;
}
