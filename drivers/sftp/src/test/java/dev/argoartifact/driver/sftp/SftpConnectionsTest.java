package dev.argoartifact.driver.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argoartifact.bench.DriverJvm;
import dev.argoartifact.conformance.InProcessDriver;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Directory transfers spread over several SSH connections, as many as the operator allows. */
class SftpConnectionsTest {
    private static final String PASSWORD = "Connections-Passw0rd";

    @TempDir
    Path work;

    private MinaSftpServer server() throws Exception {
        Files.createDirectories(work.resolve("root/artifacts"));
        return new MinaSftpServer(
                work.resolve("root"),
                SshKeys.generate(work, "host_key"),
                PASSWORD,
                Files.writeString(work.resolve("authorized_keys"), ""));
    }

    private String configuration(MinaSftpServer server, String tuning) throws Exception {
        return SftpFixture.configuration(
                                server.port(),
                                MinaSftpServer.USER,
                                "/artifacts",
                                server.knownHostsLine(),
                                "password: {file: " + SftpFixture.secretFile(work, "password", PASSWORD) + "}")
                        .replace("transfer: {maxAttempts: 3, initialBackoff: 100ms, maxBackoff: 1s}\n", "")
                + tuning;
    }

    private InProcessDriver driver(MinaSftpServer server, String tuning) throws Exception {
        return new InProcessDriver(new SftpDriver(), work.resolve("p/socket"), configuration(server, tuning));
    }

    private Path tree(int files) throws Exception {
        Path dir = Files.createDirectories(work.resolve("tree"));
        for (int i = 0; i < files; i++) {
            TestData.write(dir.resolve("f" + i + ".bin"), 64 << 10, i);
        }
        return dir;
    }

    @Test
    void aDirectoryMovesOverAsManyConnectionsAsConfiguredAndNoMore() throws Exception {
        Path source = tree(48);
        try (MinaSftpServer server = server().start(0);
                InProcessDriver driver = driver(
                        server,
                        "connections: 3\nchannelsInFlight: 2\ntransfer: {filesInFlight: 6, maxAttempts: 3, initialBackoff: 100ms}\n")) {
            ArtifactClient client = new ArtifactClient(driver.socket(), "sftp");
            assertThat(client.save(source, client.artifact("", "run/tree"))).isEqualTo(new Reply(true, ""));
            Path loaded = work.resolve("loaded");
            assertThat(client.load(client.artifact("", "run/tree"), loaded)).isEqualTo(new Reply(true, ""));
            for (int i = 0; i < 48; i++) {
                assertThat(TestData.sha256(loaded.resolve("f" + i + ".bin")))
                        .isEqualTo(TestData.sha256(source.resolve("f" + i + ".bin")));
            }
            assertThat(server.mostOpenAtOnce()).as("connections used at once").isEqualTo(3);
            assertThat(server.sessionsOpened())
                    .as("connections reused, not remade")
                    .isEqualTo(3);
        }
    }

    @Test
    void oneConnectionCarriesEveryChannelWhenConfiguredSo() throws Exception {
        Path source = tree(24);
        try (MinaSftpServer server = server().start(0);
                InProcessDriver driver = driver(
                        server,
                        "connections: 1\nchannelsInFlight: 4\ntransfer: {filesInFlight: 8, maxAttempts: 3, initialBackoff: 100ms}\n")) {
            ArtifactClient client = new ArtifactClient(driver.socket(), "sftp");
            assertThat(client.save(source, client.artifact("", "run/tree"))).isEqualTo(new Reply(true, ""));
            assertThat(server.sessionsOpened()).isEqualTo(1);
        }
    }

    @Test
    void aServerThatRefusesAnotherConnectionGetsAnErrorNamingTheSetting() throws Exception {
        Path source = tree(16);
        try (MinaSftpServer server = server().limitSessionsPerUser(1).start(0);
                InProcessDriver driver = driver(
                        server,
                        "connections: 2\nchannelsInFlight: 2\n"
                                + "transfer: {filesInFlight: 4, maxAttempts: 2, initialBackoff: 10ms}\n")) {
            ArtifactClient client = new ArtifactClient(driver.socket(), "sftp");
            Reply refused = client.save(source, client.artifact("", "run/tree"));
            assertThat(refused.success()).isFalse();
            assertThat(refused.error())
                    .contains("127.0.0.1:" + server.port())
                    .contains("with 1 already open: lower 'connections' if the server limits connections per user")
                    .doesNotContain(PASSWORD);
        }
    }

    /**
     * JSch gives each channel a pipe of bulkRequests packets (2 MiB) when it opens: 64 files in
     * flight on 8 connections of 8 channels need 128 MiB of them. In a 96 MiB heap the runtime must
     * start fewer at once instead of running out of memory (which ended the driver here).
     */
    @Test
    void manyFilesInFlightOnManyConnectionsFitASmallHeap() throws Exception {
        Path source = tree(256);
        String tuning = "connections: 8\nchannelsInFlight: 8\ntransfer: {filesInFlight: 64}\n";
        try (MinaSftpServer server = server().start(0);
                DriverJvm driver = DriverJvm.start(
                        "sftp",
                        configuration(
                                server, "policy: {authorMaxima: {connections: '8', transfer.filesInFlight: '64'}}\n"),
                        work,
                        List.of("-Xmx96m"))) {
            ArtifactClient client = driver.client();
            assertThat(client.save(source, client.artifact(tuning, "run/many"))).isEqualTo(new Reply(true, ""));
            Path loaded = work.resolve("loaded");
            assertThat(client.load(client.artifact(tuning, "run/many"), loaded)).isEqualTo(new Reply(true, ""));
            for (int i = 0; i < 256; i += 17) {
                assertThat(TestData.sha256(loaded.resolve("f" + i + ".bin")))
                        .isEqualTo(TestData.sha256(source.resolve("f" + i + ".bin")));
            }
            assertThat(server.mostOpenAtOnce()).as("connections used at once").isGreaterThan(2);
        }
    }
}
