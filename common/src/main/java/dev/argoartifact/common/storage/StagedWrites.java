package dev.argoartifact.common.storage;

import java.io.IOException;
import java.time.Instant;

/**
 * An optional ability of storages that stage each write in a directory of their own below their
 * root ({@value #DIRECTORY}) and rename it into place: they can remove what writers that died
 * mid-write (SIGKILL, a lost node) left there. The runtime calls it when it opens the storage
 * and then every hour, for writes untouched for longer than any plausible transfer.
 */
public interface StagedWrites extends ArtifactStorage {
    /** The staging directory below a storage's root; no key may lie in it. */
    String DIRECTORY = ".argo-artifact-staging";

    /** Removes the staged writes last modified before {@code cutoff}; returns how many it removed. */
    int removeStagedWritesOlderThan(Instant cutoff) throws IOException;

    /** Whether a key names the staging directory or something in it. */
    static boolean isStagingKey(String key) {
        return key.equals(DIRECTORY) || key.startsWith(DIRECTORY + "/");
    }
}
