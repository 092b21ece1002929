package dev.argoartifact.conformance;

import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.secrets.DefaultSecretResolver;
import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.server.DriverRuntime;
import dev.argoartifact.common.server.DriverServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A Java driver served on a real Unix socket inside the test JVM (so in-process backends such as
 * MiniDFSCluster or LocalStorageHelper are reachable), through the same server as an image, with
 * the operator's configuration an image reads from its environment.
 */
public final class InProcessDriver implements AutoCloseable {
    private final DriverServer server;
    private final DriverRuntime<?> runtime;

    /** @param operatorConfiguration the operator's configuration (YAML), or null for none */
    public InProcessDriver(ArtifactDriver<?> driver, Path socket, String operatorConfiguration) throws IOException {
        this(driver, socket, operatorConfiguration, new DefaultSecretResolver());
    }

    public InProcessDriver(ArtifactDriver<?> driver, Path socket, String operatorConfiguration, SecretResolver secrets)
            throws IOException {
        this.runtime = new DriverRuntime<>(driver, operatorConfiguration, secrets);
        this.server = DriverServer.start(socket, runtime);
    }

    public Path socket() {
        return server.socket();
    }

    /** The runtime behind the socket: its operations give direct storage access for a configuration. */
    public DriverRuntime<?> runtime() {
        return runtime;
    }

    @Override
    public void close() {
        server.stop(Duration.ofSeconds(5));
    }
}
