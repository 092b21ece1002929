package dev.argoartifact.images;

import dev.argoartifact.conformance.DriverLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts a driver image in the foreground for the conformance suite's lifecycle checks: the nearest
 * existing directory above the socket is bind-mounted (as Argo mounts the socket emptyDir), and
 * signals sent to the returned process reach the driver (podman proxies them).
 */
public final class ContainerLauncher implements DriverLauncher {
    private static final String MOUNT = "/tmp/argo-conformance";
    private final Podman podman;
    private final String image;
    private final List<String> options;

    public ContainerLauncher(Podman podman, String image, List<String> options) {
        this.podman = podman;
        this.image = image;
        this.options = List.copyOf(options);
    }

    @Override
    public Process start(Path socket) throws IOException {
        Path mounted = socket.toAbsolutePath().getParent();
        while (!Files.isDirectory(mounted)) {
            mounted = mounted.getParent();
        }
        Files.setPosixFilePermissions(mounted, PosixFilePermissions.fromString("rwxrwxrwx"));
        List<String> args = new ArrayList<>(List.of(
                "run",
                "--rm",
                "--pull=never",
                "--read-only",
                "--tmpfs",
                "/tmp:rw,mode=1777",
                "--network=none",
                "-v",
                mounted + ":" + MOUNT + ":rw"));
        args.addAll(Podman.sharedWithTheTest());
        args.addAll(options);
        args.add(image);
        args.add(MOUNT + "/" + mounted.relativize(socket.toAbsolutePath()));
        return podman.command(args)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
    }

    @Override
    public String toString() {
        return "podman run " + image;
    }
}
