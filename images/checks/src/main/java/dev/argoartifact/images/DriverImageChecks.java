package dev.argoartifact.images;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.github.dockerjava.api.model.ContainerConfig;
import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.config.ConfigurationFields;
import dev.argoartifact.common.config.FieldClass;
import dev.argoartifact.common.config.OperatorConfiguration;
import dev.argoartifact.common.transfer.LocalTree;
import dev.argoartifact.conformance.ScratchDirectories;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import io.grpc.health.v1.HealthCheckResponse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.ServiceLoader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * What every driver image must do, run against the image built by Jib (target/jib-image.tar),
 * in a container exactly as Argo's init container runs it (through Testcontainers: Docker, or podman's
 * Docker-compatible service), with the operator's configuration in its
 * environment as the Helm chart puts it there. A driver's {@code *ImageIT} subclasses this with
 * its budget, a bad workflow configuration and a real backend for one round trip.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class DriverImageChecks {
    protected ContainerEngine engine;
    protected String image;
    private final List<DriverContainer> containers = new ArrayList<>();
    private final ScratchDirectories scratch = new ScratchDirectories();
    /** Shared with the containers (mode 777); removed after the class, with the backends' data. */
    protected Path work;

    private final List<AutoCloseable> backends = new ArrayList<>();
    private boolean backendStarted;
    private String operator;

    private final String driver;
    private final long sizeBudgetMegabytes;
    private final String badConfiguration;
    private final String badConfigurationMessage;

    /**
     * An image's facts.
     *
     * @param driver the driver's name (also its plugin name here)
     * @param sizeBudgetMegabytes the compressed size budget in MB (10^6 bytes); an image at or above it fails
     * @param badConfiguration a workflow's configuration the driver rejects
     * @param badConfigurationMessage a fragment of the message it must give
     */
    protected DriverImageChecks(
            String driver, long sizeBudgetMegabytes, String badConfiguration, String badConfigurationMessage) {
        this.driver = driver;
        this.sizeBudgetMegabytes = sizeBudgetMegabytes;
        this.badConfiguration = badConfiguration;
        this.badConfigurationMessage = badConfigurationMessage;
    }

    protected final String driver() {
        return driver;
    }

    protected final long sizeBudgetMegabytes() {
        return sizeBudgetMegabytes;
    }

    /**
     * Starts a real backend reachable from the container (host network) and returns the operator's
     * configuration for it, or null where none can run here. Called once, when a check first needs
     * it; register what must stop afterwards with {@link #closeAfterwards}.
     */
    protected abstract String startBackend() throws Exception;

    /** Closed after the class's checks, before its work directory goes. */
    protected final <T extends AutoCloseable> T closeAfterwards(T resource) {
        backends.add(resource);
        return resource;
    }

    /** The operator's configuration for the backend, which starts at the first call. */
    protected final String operatorConfiguration() throws Exception {
        if (!backendStarted) {
            backendStarted = true;
            operator = startBackend();
        }
        return operator;
    }

    /** How the round trip's containers reach the backend: the host's network unless overridden (mounts, say). */
    protected ContainerSetup roundTripSetup() {
        return ContainerSetup.onHostNetwork();
    }

    @BeforeAll
    void loadImage() throws Exception {
        String reason = ContainerEngine.unavailableReason();
        assumeTrue(reason == null, reason);
        Path tar = Path.of("target/jib-image.tar").toAbsolutePath();
        assumeTrue(Files.exists(tar), "no image built at " + tar + " (bin/images builds them)");
        engine = ContainerEngine.connect();
        image = engine.load(tar);
        work = scratch.createShared("image-" + driver() + "-");
    }

    /** Containers first, then the backends whose data is under work, then work itself. */
    @AfterAll
    void removeContainersBackendsAndWork() throws Exception {
        try (scratch) {
            for (DriverContainer c : containers) {
                c.close();
            }
            for (AutoCloseable backend : backends.reversed()) {
                backend.close();
            }
        }
    }

    protected Path pluginDirectory(String name) throws IOException {
        Path dir = Files.createDirectories(work.resolve(name));
        // The container's user (8737) creates the socket in a directory Argo shares (an emptyDir).
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
        return dir;
    }

    /** Starts the image like Argo's init container, with the operator's configuration when given, and waits for its socket. */
    protected ArtifactClient start(Path pluginDirectory, ContainerSetup setup, String operatorConfiguration)
            throws Exception {
        return start(
                pluginDirectory,
                operatorConfiguration == null
                        ? setup
                        : setup.withEnv(OperatorConfiguration.pluginEnv(driver()), operatorConfiguration));
    }

    /** Starts the image like Argo's init container and waits for its socket. */
    protected ArtifactClient start(Path pluginDirectory, ContainerSetup setup) throws Exception {
        String plugin = "/tmp/artifact-plugins/" + driver();
        DriverContainer container =
                DriverContainer.start(engine, image, pluginDirectory, plugin, plugin + "/socket", setup);
        containers.add(container);
        Path socket = pluginDirectory.resolve("socket");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        ArtifactClient client = new ArtifactClient(socket, driver());
        while (true) {
            if (Files.exists(socket)) {
                try {
                    if (client.health() == HealthCheckResponse.ServingStatus.SERVING) {
                        return client;
                    }
                } catch (RuntimeException notYet) {
                    // bound, not serving yet
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no serving socket within 60 s; " + container.stateAndLog());
            }
            Thread.sleep(20);
        }
    }

    private DriverContainer lastContainer() {
        return containers.getLast();
    }

    @Test
    void theImageIsLabelledRunsAsUser8737AndHasAnEntrypointOnly() {
        ContainerConfig config = engine.imageConfig(image);
        assertThat(config.getUser()).isEqualTo("8737:8737");
        assertThat(config.getEntrypoint()).startsWith("java");
        assertThat(config.getCmd())
                .as("no CMD: Argo uses the ENTRYPOINT and appends the socket")
                .isNullOrEmpty();
        Map<String, String> labels = config.getLabels();
        for (String label :
                List.of("title", "description", "version", "revision", "source", "licenses", "documentation")) {
            assertThat(labels.get("org.opencontainers.image." + label))
                    .as(label)
                    .isNotBlank();
        }
    }

    @Test
    void theImageHasNoShell() {
        for (String shell : List.of("/bin/sh", "/bin/bash", "/usr/bin/sh")) {
            ContainerEngine.Exit exit = engine.runToEnd(image, shell, "-c", "true");
            assertThat(exit.code())
                    .as(shell + " must not exist: " + exit.output())
                    .isNotZero();
        }
    }

    @Test
    void theCompressedImageFitsItsBudget() throws IOException {
        long bytes = Files.size(Path.of("target/jib-image.tar"));
        System.out.printf(
                "image %s: %.1f MB compressed (budget %d MB)%n", driver(), (double) bytes / 1e6, sizeBudgetMegabytes());
        assertThat((double) bytes / 1e6).as("compressed size in MB").isLessThan((double) sizeBudgetMegabytes());
    }

    @Test
    void itServesAsArgosInitContainerAndExitsZeroOnSigtermWithinTwoSeconds() throws Exception {
        Path dir = pluginDirectory("lifecycle");
        ArtifactClient client = start(dir, ContainerSetup.ISOLATED);
        Path socket = dir.resolve("socket");
        // The image has no ps; the driver's process as the host sees it (no user namespace here).
        long pid = lastContainer().pid();
        String uids = Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                .filter(l -> l.startsWith("Uid:"))
                .findFirst()
                .orElseThrow();
        assertThat(uids.split("\\s+"))
                .as("real, effective, saved and file-system UID of the driver")
                .containsExactly("Uid:", "8737", "8737", "8737", "8737");
        assertThat(Files.getPosixFilePermissions(socket))
                .as("usable by Argo's wait container, another UID")
                .containsAll(PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(client.health()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        assertThat(client.supportsSaveStream()).isTrue();
        DriverContainer container = lastContainer();
        long started = System.nanoTime();
        container.stop(Duration.ofSeconds(10));
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        assertThat(container.exitCode())
                .as("exit code after SIGTERM; " + container.stateAndLog())
                .isZero();
        assertThat(took).as("SIGTERM to exit").isLessThan(Duration.ofSeconds(2));
    }

    /**
     * The AOT cache trained into the image is the one its JVM uses: nearly every class of a start
     * comes from it. The JVM drops a cache silently when its flags or class path no longer match the
     * training run's (start-up then triples, nothing fails), so this is what keeps them in step.
     */
    @Test
    void itStartsFromTheAotCacheTrainedIntoTheImage() throws Exception {
        Path dir = pluginDirectory("aot-cache");
        String log = "/tmp/artifact-plugins/" + driver() + "/class-load.log";
        ArtifactClient client =
                start(dir, ContainerSetup.ISOLATED.withEnv("JDK_JAVA_OPTIONS", "-Xlog:class+load=info:file=" + log));
        assertThat(client.health()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        List<String> loads = Files.readAllLines(dir.resolve("class-load.log")).stream()
                .filter(l -> l.contains(" source: "))
                .toList();
        long fromCache = loads.stream()
                .filter(l -> l.endsWith(" source: shared objects file"))
                .count();
        System.out.printf(
                Locale.ROOT,
                "%s image: %d of %d classes loaded up to the first call came from the AOT cache%n",
                driver(),
                fromCache,
                loads.size());
        assertThat(loads)
                .as("the driver's entry point, from the cache")
                .anyMatch(l -> l.contains(" dev.argoartifact.common.server.DriverMain source: shared objects file"));
        assertThat((double) fromCache / loads.size())
                .as("share of classes from the AOT cache")
                .isGreaterThan(0.95);
    }

    @Test
    void aBadConfigurationGetsAClearError() throws Exception {
        // With the operator's configuration where a backend is reachable, so the workflow's mistake is the only one.
        String operator = operatorConfiguration();
        ArtifactClient client = start(
                pluginDirectory("bad-config"), operator == null ? ContainerSetup.ISOLATED : roundTripSetup(), operator);
        Path file = TestData.write(work.resolve("bad.bin"), 10, 1);
        Reply reply = client.save(file, client.artifact(badConfiguration, "x/bad.bin"));
        assertThat(reply.success()).isFalse();
        assertThat(reply.error()).contains(badConfigurationMessage).doesNotContain("\tat ");
    }

    /** The driver's first where field that holds a string: a workflow overriding it is refused. */
    private String lockedField() {
        ArtifactDriver<?> d = ServiceLoader.load(ArtifactDriver.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(candidate -> candidate.name().equals(driver()))
                .findFirst()
                .orElseThrow();
        return ConfigurationFields.of(d.configurationType()).fields().stream()
                .filter(f -> f.fieldClass() == FieldClass.WHERE && f.type() == String.class)
                .findFirst()
                .orElseThrow()
                .name();
    }

    @Test
    void aWorkflowCannotOverrideWhatTheOperatorFixed() throws Exception {
        String operator = operatorConfiguration();
        assumeTrue(operator != null, "no backend for " + driver() + " is reachable from a container here");
        ArtifactClient client = start(pluginDirectory("hostile"), roundTripSetup(), operator);
        Path file = TestData.write(work.resolve("hostile.bin"), 10, 1);
        String field = lockedField();
        Reply reply = client.save(file, client.artifact(field + ": argo-artifact-override", "x/hostile.bin"));
        assertThat(reply.success()).isFalse();
        assertThat(reply.error())
                .contains("field '" + field + "' is fixed by the operator")
                .doesNotContain("\n");
    }

    /**
     * A broken operator configuration fails every call with its one-line reason, which Argo shows in
     * the step's error; the driver still serves, since Argo's executor would otherwise wait 120 s
     * for the socket and report only that it never appeared.
     */
    @Test
    void anInvalidOperatorConfigurationFailsEveryCallWithOneLine() throws Exception {
        ArtifactClient client =
                start(pluginDirectory("invalid-operator"), ContainerSetup.ISOLATED, "policy: {authorFeilds: [x]}");
        DriverContainer container = lastContainer();
        Path file = TestData.write(work.resolve("invalid-operator.bin"), 10, 1);
        Reply reply = client.save(file, client.artifact("", "x/f.bin"));
        assertThat(reply.success()).isFalse();
        assertThat(reply.error())
                .contains("the operator's configuration is invalid: unknown field 'authorFeilds' in 'policy'")
                .doesNotContain("\n");
        assertThat(container.logs()).contains("invalid operator configuration").doesNotContain("\tat ");
    }

    /** Why the 1 GiB memory checks cannot give a verdict for this driver here, or null when they can. */
    protected String memoryCheckUnavailable() {
        return null;
    }

    /** What a memory check transfers, written under its scratch directory. */
    @FunctionalInterface
    private interface Gibibyte {
        Path write(Path scratch) throws IOException;
    }

    @Test
    void aGibibyteSaveAndLoadFitUnderA256MiBMemoryLimit() throws Exception {
        underA256MiBLimit("a 1 GiB file", scratch -> TestData.write(scratch.resolve("gibibyte.bin"), 1L << 30, 9));
    }

    /** Sixteen files at once (transfer.filesInFlight), each with its own SDK buffers and dirty pages. */
    @Test
    void aGibibyteDirectoryOf16FilesFitsUnderA256MiBMemoryLimit() throws Exception {
        underA256MiBLimit("a directory of 16 files of 64 MiB", scratch -> {
            Path dir = scratch.resolve("gibibyte-tree");
            for (int i = 0; i < 16; i++) {
                TestData.write(dir.resolve("part-" + i + ".bin"), 64L << 20, 100 + i);
            }
            return dir;
        });
    }

    private void underA256MiBLimit(String what, Gibibyte gibibyte) throws Exception {
        String unavailable = memoryCheckUnavailable();
        assumeTrue(unavailable == null, unavailable);
        String operator = operatorConfiguration();
        assumeTrue(operator != null, "no backend for " + driver() + " is reachable from a container here");
        String configuration = "";
        Path scratch = pluginDirectory("memory-" + System.nanoTime());
        ArtifactClient client = start(scratch, roundTripSetup().withMemoryLimit(256L << 20), operator);
        DriverContainer container = lastContainer();
        String key = "image-it/memory-" + System.nanoTime();
        Path back = scratch.resolve("loaded");
        Path source = null;
        try {
            source = gibibyte.write(scratch);
            Map<String, String> digests = TestData.treeDigests(source);
            assertThat(client.save(source, client.artifact(configuration, key)))
                    .as(container::stateAndLog)
                    .isEqualTo(new Reply(true, ""));
            // At most 2 GiB on this disk at once (the backend's copy and one local copy), not 3.
            LocalTree.delete(source);
            assertThat(client.load(client.artifact(configuration, key), back))
                    .as(container::stateAndLog)
                    .isEqualTo(new Reply(true, ""));
            assertThat(TestData.treeDigests(back)).isEqualTo(digests);
            assertThat(client.delete(client.artifact(configuration, key))).isEqualTo(new Reply(true, ""));
        } finally {
            if (source != null) {
                LocalTree.delete(source);
            }
            LocalTree.delete(back);
        }
        assertThat(container.oomKilled()).as("never OOM-killed").isFalse();
        assertThat(container.running()).as("still running").isTrue();
        long peakKib = Files.readAllLines(Path.of("/proc", Long.toString(container.pid()), "status")).stream()
                .filter(l -> l.startsWith("VmHWM:"))
                .mapToLong(l -> Long.parseLong(l.replaceAll("\\D+", "")))
                .findFirst()
                .orElseThrow();
        System.out.printf(
                Locale.ROOT,
                "%s image: peak resident memory of the driver during Save and Load of %s: %d MiB%n",
                driver(),
                what,
                peakKib >> 10);
        peakResidentMemoryBudgetMib()
                .ifPresent(budget -> assertThat(peakKib >> 10)
                        .as("peak resident memory (VmHWM) in MiB")
                        .isLessThan(budget));
    }

    /**
     * A budget for the driver's peak resident memory during a 1 GiB Save and Load, where its issue
     * sets one. VmHWM also counts the mapped AOT cache, libjvm and jars, which the kernel can drop
     * under the container's limit; the limit itself is what the OOM check above enforces.
     */
    protected OptionalLong peakResidentMemoryBudgetMib() {
        return OptionalLong.empty();
    }

    @Test
    void aRoundTripAgainstTheRealBackend() throws Exception {
        String operator = operatorConfiguration();
        assumeTrue(operator != null, "no backend for " + driver() + " is reachable from a container here");
        String configuration = "";
        ArtifactClient client = start(pluginDirectory("round-trip"), roundTripSetup(), operator);
        Path dir = Files.createDirectories(work.resolve("tree"));
        TestData.write(dir.resolve("a.bin"), 3 << 20, 2);
        TestData.write(Files.createDirectories(dir.resolve("sub")).resolve("b.txt"), 1000, 3);
        String key = "image-it/" + System.nanoTime();
        assertThat(client.save(dir, client.artifact(configuration, key))).isEqualTo(new Reply(true, ""));
        Path back = work.resolve("back-" + System.nanoTime());
        assertThat(client.load(client.artifact(configuration, key), back)).isEqualTo(new Reply(true, ""));
        Map<String, String> expected = TestData.treeDigests(dir);
        assertThat(TestData.treeDigests(back)).isEqualTo(expected);
        assertThat(client.delete(client.artifact(configuration, key))).isEqualTo(new Reply(true, ""));
    }
}
