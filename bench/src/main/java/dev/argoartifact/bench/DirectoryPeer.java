package dev.argoartifact.bench;

import java.nio.file.Path;

/**
 * The tool a user would pick instead of the driver to move a whole directory (rclone, an SDK's
 * transfer manager, Hadoop's shell), moving {@code inFlight} files at once; the benchmark times
 * each call.
 */
public interface DirectoryPeer {
    /** How plots name it: "rclone". */
    String name();

    /** How tables name it with its parallelism: "rclone --transfers 16". */
    default String name(int inFlight) {
        return name() + ", " + inFlight + " in flight";
    }

    /** Uploads every file under {@code tree} below the remote directory {@code name}. */
    void upload(Path tree, String name, int inFlight) throws Exception;

    /** Downloads everything below the remote directory {@code name} into {@code target}. */
    void download(String name, Path target, int inFlight) throws Exception;
}
