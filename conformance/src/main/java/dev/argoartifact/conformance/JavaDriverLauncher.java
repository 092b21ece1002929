package dev.argoartifact.conformance;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a Java driver in a child JVM, from the current class path or a given one, with the same
 * entry point an image uses ({@code dev.argoartifact.common.server.DriverMain}).
 */
public final class JavaDriverLauncher implements DriverLauncher {
    private final String driverName;
    private final Map<String, String> environment;
    private final Path logFile;
    private final List<String> jvmOptions;
    private final String classpath;

    /**
     * @param environment extra environment (e.g. operator defaults) for the child
     * @param logFile where the child's stdout and stderr go
     */
    public JavaDriverLauncher(String driverName, Map<String, String> environment, Path logFile) {
        this(driverName, environment, logFile, List.of("-Xmx256m"));
    }

    /** @param jvmOptions options for the driver's JVM (heap, collector), as an image would set them */
    public JavaDriverLauncher(
            String driverName, Map<String, String> environment, Path logFile, List<String> jvmOptions) {
        this(driverName, environment, logFile, jvmOptions, System.getProperty("java.class.path"));
    }

    private JavaDriverLauncher(
            String driverName,
            Map<String, String> environment,
            Path logFile,
            List<String> jvmOptions,
            String classpath) {
        this.driverName = driverName;
        this.environment = environment;
        this.logFile = logFile;
        this.jvmOptions = List.copyOf(jvmOptions);
        this.classpath = classpath;
    }

    /** The same, running the driver from {@code entries} (a driver module's class path, say). */
    public JavaDriverLauncher withClasspath(List<Path> entries) {
        return new JavaDriverLauncher(
                driverName,
                environment,
                logFile,
                jvmOptions,
                String.join(
                        File.pathSeparator, entries.stream().map(Path::toString).toList()));
    }

    @Override
    public Process start(Path socket) throws IOException {
        String java = ProcessHandle.current().info().command().orElse(System.getProperty("java.home") + "/bin/java");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        // Not -XX:TieredStopAtLevel=1: it starts faster, but the AES-GCM intrinsics that SSH and TLS
        // drivers depend on exist only in C2, and throughput drops several times without them.
        command.add("-cp");
        command.add(classpath);
        command.add("dev.argoartifact.common.server.DriverMain");
        command.add(socket.toString());
        // Argo appends the executor's args after the socket path; a driver must ignore them.
        command.add("--loglevel");
        command.add("info");
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("ARGO_ARTIFACT_DRIVER", driverName);
        builder.environment().putAll(environment);
        builder.redirectErrorStream(true);
        builder.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        return builder.start();
    }

    @Override
    public String toString() {
        return "java " + driverName + " (classpath of " + classpath.split(File.pathSeparator, -1).length + " entries)";
    }
}
