package dev.argoartifact.images;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.AccessMode;
import com.github.dockerjava.api.model.Bind;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Volume;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.AbstractWaitStrategy;
import org.testcontainers.utility.DockerImageName;

/**
 * A driver image run the way Argo runs a plugin: its user (8737), a read-only root filesystem, a
 * tmpfs {@code /tmp}, no network unless the setup asks for the host's, the plugin's directory
 * mounted from the host and the socket path as its one argument.
 */
public final class DriverContainer implements AutoCloseable {
    private final ContainerEngine engine;
    private final GenericContainer<?> container;

    private DriverContainer(ContainerEngine engine, GenericContainer<?> container) {
        this.engine = engine;
        this.container = container;
    }

    /**
     * Starts the image with {@code socket} (a path inside the container) as its argument, the host's
     * {@code pluginDirectory} mounted at {@code mountedAt}; returns once it runs, not once it serves.
     */
    @SuppressWarnings("resource") // closed by this class's close()
    public static DriverContainer start(
            ContainerEngine engine,
            String image,
            Path pluginDirectory,
            String mountedAt,
            String socket,
            ContainerSetup setup) {
        List<Bind> binds = new ArrayList<>();
        binds.add(new Bind(pluginDirectory.toString(), new Volume(mountedAt), AccessMode.rw));
        // Local paths a client passes to Save and Load mean the same file on both sides, as an Argo
        // pod's shared volumes do (the tests run with umask 000, so UID 8737 can use what they create).
        ContainerSetup.sharedTemporaryDirectory()
                .forEach(tmp -> binds.add(new Bind(tmp.toString(), new Volume(tmp.toString()), AccessMode.rw)));
        setup.binds().forEach((host, path) -> binds.add(new Bind(host.toString(), new Volume(path), AccessMode.rw)));
        GenericContainer<?> container = new GenericContainer<>(DockerImageName.parse(image))
                .withImagePullPolicy(name -> false) // our own images, loaded from Jib's tar
                .withCommand(socket)
                .withEnv(setup.env())
                .waitingFor(new AbstractWaitStrategy() {
                    @Override
                    protected void waitUntilReady() {
                        // Serving is the socket's to say, which the caller polls.
                    }
                })
                .withCreateContainerCmdModifier(cmd -> {
                    HostConfig host = cmd.getHostConfig() != null ? cmd.getHostConfig() : HostConfig.newHostConfig();
                    host.withReadonlyRootfs(true)
                            .withTmpFs(Map.of("/tmp", "rw,mode=1777"))
                            .withNetworkMode(setup.hostNetwork() ? "host" : "none")
                            .withBinds(binds);
                    if (setup.memoryBytes() > 0) {
                        host.withMemory(setup.memoryBytes()).withMemorySwap(setup.memoryBytes());
                    }
                    cmd.withHostConfig(host);
                });
        container.start();
        return new DriverContainer(engine, container);
    }

    public String id() {
        return container.getContainerId();
    }

    /** Standard output and error so far. */
    public String logs() {
        try {
            return container.getLogs();
        } catch (RuntimeException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /** The driver's process ID as the host sees it (no user namespace here). */
    public long pid() {
        return engine.state(id()).getPidLong();
    }

    /** Whether it still runs; a container already removed does not. */
    public boolean running() {
        try {
            return Boolean.TRUE.equals(engine.state(id()).getRunning());
        } catch (NotFoundException removed) {
            return false;
        }
    }

    public boolean oomKilled() {
        return Boolean.TRUE.equals(engine.state(id()).getOOMKilled());
    }

    /** The exit code, once it has ended. */
    public long exitCode() {
        return engine.state(id()).getExitCodeLong();
    }

    /** Running, OOM-killed or ended with its code, and its log: for a failed check's message. */
    public String stateAndLog() {
        try {
            return "container running=" + running() + " oomKilled=" + oomKilled() + " exitCode=" + exitCode()
                    + "; log:\n" + logs();
        } catch (DockerException e) {
            return "container state unknown: " + e.getMessage();
        }
    }

    /** Sends a signal by name (SIGTERM); a container that has already ended is left as it is. */
    public void signal(String signal) {
        if (running()) {
            engine.docker().killContainerCmd(id()).withSignal(signal).exec();
        }
    }

    /** Stops it as Kubernetes does: SIGTERM, then SIGKILL after the grace period. */
    public void stop(Duration grace) {
        engine.docker()
                .stopContainerCmd(id())
                .withTimeout((int) grace.toSeconds())
                .exec();
    }

    /** Kills and removes it. */
    @Override
    public void close() {
        container.stop();
    }
}
