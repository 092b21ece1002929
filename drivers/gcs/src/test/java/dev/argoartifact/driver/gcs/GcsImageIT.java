package dev.argoartifact.driver.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import dev.argoartifact.images.ContainerSetup;
import dev.argoartifact.images.DriverImageChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The gcs driver's image (bin/images test). No GCS emulator is installable on these machines, so
 * the round trip, the 1 GiB memory check and the HTTP error paths run against
 * {@link GcsLoopbackApi} on the host's loopback, through the SDK's real HTTP transport.
 */
class GcsImageIT extends DriverImageChecks {

    GcsImageIT() {
        super("gcs", 75, "partSize: 1000\n", "field 'partSize' must be between 5242880 and 268435456");
    }

    @Override
    protected String startBackend() throws Exception {
        return closeAfterwards(new GcsLoopbackApi(work.resolve("gcs-bucket"))).bucketConfiguration(work);
    }

    @Test
    void theImageSpeaksTheJsonApiOverHttp() throws Exception {
        try (GcsLoopbackApi api = new GcsLoopbackApi(work.resolve("json-api-bucket"))) {
            // The operator lets workflows pick their bucket: one answers 503 twice, another does not exist.
            ArtifactClient client = start(
                    pluginDirectory("json-api"),
                    ContainerSetup.onHostNetwork(),
                    api.retryingConfiguration(work, "flaky-bucket") + "policy: {authorFields: [bucket]}\n");
            Path target = work.resolve("ok.txt");
            assertThat(client.load(client.artifact("", "ok.txt"), target))
                    .as("requests %s", api.requests)
                    .isEqualTo(new Reply(true, ""));
            assertThat(Files.readString(target)).isEqualTo(GcsLoopbackApi.OK_TXT);
            assertThat(api.flakyMetadataCalls.get())
                    .as("two 503s, then the answer")
                    .isEqualTo(3);

            Path file = Files.writeString(work.resolve("out.txt"), "data");
            Reply save = client.save(file, client.artifact("bucket: missing-bucket", "runs/out.txt"));
            assertThat(save.success()).isFalse();
            assertThat(save.error())
                    .contains("bucket 'missing-bucket'")
                    .contains("The specified bucket does not exist")
                    .doesNotContain(GcsLoopbackApi.TOKEN);
            assertThat(api.authorizations)
                    .as("every storage request carries the token exchanged for the key")
                    .isNotEmpty()
                    .allMatch(("Bearer " + GcsLoopbackApi.TOKEN)::equals);
        }
    }
}
