package dev.argoartifact.bench;

import dev.argoartifact.common.config.OperatorConfiguration;
import dev.argoartifact.conformance.DriverLauncher;
import dev.argoartifact.conformance.JavaDriverLauncher;
import dev.argoartifact.conformance.client.ArtifactClient;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A driver measured as it runs in a pod: its own JVM on a Unix socket, with the operator's
 * configuration in its environment, quiet logs and the JVM options the benchmark names; the
 * benchmark talks to it through one long-lived client, as Argo's executor does.
 */
public final class DriverJvm implements AutoCloseable {
    private static final Pattern FLIGHT_RECORDING = Pattern.compile("^-XX:StartFlightRecording.*filename=([^,]+)");

    private final Process process;
    private final ArtifactClient client;
    private final String flightRecording; // the file a -XX:StartFlightRecording writes, or null

    private DriverJvm(Process process, ArtifactClient client, String flightRecording) {
        this.process = process;
        this.client = client;
        this.flightRecording = flightRecording;
    }

    /** Starts the driver with its socket and log under {@code work}, and waits until it serves. */
    public static DriverJvm start(String driver, String operatorConfiguration, Path work, List<String> jvmOptions)
            throws Exception {
        Path socket = work.resolve("plugin/socket");
        // -Dbench.driverJvmExtra="-XX:StartFlightRecording=filename=/tmp/driver.jfr" profiles the driver.
        String extra = System.getProperty("bench.driverJvmExtra", "").trim();
        jvmOptions = new ArrayList<>(jvmOptions);
        // As the images run it: their collector (G1 would give each 2 MiB buffer three 1 MiB
        // regions of a small heap), and a driver out of memory ends, failing the call, not hanging.
        if (jvmOptions.stream().noneMatch(o -> o.matches("-XX:\\+Use\\w+GC"))) {
            jvmOptions.add(0, "-XX:+UseSerialGC");
        }
        jvmOptions.add("-XX:+ExitOnOutOfMemoryError");
        // Its image's JIT directives (images/jvm/), the file bin/bench names;
        // -Dbench.compilerDirectives= (empty) measures the driver without them.
        String directives = System.getProperty("bench.compilerDirectives", "");
        if (!directives.isEmpty()) {
            jvmOptions.addAll(List.of(
                    "-XX:+UnlockDiagnosticVMOptions",
                    "-XX:CompilerDirectivesFile=" + directives,
                    "-XX:+DisplayVMOutputToStderr"));
        }
        if (!extra.isEmpty()) {
            jvmOptions.addAll(List.of(extra.split("\\s+", -1)));
        }
        Process process = new JavaDriverLauncher(
                        driver,
                        Map.of("ARGO_ARTIFACT_LOG_LEVEL", "warn", OperatorConfiguration.ENV, operatorConfiguration),
                        work.resolve("driver.log"),
                        jvmOptions)
                .start(socket);
        try {
            DriverLauncher.awaitConnectable(socket, process, Duration.ofSeconds(30));
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
        String recording = jvmOptions.stream()
                .map(FLIGHT_RECORDING::matcher)
                .filter(Matcher::find)
                .map(m -> m.group(1))
                .findFirst()
                .orElse(null);
        return new DriverJvm(process, new ArtifactClient(socket, driver), recording);
    }

    public ArtifactClient client() {
        return client;
    }

    public long pid() {
        return process.pid();
    }

    /**
     * SIGTERM, as the kubelet sends, then a kill if it has not ended within 10 s. A flight recording
     * is dumped first: the driver's stop ends with {@code Runtime.halt}, before JFR's own dump at exit.
     */
    @Override
    public void close() throws InterruptedException {
        if (flightRecording != null && process.isAlive()) {
            try {
                new ProcessBuilder(
                                Path.of(System.getProperty("java.home"), "bin", "jcmd")
                                        .toString(),
                                Long.toString(process.pid()),
                                "JFR.dump",
                                "filename=" + flightRecording)
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                        .start()
                        .waitFor(60, TimeUnit.SECONDS);
            } catch (IOException e) {
                System.err.println("no flight recording dumped: " + e.getMessage());
            }
        }
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
