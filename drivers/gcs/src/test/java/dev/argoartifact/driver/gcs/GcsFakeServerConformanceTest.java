package dev.argoartifact.driver.gcs;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.google.cloud.NoCredentials;
import com.google.cloud.storage.BucketInfo;
import com.google.cloud.storage.StorageOptions;
import dev.argoartifact.conformance.ArtifactDriverConformance;
import dev.argoartifact.conformance.ConformanceFixture;
import dev.argoartifact.conformance.InProcessFixture;
import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The same suite against fsouza/fake-gcs-server, an HTTP emulator of the JSON API, through
 * Testcontainers. It needs a container engine that can pull the image; elsewhere (these
 * machines have none) the class is skipped with a message saying so. Unverified here: whether
 * the emulator's batch endpoint satisfies the batch-delete checks.
 */
class GcsFakeServerConformanceTest extends ArtifactDriverConformance {
    private static final DockerImageName IMAGE = DockerImageName.parse("fsouza/fake-gcs-server:1.52.2");

    @Override
    protected ConformanceFixture createFixture() throws Exception {
        boolean engine;
        try {
            engine = DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            engine = false;
        }
        assumeTrue(
                engine,
                "no container engine is reachable (no Docker or podman socket), so " + IMAGE
                        + " cannot run here; the LocalStorageHelper variant of this suite covers the driver on these machines");
        GenericContainer<?> server = new GenericContainer<>(IMAGE)
                .withCommand("-scheme", "http", "-port", "4443")
                .withExposedPorts(4443);
        server.start();
        String endpoint = "http://" + server.getHost() + ":" + server.getMappedPort(4443);
        StorageOptions.newBuilder()
                .setHost(endpoint)
                .setProjectId("test")
                .setCredentials(NoCredentials.getInstance())
                .build()
                .getService()
                .create(BucketInfo.of("argo-artifacts"));
        String configuration = "bucket: argo-artifacts\nprojectId: test\nendpoint: " + endpoint + "\n";
        Path work = scratchDirectory("gcs-fake-server-");
        return InProcessFixture.builder(
                        new GcsDriver(options -> options.setCredentials(NoCredentials.getInstance())
                                .build()
                                .getService()),
                        work)
                .operatorConfiguration(configuration)
                .requiredFields("bucket")
                .withoutLauncher()
                .closeAfterwards(server::stop)
                .build();
    }
}
