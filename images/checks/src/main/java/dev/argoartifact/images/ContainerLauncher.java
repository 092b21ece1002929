package dev.argoartifact.images;

import dev.argoartifact.conformance.DriverLauncher;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.concurrent.TimeUnit;

/**
 * Starts a driver image for the conformance suite's lifecycle checks: the nearest existing
 * directory above the socket is mounted (as Argo mounts the socket's emptyDir), and the returned
 * process stands for the container, so the suite's SIGTERM reaches the driver.
 */
public final class ContainerLauncher implements DriverLauncher {
    private static final String MOUNT = "/tmp/argo-conformance";
    private final ContainerEngine engine;
    private final String image;
    private final ContainerSetup setup;

    public ContainerLauncher(ContainerEngine engine, String image, ContainerSetup setup) {
        this.engine = engine;
        this.image = image;
        this.setup = setup;
    }

    @Override
    public Process start(Path socket) throws IOException {
        Path mounted = socket.toAbsolutePath().getParent();
        while (!Files.isDirectory(mounted)) {
            mounted = mounted.getParent();
        }
        Files.setPosixFilePermissions(mounted, PosixFilePermissions.fromString("rwxrwxrwx"));
        String inside = MOUNT + "/" + mounted.relativize(socket.toAbsolutePath());
        return new ContainerProcess(DriverContainer.start(engine, image, mounted, MOUNT, inside, setup));
    }

    @Override
    public String toString() {
        return "container of " + image;
    }

    /** A container seen as a process: destroy sends SIGTERM, destroyForcibly removes it. */
    private static final class ContainerProcess extends Process {
        private final DriverContainer container;

        ContainerProcess(DriverContainer container) {
            this.container = container;
        }

        @Override
        public OutputStream getOutputStream() {
            return OutputStream.nullOutputStream();
        }

        @Override
        public InputStream getInputStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public InputStream getErrorStream() {
            return InputStream.nullInputStream();
        }

        @Override
        public int waitFor() throws InterruptedException {
            while (!waitFor(1, TimeUnit.MINUTES)) {
                // still running
            }
            return exitValue();
        }

        @Override
        public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
            long deadline = System.nanoTime() + unit.toNanos(timeout);
            while (container.running()) {
                if (System.nanoTime() > deadline) {
                    return false;
                }
                Thread.sleep(20);
            }
            return true;
        }

        @Override
        public int exitValue() {
            if (container.running()) {
                throw new IllegalThreadStateException("the container still runs");
            }
            return (int) container.exitCode();
        }

        @Override
        public boolean isAlive() {
            return container.running();
        }

        @Override
        public void destroy() {
            container.signal("SIGTERM");
        }

        @Override
        public Process destroyForcibly() {
            container.close();
            return this;
        }
    }
}
