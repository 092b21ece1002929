package dev.argoartifact.driver.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.util.BinaryData;
import com.azure.storage.blob.BlobContainerClient;
import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.conformance.NetworkFaultChecks;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The network between the driver and Azurite fails in the middle of transfers. */
class AzureFaultTest extends NetworkFaultChecks {
    private BlobContainerClient container;
    private Path key;

    @Override
    protected ArtifactDriver<?> newDriver() {
        return new AzureDriver();
    }

    @Override
    protected Backend startBackend(Path work) throws Exception {
        AzuriteServer.assumeInstalled();
        AzuriteServer azurite = new AzuriteServer(work).start(0);
        container = azurite.admin().createBlobContainer("faults");
        key = Files.writeString(work.resolve("key"), AzuriteServer.KEY);
        return new Backend() {
            @Override
            public int port() {
                return azurite.port();
            }

            @Override
            public long storedSize(String name) {
                var blob = container.getBlobClient(name);
                return blob.exists() ? blob.getProperties().getBlobSize() : -1;
            }

            @Override
            public void close() throws InterruptedException {
                azurite.close();
            }
        };
    }

    @Override
    protected String configuration(int proxyPort) {
        return String.join(
                "\n",
                "endpoint: http://127.0.0.1:" + proxyPort + "/" + AzuriteServer.ACCOUNT,
                "container: faults",
                "accountKey: {file: " + key + "}",
                "blockSize: 4194304",
                "tryTimeout: 10s",
                "transfer: {maxAttempts: 3, initialBackoff: 200ms, maxBackoff: 1s}",
                "");
    }

    @Override
    protected String location() {
        return "container 'faults'";
    }

    @Test
    void directoryPlaceholdersOfHierarchicalAccountsAreNeverFiles() throws Exception {
        // ADLS Gen2 and tools emulating it keep directories as empty blobs marked hdi_isfolder.
        container.getBlobClient("adls/out").getBlockBlobClient().upload(BinaryData.fromBytes(new byte[0]), true);
        container.getBlobClient("adls/out").setMetadata(Map.of("hdi_isfolder", "true"));
        container.getBlobClient("adls/out/sub").getBlockBlobClient().upload(BinaryData.fromBytes(new byte[0]), true);
        container.getBlobClient("adls/out/sub").setMetadata(Map.of("hdi_isfolder", "true"));
        container.getBlobClient("adls/out/sub/data.txt").upload(BinaryData.fromString("data"), true);
        container.getBlobClient("adls/out/marker/").upload(BinaryData.fromBytes(new byte[0]), true);

        assertThat(client.listObjects(client.artifact("", "adls/out")).objects())
                .containsExactly("adls/out/sub/data.txt");
        assertThat(client.isDirectory(client.artifact("", "adls/out")).isDirectory())
                .isTrue();
        Path target = work.resolve("adls-in");
        assertThat(client.load(client.artifact("", "adls/out"), target)).isEqualTo(new Reply(true, ""));
        assertThat(target.resolve("sub/data.txt")).hasContent("data");
        assertThat(TestData.treeDigests(target)).hasSize(1);
    }
}
