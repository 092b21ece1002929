package dev.argoartifact.driver.volume;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.argoartifact.common.config.OperatorConfiguration;
import dev.argoartifact.conformance.ArtifactDriverConformance;
import dev.argoartifact.conformance.ConformanceFixture;
import dev.argoartifact.conformance.DriverLauncher;
import dev.argoartifact.images.ContainerEngine;
import dev.argoartifact.images.ContainerLauncher;
import dev.argoartifact.images.ContainerSetup;
import dev.argoartifact.images.DriverContainer;
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
        String reason = ContainerEngine.unavailableReason();
        assumeTrue(reason == null, reason);
        Path tar = Path.of("target/jib-image.tar").toAbsolutePath();
        assumeTrue(Files.exists(tar), "no image built at " + tar + " (bin/images builds them)");
        ContainerEngine engine = ContainerEngine.connect();
        String image = engine.load(tar);
        Path work = scratchDirectory("volume-image-conformance-");
        Path artifacts = Files.createDirectories(work.resolve("artifacts"));
        Path plugin = Files.createDirectories(work.resolve("plugin"));
        for (Path p : List.of(work, artifacts, plugin)) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        // The operator's configuration, in the environment as the Helm chart sets it; workflows send none.
        ContainerSetup setup = ContainerSetup.ISOLATED
                .withBind(artifacts, "/mnt/artifacts")
                .withEnv(OperatorConfiguration.ENV, OPERATOR);
        String inside = "/tmp/artifact-plugins/conformance";
        DriverContainer container = DriverContainer.start(engine, image, plugin, inside, inside + "/socket", setup);
        Path socket = plugin.resolve("socket");
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!Files.exists(socket) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        ContainerLauncher launcher = new ContainerLauncher(engine, image, setup);
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
            public void close() {
                container.close();
            }
        };
    }
}
