package dev.argoartifact.images;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * How a check runs a driver container beyond what Argo always gives it: its network (none unless a
 * backend on the host must be reached), environment, extra mounts and memory limit.
 *
 * @param hostNetwork whether the container shares the host's network (to reach a backend on loopback)
 * @param env environment variables
 * @param binds host paths mounted read-write at container paths
 * @param memoryBytes the memory limit, 0 for none
 */
public record ContainerSetup(boolean hostNetwork, Map<String, String> env, Map<Path, String> binds, long memoryBytes) {
    /** No network, nothing more: how Argo's init container runs a driver that needs no backend. */
    public static final ContainerSetup ISOLATED = new ContainerSetup(false, Map.of(), Map.of(), 0);

    public ContainerSetup {
        env = Map.copyOf(env);
        binds = Map.copyOf(binds);
    }

    /** With the host's network, to reach a backend on its loopback. */
    public static ContainerSetup onHostNetwork() {
        return new ContainerSetup(true, Map.of(), Map.of(), 0);
    }

    public ContainerSetup withEnv(String name, String value) {
        Map<String, String> more = new LinkedHashMap<>(env);
        more.put(name, value);
        return new ContainerSetup(hostNetwork, more, binds, memoryBytes);
    }

    public ContainerSetup withBind(Path host, String container) {
        Map<Path, String> more = new LinkedHashMap<>(binds);
        more.put(host, container);
        return new ContainerSetup(hostNetwork, env, more, memoryBytes);
    }

    public ContainerSetup withMemoryLimit(long bytes) {
        return new ContainerSetup(hostNetwork, env, binds, bytes);
    }

    /** The environment as NAME=value lines, as the engine's API takes it. */
    List<String> envLines() {
        return env.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList();
    }

    /** The test JVM's temporary directory where it is not /tmp (the container has its own /tmp). */
    static Stream<Path> sharedTemporaryDirectory() {
        Path tmp =
                Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        return tmp.toString().equals("/tmp") ? Stream.empty() : Stream.of(tmp);
    }
}
