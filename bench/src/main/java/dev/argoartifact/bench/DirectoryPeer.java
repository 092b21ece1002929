package dev.argoartifact.bench;

import java.nio.file.Path;

/**
 * The tool a user would pick instead of the driver to move a whole directory (rclone, an SDK's
 * transfer manager, Hadoop's shell), with its own parallelism; the benchmark times each call.
 */
public interface DirectoryPeer {
    /** How the table names it: "rclone --transfers 16". */
    String name();

    /** Uploads every file under {@code tree} below the remote directory {@code name}. */
    void upload(Path tree, String name) throws Exception;

    /** Downloads everything below the remote directory {@code name} into {@code target}. */
    void download(String name, Path target) throws Exception;
}
