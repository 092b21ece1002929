package dev.argoartifact.conformance;

/**
 * A backend that a test runs as a process on a loopback port (Azurite, S3Proxy): its port, its
 * process for CPU figures, and a stop that a start on the same port may follow (the fault checks
 * stop a server under a transfer and start it again).
 */
public abstract class LocalServer implements AutoCloseable {
    private Process process;
    /** The loopback port; 0 until the first start picks one. */
    protected int port;

    /** Records the process a start launched ({@link LocalPorts#startListening}). */
    protected final void started(Process running) {
        this.process = running;
    }

    /** The server's process, for CPU figures. */
    public final long pid() {
        return process.pid();
    }

    public final int port() {
        return port;
    }

    public void stop() throws InterruptedException {
        LocalPorts.stop(process);
        process = null;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }
}
