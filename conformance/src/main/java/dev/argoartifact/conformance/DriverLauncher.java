package dev.argoartifact.conformance;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** Starts a driver process the way Argo does: {@code <entrypoint> <socket-path>}. */
@FunctionalInterface
public interface DriverLauncher {
    Process start(Path socket) throws IOException;

    /** Waits until the process accepts connections on the socket, as Argo's client polls for it. */
    static void awaitConnectable(Path socket, Process process, Duration timeout)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException("the driver exited with " + process.exitValue() + " before serving on " + socket);
            }
            if (Files.exists(socket)) {
                try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    probe.connect(UnixDomainSocketAddress.of(socket));
                    return;
                } catch (IOException notYet) {
                    // Bound but not accepting yet.
                }
            }
            Thread.sleep(1);
        }
        throw new IOException("no connectable socket at " + socket + " within " + timeout);
    }
}
