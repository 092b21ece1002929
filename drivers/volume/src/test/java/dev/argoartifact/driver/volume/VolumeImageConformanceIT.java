package dev.argoartifact.driver.volume;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.argoartifact.common.config.OperatorConfiguration;
import dev.argoartifact.conformance.ArtifactDriverConformance;
import dev.argoartifact.conformance.ConformanceFixture;
import dev.argoartifact.conformance.DriverLauncher;
import dev.argoartifact.images.ContainerLauncher;
import dev.argoartifact.images.Podman;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** The whole conformance suite through the socket of the volume image, run as Argo runs it. */
class VolumeImageConformanceIT extends ArtifactDriverConformance {
    private static final String OPERATOR = "root: /mnt/artifacts";

    @Override
    protected ConformanceFixture createFixture() throws Exception {
        Podman podman = new Podman(Podman.repositoryRoot());
        String reason = podman.unavailableReason();
        assumeTrue(reason == null, reason);
        Path tar = Path.of("target/jib-image.tar").toAbsolutePath();
        assumeTrue(Files.exists(tar), "no image built at " + tar + " (bin/images builds them)");
        String image = podman.load(tar);
        Path work = scratchDirectory("volume-image-conformance-");
        Path artifacts = Files.createDirectories(work.resolve("artifacts"));
        Path plugin = Files.createDirectories(work.resolve("plugin"));
        for (Path p : List.of(work, artifacts, plugin)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        // The operator's configuration, in the environment as the Helm chart sets it; workflows send none.
        List<String> mount =
                List.of("-v", artifacts + ":/mnt/artifacts:rw", "-e", OperatorConfiguration.ENV + "=" + OPERATOR);
        String container = podman.startDriver(image, "conformance", plugin, mount);
        Path socket = plugin.resolve("socket");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(socket) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        ContainerLauncher launcher = new ContainerLauncher(podman, image, mount);
        return new ConformanceFixture() {
            @Override
            public Path socket() {
                return socket;
            }

            @Override
            public String configuration() {
                return "";
            }

            @Override
            public Optional<String> operatorConfiguration() {
                return Optional.of(OPERATOR);
            }

            @Override
            public Optional<Class<?>> configurationType() {
                return Optional.of(VolumeConfiguration.class);
            }

            @Override
            public String keyPrefix() {
                return "conformance";
            }

            @Override
            public List<String> requiredFields() {
                return List.of("root");
            }

            @Override
            public Optional<DriverLauncher> launcher() {
                return Optional.of(launcher);
            }

            @Override
            public void close() throws java.io.IOException {
                podman.remove(container);
            }
        };
    }
}
