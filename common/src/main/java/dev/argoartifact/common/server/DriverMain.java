package dev.argoartifact.common.server;

import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.config.OperatorConfiguration;
import dev.argoartifact.common.log.JsonLog;
import dev.argoartifact.common.secrets.DefaultSecretResolver;
import dev.argoartifact.common.transfer.ContainerMemory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * The entry point of every driver image: {@code <driver> <socket-path> [ignored...]}, exactly as
 * Argo runs it (extra arguments are the executor's args, appended after the socket path).
 *
 * <p>SIGTERM (and SIGINT) stop accepting calls, let calls in flight finish within
 * {@value #GRACE_ENV} seconds (default 10) and exit 0, as Argo's docs ask. The JVM would exit
 * 143 after a signal; the shutdown hook ends with {@code Runtime.halt(0)} to report a clean stop.
 */
public final class DriverMain {
    static final String GRACE_ENV = "ARGO_ARTIFACT_SHUTDOWN_GRACE_SECONDS";
    static final String DRIVER_ENV = "ARGO_ARTIFACT_DRIVER";

    private DriverMain() {}

    public static void main(String[] args) {
        JsonLog.captureJavaUtilLogging();
        if (args.length < 1 || args[0].isBlank()) {
            System.err.println("usage: <driver> <socket-path>   (Argo passes /tmp/artifact-plugins/<name>/socket)");
            System.exit(2);
        }
        Path socket = Path.of(args[0]);
        long started = System.nanoTime();
        DriverServer server;
        try {
            ArtifactDriver<?> driver = findDriver();
            String plugin = OperatorConfiguration.pluginName(socket);
            String operator = OperatorConfiguration.load(plugin);
            DriverRuntime<?> runtime = new DriverRuntime<>(driver, operator, new DefaultSecretResolver());
            server = DriverServer.start(socket, runtime);
            Map<String, Object> serving = new LinkedHashMap<>();
            serving.put("driver", driver.name());
            serving.put("socket", server.socket().toString());
            serving.put("startupMs", (System.nanoTime() - started) / 1_000_000);
            ContainerMemory.limitBytes().ifPresent(limit -> serving.put("memoryLimitMiB", limit >> 20));
            serving.put("transferMemoryMiB", runtime.transferMemory().totalBytes() >> 20);
            JsonLog.info("serving", serving);
            if (operator == null || operator.isBlank()) {
                JsonLog.warn(
                        "no operator configuration: workflows can choose no location or credentials, so every call fails until "
                                + "the operator configures this driver ("
                                + OperatorConfiguration.pluginEnv(plugin == null ? driver.name() : plugin)
                                + " or the Helm chart's drivers values)",
                        Map.of());
            }
            // What the first Load or Save would otherwise initialise (the operator's configuration and
            // the YAML binder, about 30 ms on two cores) is readied while the server waits: Argo's
            // executor looks for the socket only once a second.
            server.whenIdle(Duration.ofMillis(100), runtime::warmUp);
        } catch (ConfigurationException e) {
            JsonLog.error("cannot start", Map.of("error", e.getMessage()));
            System.exit(1);
            return;
        } catch (Exception e) {
            JsonLog.error(
                    "cannot start",
                    Map.of(
                            "error",
                            String.valueOf(e.getMessage()),
                            "exception",
                            e.getClass().getName()));
            System.exit(1);
            return;
        }

        Duration grace = Duration.ofSeconds(parseGrace(System.getenv(GRACE_ENV)));
        DriverServer running = server;
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            JsonLog.info("stopping", Map.of("graceMs", grace.toMillis()));
                            running.stop(grace);
                            JsonLog.info("stopped", Map.of());
                            System.out.flush();
                            Runtime.getRuntime().halt(0);
                        },
                        "graceful-stop"));
        try {
            server.awaitTermination();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static long parseGrace(String text) {
        try {
            return text == null || text.isBlank() ? 10 : Math.max(0, Long.parseLong(text.trim()));
        } catch (NumberFormatException e) {
            return 10;
        }
    }

    /** The one driver on the classpath, or the one named by {@value #DRIVER_ENV} among several. */
    static ArtifactDriver<?> findDriver() {
        List<ArtifactDriver<?>> drivers = new ArrayList<>();
        for (ArtifactDriver<?> d : ServiceLoader.load(ArtifactDriver.class)) {
            drivers.add(d);
        }
        String wanted = System.getenv(DRIVER_ENV);
        if (wanted != null && !wanted.isBlank()) {
            return drivers.stream()
                    .filter(d -> d.name().equals(wanted.trim()))
                    .findFirst()
                    .orElseThrow(() -> new ConfigurationException(
                            null,
                            DRIVER_ENV + " names driver '" + wanted + "', but the classpath has: "
                                    + drivers.stream().map(ArtifactDriver::name).toList()));
        }
        if (drivers.size() != 1) {
            throw new ConfigurationException(
                    null,
                    "expected exactly one driver on the classpath, found "
                            + drivers.stream().map(ArtifactDriver::name).toList() + "; set " + DRIVER_ENV
                            + " to choose");
        }
        return drivers.get(0);
    }
}
