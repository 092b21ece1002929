package dev.argoartifact.driver.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argoartifact.common.storage.StagedWrites;
import dev.argoartifact.conformance.InProcessDriver;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server goes away in the middle of a transfer and comes back. */
class SftpFaultTest {
    @TempDir
    Path work;

    private static List<String> entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aServerStoppedMidUploadGivesAClearErrorNoPartialFileAndARetrySucceeds() throws Exception {
        Path root = Files.createDirectories(work.resolve("root"));
        Path dir = Files.createDirectories(root.resolve("artifacts/run"));
        String password = "Fault-Passw0rd";
        MinaSftpServer server = new MinaSftpServer(
                        root,
                        SshKeys.generate(work, "host_key"),
                        password,
                        Files.writeString(work.resolve("authorized_keys"), ""))
                .start(0);
        int port = server.port();
        String configuration = SftpFixture.configuration(
                port,
                MinaSftpServer.USER,
                "/artifacts",
                server.knownHostsLine(),
                "password: {file: " + SftpFixture.secretFile(work, "password", password) + "}");
        Path big = TestData.write(work.resolve("big.bin"), 256L << 20, 3);
        Path staging = root.resolve("artifacts").resolve(StagedWrites.DIRECTORY);
        try (InProcessDriver driver =
                new InProcessDriver(new SftpDriver(), work.resolve("plugin/socket"), configuration)) {
            ArtifactClient client = new ArtifactClient(driver.socket(), "sftp");
            CompletableFuture<Reply> upload =
                    CompletableFuture.supplyAsync(() -> client.save(big, client.artifact("", "run/big.bin")));

            // Wait until the upload is under way on the server, then stop the server under it.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline
                    && (!Files.isDirectory(staging) || entries(staging).isEmpty())) {
                Thread.sleep(5);
            }
            assertThat(entries(staging)).as("the upload is staged").hasSize(1);
            long stoppedAt = System.nanoTime();
            server.stop();

            Reply failed = upload.get(60, TimeUnit.SECONDS);
            Duration failedAfter = Duration.ofNanos(System.nanoTime() - stoppedAt);
            assertThat(failed.success()).isFalse();
            assertThat(failed.error())
                    .contains("run/big.bin")
                    .containsAnyOf("connection was lost", "cannot connect to 127.0.0.1:" + port);
            assertThat(failedAfter).as("fails within a bounded time").isLessThan(Duration.ofSeconds(20));
            assertThat(dir.resolve("big.bin"))
                    .as("nothing under the final name")
                    .doesNotExist();

            server.start(port);
            assertThat(client.save(big, client.artifact("", "run/big.bin"))).isEqualTo(new Reply(true, ""));
            assertThat(TestData.sha256(dir.resolve("big.bin"))).isEqualTo(TestData.sha256(big));
            assertThat(entries(dir)).containsExactly("big.bin");
            assertThat(entries(staging))
                    .as("the partial upload of the failed attempt was cleaned up")
                    .isEmpty();

            Path target = Files.createDirectories(work.resolve("in")).resolve("big.tmp");
            assertThat(client.load(client.artifact("", "run/big.bin"), target)).isEqualTo(new Reply(true, ""));
            assertThat(TestData.sha256(target)).isEqualTo(TestData.sha256(big));
        } finally {
            server.close();
        }
    }
}
