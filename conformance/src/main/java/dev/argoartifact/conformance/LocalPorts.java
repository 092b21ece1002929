package dev.argoartifact.conformance;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Loopback ports for test backends (Azurite, sshd) started as processes. */
public final class LocalPorts {
    private LocalPorts() {}

    /** A port free on the loopback interface right now. */
    public static int free() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return probe.getLocalPort();
        }
    }

    /**
     * Starts a backend's process with its output in {@code log}, and waits until it accepts TCP
     * connections on the loopback {@code port}; the log's name is in the error when it does not.
     */
    public static Process startListening(List<String> command, Path log, int port, Duration timeout, String name)
            throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                .start();
        awaitListening(port, process, timeout, name + " (see " + log + ")");
        return process;
    }

    /** Waits until {@code process} accepts TCP connections on the loopback port. */
    public static void awaitListening(int port, Process process, Duration timeout, String name)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(
                        name + " exited with " + process.exitValue() + " before listening on port " + port);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
                return;
            } catch (IOException notYet) {
                Thread.sleep(20);
            }
        }
        throw new IOException(name + " did not listen on port " + port + " within " + timeout);
    }

    /** Stops a backend's process: politely for 10 s, then by force; null is nothing to stop. */
    public static void stop(Process process) throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }
}
