package dev.argoartifact.driver.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argoartifact.conformance.InProcessDriver;
import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver over the SDK's real HTTP transport (JSON API, OAuth token exchange, the runtime's
 * retries: the SDK's are off), against
 * a loopback HTTP server that answers with GCS's documented status codes and error bodies
 * ({@link GcsLoopbackApi}). The conformance suite runs on LocalStorageHelper, which replaces the
 * transport and has no buckets: this is where a missing bucket, a permission error, throttling and
 * the bearer token are seen.
 */
class GcsJsonApiTest {
    private static final String TOKEN = GcsLoopbackApi.TOKEN;

    @TempDir
    Path work;

    private GcsLoopbackApi api;
    private InProcessDriver driver;
    private ArtifactClient client;

    @BeforeEach
    void start() throws Exception {
        api = new GcsLoopbackApi(work.resolve("bucket"));
        // Each test's artifacts name their own scripted bucket: the operator lets workflows choose it.
        driver = new InProcessDriver(
                new GcsDriver(),
                work.resolve("plugin/socket"),
                api.retryingConfiguration(work, "flaky-bucket") + "policy: {authorFields: [bucket]}\n");
        client = new ArtifactClient(driver.socket(), "gcs");
    }

    @AfterEach
    void stop() throws Exception {
        driver.close();
        api.close();
    }

    private static String configuration(String bucket) {
        return "bucket: " + bucket;
    }

    @Test
    void aMissingBucketIsNamedAsSuchForLoadAndSave() throws Exception {
        Reply load =
                client.load(client.artifact(configuration("missing-bucket"), "runs/out.txt"), work.resolve("in.txt"));
        assertThat(load.success()).isFalse();
        assertThat(load.error())
                .contains("bucket 'missing-bucket'")
                .contains("The specified bucket does not exist")
                .contains("HTTP 404")
                .doesNotContain(TOKEN);
        Path file = Files.writeString(work.resolve("out.txt"), "data");
        Reply save = client.save(file, client.artifact(configuration("missing-bucket"), "runs/out.txt"));
        assertThat(save.success()).isFalse();
        assertThat(save.error())
                .contains("bucket 'missing-bucket'")
                .contains("The specified bucket does not exist")
                .contains("HTTP 404");
        assertThat(api.authorizations)
                .as("every storage request carries the token exchanged for the key")
                .isNotEmpty()
                .allMatch(("Bearer " + TOKEN)::equals);
    }

    @Test
    void aPermissionErrorNamesTheBucketAndWhatToCheck() throws Exception {
        ArtifactClient.ListReply list = client.listObjects(client.artifact(configuration("locked-bucket"), "runs/"));
        assertThat(list.ok()).isFalse();
        assertThat(list.error())
                .contains("bucket 'locked-bucket'")
                .contains("HTTP 403")
                .contains("storage.objects.list")
                .contains("lack permission")
                .doesNotContain(TOKEN);
    }

    @Test
    void unavailableResponsesAreRetriedAndTheObjectArrives() throws Exception {
        Path target = work.resolve("ok.txt");
        assertThat(client.load(client.artifact(configuration("flaky-bucket"), "ok.txt"), target))
                .as("requests %s", api.requests)
                .isEqualTo(new Reply(true, ""));
        assertThat(Files.readString(target)).isEqualTo(GcsLoopbackApi.OK_TXT);
        assertThat(api.flakyMetadataCalls.get()).as("two 503s, then the answer").isEqualTo(3);
    }
}
