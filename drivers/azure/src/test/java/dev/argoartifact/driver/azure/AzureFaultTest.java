package dev.argoartifact.driver.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import dev.argoartifact.conformance.InProcessDriver;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The network between the driver and Azurite fails in the middle of transfers. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureFaultTest {
    // Static: JUnit makes it before the @BeforeAll below and removes it after the class.
    @TempDir
    static Path work;

    private AzuriteServer azurite;
    private TcpProxy proxy;
    private InProcessDriver driver;
    private ArtifactClient client;
    private BlobContainerClient container;
    private String configuration;

    @BeforeAll
    void start() throws Exception {
        AzuriteServer.assumeInstalled();
        azurite = new AzuriteServer(work).start(0);
        container = azurite.admin().createBlobContainer("faults");
        proxy = new TcpProxy(azurite.port());
        configuration = String.join(
                "\n",
                "endpoint: http://127.0.0.1:" + proxy.port() + "/" + AzuriteServer.ACCOUNT,
                "container: faults",
                "accountKey: {file: " + Files.writeString(work.resolve("key"), AzuriteServer.KEY) + "}",
                "blockSize: 4194304",
                "tryTimeout: 10s",
                "transfer: {maxAttempts: 3, initialBackoff: 200ms, maxBackoff: 1s}",
                "");
        driver = new InProcessDriver(new AzureDriver(), work.resolve("plugin/socket"), configuration);
        configuration = "";
        client = new ArtifactClient(driver.socket(), "azure");
    }

    @AfterAll
    void stop() throws Exception {
        if (driver != null) {
            driver.close();
        }
        if (proxy != null) {
            proxy.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    @Test
    void aNetworkOutageMidUploadFailsClearlyLeavesNothingAndARetrySucceeds() throws Exception {
        Path big = TestData.write(work.resolve("upload.bin"), 96L << 20, 1);
        long before = proxy.bytesUp();
        CompletableFuture<Reply> upload =
                CompletableFuture.supplyAsync(() -> client.save(big, client.artifact(configuration, "up/big.bin")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (proxy.bytesUp() - before < (12L << 20) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long cutAt = System.nanoTime();
        proxy.cut(true);
        Reply failed = upload.get(120, TimeUnit.SECONDS);
        Duration after = Duration.ofNanos(System.nanoTime() - cutAt);
        assertThat(failed.success()).isFalse();
        assertThat(failed.error()).contains("up/big.bin").contains("container 'faults'");
        assertThat(after).as("a clear error within a bounded time").isLessThan(Duration.ofSeconds(90));
        assertThat(container.getBlobClient("up/big.bin").exists())
                .as("staged blocks are never visible")
                .isFalse();

        proxy.restore();
        assertThat(client.save(big, client.artifact(configuration, "up/big.bin")))
                .isEqualTo(new Reply(true, ""));
        assertThat(container.getBlobClient("up/big.bin").getProperties().getBlobSize())
                .isEqualTo(96L << 20);
    }

    @Test
    void aNetworkOutageMidDownloadFailsClearlyLeavesNoPartialFileAndARetrySucceeds() throws Exception {
        Path big = TestData.write(work.resolve("download.bin"), 128L << 20, 2);
        assertThat(client.save(big, client.artifact(configuration, "down/big.bin"))
                        .success())
                .isTrue();
        Path inputs = Files.createDirectories(work.resolve("inputs"));
        Path target = inputs.resolve("big.tmp");
        long before = proxy.bytesDown();
        CompletableFuture<Reply> download = CompletableFuture.supplyAsync(
                () -> client.load(client.artifact(configuration, "down/big.bin"), target));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (proxy.bytesDown() - before < (8L << 20) && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        proxy.cut(true);
        long cutAt = System.nanoTime();
        Reply failed = download.get(120, TimeUnit.SECONDS);
        assertThat(failed.success())
                .as("the outage hit the download (%d bytes had arrived)", proxy.bytesDown() - before)
                .isFalse();
        assertThat(failed.error()).contains("down/big.bin").contains("container 'faults'");
        assertThat(Duration.ofNanos(System.nanoTime() - cutAt)).isLessThan(Duration.ofSeconds(90));
        try (Stream<Path> left = Files.list(inputs)) {
            assertThat(left.toList())
                    .as("no partial file at or beside the target")
                    .isEmpty();
        }
        proxy.restore();
        Files.deleteIfExists(target);
        assertThat(client.load(client.artifact(configuration, "down/big.bin"), target))
                .isEqualTo(new Reply(true, ""));
        assertThat(TestData.sha256(target)).isEqualTo(TestData.sha256(big));
    }

    @Test
    void droppedConnectionsDuringADirectoryTransferAreRetriedPerFile() throws Exception {
        Path tree = work.resolve("tree");
        for (int i = 0; i < 40; i++) {
            TestData.write(tree.resolve("d" + (i % 4)).resolve("f" + i + ".bin"), 300_000 + i, i);
        }
        CompletableFuture<Reply> save =
                CompletableFuture.supplyAsync(() -> client.save(tree, client.artifact(configuration, "dir/out")));
        // Drop every live connection twice while files are in flight; new connections still work.
        for (int i = 0; i < 2 && !save.isDone(); i++) {
            Thread.sleep(150);
            proxy.cut(false);
        }
        assertThat(save.get(120, TimeUnit.SECONDS)).isEqualTo(new Reply(true, ""));
        Path loaded = work.resolve("tree-loaded");
        assertThat(client.load(client.artifact(configuration, "dir/out"), loaded))
                .isEqualTo(new Reply(true, ""));
        assertThat(TestData.treeDigests(loaded)).isEqualTo(TestData.treeDigests(tree));
    }

    @Test
    void directoryPlaceholdersOfHierarchicalAccountsAreNeverFiles() throws Exception {
        // ADLS Gen2 and tools emulating it keep directories as empty blobs marked hdi_isfolder.
        container
                .getBlobClient("adls/out")
                .getBlockBlobClient()
                .upload(com.azure.core.util.BinaryData.fromBytes(new byte[0]), true);
        container.getBlobClient("adls/out").setMetadata(Map.of("hdi_isfolder", "true"));
        container
                .getBlobClient("adls/out/sub")
                .getBlockBlobClient()
                .upload(com.azure.core.util.BinaryData.fromBytes(new byte[0]), true);
        container.getBlobClient("adls/out/sub").setMetadata(Map.of("hdi_isfolder", "true"));
        container
                .getBlobClient("adls/out/sub/data.txt")
                .upload(com.azure.core.util.BinaryData.fromString("data"), true);
        container.getBlobClient("adls/out/marker/").upload(com.azure.core.util.BinaryData.fromBytes(new byte[0]), true);

        assertThat(client.listObjects(client.artifact(configuration, "adls/out"))
                        .objects())
                .containsExactly("adls/out/sub/data.txt");
        assertThat(client.isDirectory(client.artifact(configuration, "adls/out"))
                        .isDirectory())
                .isTrue();
        Path target = work.resolve("adls-in");
        assertThat(client.load(client.artifact(configuration, "adls/out"), target))
                .isEqualTo(new Reply(true, ""));
        assertThat(target.resolve("sub/data.txt")).hasContent("data");
        assertThat(TestData.treeDigests(target)).hasSize(1);
    }
}
