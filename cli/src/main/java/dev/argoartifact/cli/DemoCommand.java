package dev.argoartifact.cli;

import dev.argoartifact.catalogue.DriverModules;
import dev.argoartifact.common.log.JsonLog;
import dev.argoartifact.common.transfer.LocalTree;
import dev.argoartifact.conformance.DriverLauncher;
import dev.argoartifact.conformance.InProcessDriver;
import dev.argoartifact.conformance.JavaDriverLauncher;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The whole path in one command, on an embedded default: the volume driver on a temporary socket,
 * a directory saved through it as Argo saves an {@code archive: none} output, listed, browsed,
 * streamed, loaded back as an input, and garbage-collected.
 */
@Command(
        name = "demo",
        description =
                "Start the volume driver on a temporary socket and run Save, ListObjects, "
                        + "IsDirectory, OpenStream, Load and Delete through it, then a workflow's attempt to reach outside, printing what happens.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--keep", description = "Keep the temporary directory for inspection.")
    boolean keep;

    @Option(names = "--verbose", description = "Also show the driver's JSON log lines (on stderr).")
    boolean verbose;

    @Option(
            names = "--driver-process",
            description = "Run the driver in a JVM of its own, as Argo does, instead of in this one"
                    + " (bin/argo-artifact trains its start-up cache so, on the client's classes alone).")
    boolean driverProcess;

    private static void step(String text) {
        System.out.println(text);
    }

    @Override
    public Integer call() throws Exception {
        if (!verbose) {
            JsonLog.setThreshold(JsonLog.Level.WARN);
        }
        Path work = Files.createTempDirectory("argo-artifact-demo-");
        Path root = Files.createDirectories(work.resolve("volume"));
        Path socket = work.resolve("artifact-plugins/volume/socket");
        // The operator fixes where artifacts live (the Helm chart puts this in the driver's environment);
        // a workflow's configuration may only tune how they move, and here it says nothing.
        String operator = "root: " + root;
        String configuration = "";
        long t0 = System.nanoTime();
        boolean socketLeft;
        try (AutoCloseable driver =
                driverProcess ? startProcess(work, socket, operator) : startInProcess(socket, operator)) {
            step(String.format(
                    "1. started the volume driver%s on %s in %d ms (the operator's configuration: \"%s\"; the workflow's: none)",
                    driverProcess ? " process" : "", socket, (System.nanoTime() - t0) / 1_000_000, operator));
            ArtifactClient client = new ArtifactClient(socket, "volume");
            String key = "hello-workflow/hello-workflow-main-1234/report";

            Path output = work.resolve("outputs/report");
            Files.createDirectories(output.resolve("data"));
            Files.writeString(output.resolve("index.html"), "<h1>Report</h1><a href=\"data/summary.csv\">data</a>\n");
            Files.writeString(output.resolve("data/summary.csv"), "step,seconds\nprepare,1.2\ntrain,42.0\n");
            Files.writeString(output.resolve("notes – ünïcode.txt"), "names with spaces and unicode survive\n");
            TestData.write(output.resolve("data/blob.bin"), 3 * 1024 * 1024 + 17, 42);

            long t = System.nanoTime();
            Reply save = client.save(output, client.artifact(configuration, key));
            check(save);
            step(String.format("2. Save: uploaded directory %s to key '%s' in %d ms", output, key, ms(t)));

            var listed = client.listObjects(client.artifact(configuration, key));
            step("3. ListObjects('" + key + "') -> " + listed.objects().size() + " files:");
            listed.objects().forEach(k -> step("     " + k));

            step("4. IsDirectory('" + key + "') -> "
                    + client.isDirectory(client.artifact(configuration, key)).isDirectory()
                    + ", IsDirectory('" + key + "/index.html') -> "
                    + client.isDirectory(client.artifact(configuration, key + "/index.html"))
                            .isDirectory());

            ByteArrayOutputStream page = new ByteArrayOutputStream();
            var stream = client.openStream(client.artifact(configuration, key + "/data/summary.csv"), page, 0);
            step("5. OpenStream('" + key + "/data/summary.csv') -> " + stream.bytes() + " bytes in "
                    + stream.dataMessages() + " message(s) + empty is_end: "
                    + page.toString(StandardCharsets.UTF_8).replace("\n", " | "));

            Path input = work.resolve("inputs/report.tmp");
            Files.createDirectories(input.getParent());
            t = System.nanoTime();
            check(client.load(client.artifact(configuration, key), input));
            boolean identical = TestData.treeDigests(input).equals(TestData.treeDigests(output));
            step(String.format(
                    "6. Load: downloaded key '%s' into %s in %d ms; identical to the original: %s",
                    key, input, ms(t), identical));

            check(client.delete(client.artifact(configuration, key)));
            step("7. Delete('" + key + "') as artifact GC does -> IsDirectory now "
                    + client.isDirectory(client.artifact(configuration, key)).isDirectory());
            step("8. GetCapabilities -> supportsSaveStream=" + client.supportsSaveStream());
            Reply hostile = client.save(output, client.artifact("root: /", key));
            step("9. a workflow that names a root of its own (\"root: /\") is refused: " + hostile.error());
            if (!identical || hostile.success()) {
                return ArgoArtifactCli.FAILED;
            }
        } finally {
            socketLeft = Files.exists(socket);
            if (keep) {
                step("kept " + work);
            } else {
                LocalTree.delete(work);
            }
        }
        step(
                socketLeft
                        ? "the driver stopped, but left its socket behind"
                        : "done: the driver stopped and its socket was removed");
        return socketLeft ? ArgoArtifactCli.FAILED : 0;
    }

    private static AutoCloseable startInProcess(Path socket, String operator) throws IOException {
        return new InProcessDriver(DriverModules.ofThisRepository().driver("volume"), socket, operator);
    }

    /** The driver as Argo runs it: its own JVM, the operator's configuration in its environment, SIGTERM to stop. */
    private static AutoCloseable startProcess(Path work, Path socket, String operator) throws Exception {
        Process process = new JavaDriverLauncher(
                        "volume", Map.of("ARGO_ARTIFACT_DEFAULT_CONFIGURATION", operator), work.resolve("driver.log"))
                .withClasspath(DriverModules.ofThisRepository().classpath("volume"))
                .start(socket);
        try {
            DriverLauncher.awaitConnectable(socket, process, Duration.ofSeconds(30));
        } catch (IOException | InterruptedException e) {
            process.destroyForcibly();
            throw e;
        }
        return () -> {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        };
    }

    private static long ms(long start) {
        return (System.nanoTime() - start) / 1_000_000;
    }

    private static void check(Reply reply) {
        if (!reply.success()) {
            throw new IllegalStateException(reply.error());
        }
    }
}
