package dev.argoartifact.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The network between a driver and its backend fails in the middle of transfers: a {@link TcpProxy}
 * between them cuts every connection and refuses new ones, as a backend that goes away does, or
 * drops live connections while new ones work. A subclass starts the backend and names what it holds.
 * Each failure is one clear line within a bounded time, leaves nothing visible, and a retry works.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class NetworkFaultChecks {
    private final ScratchDirectories scratch = new ScratchDirectories();

    protected Path work;
    protected TcpProxy proxy;
    protected ArtifactClient client;
    private InProcessDriver driver;

    /** The driver under test. */
    protected abstract ArtifactDriver<?> newDriver();

    /**
     * Starts the backend on a loopback port; {@link #configuration} then sends requests through
     * the proxy in front of it. It is closed after the class.
     */
    protected abstract Backend startBackend(Path work) throws Exception;

    /** A started backend: its loopback port, and what it holds under a key (the key's bytes, or -1). */
    protected interface Backend extends AutoCloseable {
        int port();

        long storedSize(String key) throws Exception;
    }

    /**
     * The operator's configuration through {@code proxyPort}, with 3 attempts per file, backoff up
     * to 1 s and request timeouts of 10 s at most, so an outage fails within the checks' bounds.
     */
    protected abstract String configuration(int proxyPort) throws Exception;

    /** What every error of this configuration names, e.g. "container 'faults'". */
    protected abstract String location();

    private Backend started;

    @BeforeAll
    final void start() throws Exception {
        work = scratch.create("faults-");
        started = startBackend(work);
        proxy = new TcpProxy(started.port());
        ArtifactDriver<?> tested = newDriver();
        driver = new InProcessDriver(tested, work.resolve("plugin/socket"), configuration(proxy.port()));
        client = new ArtifactClient(driver.socket(), tested.name());
    }

    @AfterAll
    final void stop() throws Exception {
        try (scratch) {
            if (driver != null) {
                driver.close();
            }
            if (proxy != null) {
                proxy.close();
            }
            if (started != null) {
                started.close();
            }
        }
    }

    @Test
    void anOutageMidUploadFailsClearlyLeavesNothingAndARetrySucceeds() throws Exception {
        Path big = TestData.write(work.resolve("upload.bin"), 96L << 20, 1);
        long before = proxy.bytesUp();
        CompletableFuture<Reply> upload =
                CompletableFuture.supplyAsync(() -> client.save(big, client.artifact("", "up/big.bin")));
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (proxy.bytesUp() - before < (12L << 20) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        long cutAt = System.nanoTime();
        proxy.cut(true);
        Reply failed = upload.get(120, TimeUnit.SECONDS);
        Duration after = Duration.ofNanos(System.nanoTime() - cutAt);
        assertThat(failed.success()).isFalse();
        assertThat(failed.error()).contains("up/big.bin").contains(location());
        assertThat(after).as("a clear error within a bounded time").isLessThan(Duration.ofSeconds(90));
        assertThat(started.storedSize("up/big.bin"))
                .as("nothing of the failed upload is visible")
                .isEqualTo(-1);

        proxy.restore();
        assertThat(client.save(big, client.artifact("", "up/big.bin"))).isEqualTo(new Reply(true, ""));
        assertThat(started.storedSize("up/big.bin")).isEqualTo(96L << 20);
    }

    @Test
    void anOutageMidDownloadFailsClearlyLeavesNoPartialFileAndARetrySucceeds() throws Exception {
        Path big = TestData.write(work.resolve("download.bin"), 128L << 20, 2);
        assertThat(client.save(big, client.artifact("", "down/big.bin"))).isEqualTo(new Reply(true, ""));
        Path inputs = Files.createDirectories(work.resolve("inputs"));
        Path target = inputs.resolve("big.tmp");
        long before = proxy.bytesDown();
        CompletableFuture<Reply> download =
                CompletableFuture.supplyAsync(() -> client.load(client.artifact("", "down/big.bin"), target));
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
        assertThat(failed.error()).contains("down/big.bin").contains(location());
        assertThat(Duration.ofNanos(System.nanoTime() - cutAt)).isLessThan(Duration.ofSeconds(90));
        try (Stream<Path> left = Files.list(inputs)) {
            assertThat(left.toList())
                    .as("no partial file at or beside the target")
                    .isEmpty();
        }
        proxy.restore();
        assertThat(client.load(client.artifact("", "down/big.bin"), target)).isEqualTo(new Reply(true, ""));
        assertThat(TestData.sha256(target)).isEqualTo(TestData.sha256(big));
    }

    @Test
    void droppedConnectionsDuringADirectoryTransferAreRetriedPerFile() throws Exception {
        Path tree = work.resolve("tree");
        for (int i = 0; i < 40; i++) {
            TestData.write(tree.resolve("d" + (i % 4)).resolve("f" + i + ".bin"), 300_000 + i, i);
        }
        CompletableFuture<Reply> save =
                CompletableFuture.supplyAsync(() -> client.save(tree, client.artifact("", "dir/out")));
        // Drop every live connection twice while files are in flight; new connections still work.
        for (int i = 0; i < 2 && !save.isDone(); i++) {
            Thread.sleep(150);
            proxy.cut(false);
        }
        assertThat(save.get(120, TimeUnit.SECONDS)).isEqualTo(new Reply(true, ""));
        Path loaded = work.resolve("tree-loaded");
        assertThat(client.load(client.artifact("", "dir/out"), loaded)).isEqualTo(new Reply(true, ""));
        assertThat(TestData.treeDigests(loaded)).isEqualTo(TestData.treeDigests(tree));
    }
}
