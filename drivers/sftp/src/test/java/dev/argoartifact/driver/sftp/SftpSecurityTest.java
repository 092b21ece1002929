package dev.argoartifact.driver.sftp;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argoartifact.common.log.JsonLog;
import dev.argoartifact.conformance.InProcessDriver;
import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Authentication, host keys, configuration errors and server-side symlinks, against MINA SSHD. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SftpSecurityTest {
    // Static: JUnit makes it before the @BeforeAll below and removes it after the class.
    @TempDir
    static Path work;

    private Path root;
    private String password;
    private SshKeys clientKey;
    private MinaSftpServer server;
    private InProcessDriver driver;
    private ArtifactClient client;
    private Path file;

    @BeforeAll
    void start() throws Exception {
        root = Files.createDirectories(work.resolve("root"));
        Files.createDirectories(root.resolve("artifacts"));
        password = "Correct-Horse-" + System.nanoTime();
        clientKey = SshKeys.generate(work, "client_key");
        Path authorized = Files.writeString(work.resolve("authorized_keys"), clientKey.typeAndKey() + "\n");
        server = new MinaSftpServer(root, SshKeys.generate(work, "host_key"), password, authorized).start(0);
        // The operator lets each artifact choose how to log in and where under the server to go, so
        // that one driver serves every case below; the server itself (host, port) stays the operator's.
        driver = new InProcessDriver(
                new SftpDriver(),
                work.resolve("plugin/socket"),
                SftpFixture.configuration(
                                server.port(),
                                MinaSftpServer.USER,
                                "/artifacts",
                                server.knownHostsLine(),
                                "password: {file: " + SftpFixture.secretFile(work, "operator-password", password) + "}")
                        + "policy:\n"
                        + "  authorFields: [password, privateKey, passphrase, knownHosts, insecureIgnoreHostKey, basePath]\n"
                        + "  secretSources: {files: [" + work + "], envPrefixes: [KEY]}\n");
        client = new ArtifactClient(driver.socket(), "sftp");
        file = Files.writeString(work.resolve("hello.txt"), "hello");
    }

    @AfterAll
    void stop() throws Exception {
        driver.close();
        server.close();
    }

    /** A workflow's configuration that logs in with {@code auth} alone: the operator's password unset where it is not given. */
    private String config(String auth, String knownHosts) {
        boolean password = auth.contains("password:");
        boolean key = auth.contains("privateKey:");
        String only = password && !key
                ? auth + "\nprivateKey: null"
                : key && !password ? auth + "\npassword: null" : password ? auth : "password: null\nprivateKey: null";
        return SftpFixture.configuration(server.port(), MinaSftpServer.USER, "/artifacts", knownHosts, only);
    }

    private Reply save(String configuration, String key) {
        return client.save(file, client.artifact(configuration, key));
    }

    private String passwordAuth(String value) throws Exception {
        return "password: {file: " + SftpFixture.secretFile(work, "pw-" + value.hashCode(), value) + "}";
    }

    @Test
    void passwordAndKeyAuthenticationBothWork() throws Exception {
        assertThat(save(config(passwordAuth(password), server.knownHostsLine()), "auth/password.txt"))
                .isEqualTo(new Reply(true, ""));
        assertThat(save(
                        config("privateKey: {file: " + clientKey.privateKey() + "}", server.knownHostsLine()),
                        "auth/key.txt"))
                .isEqualTo(new Reply(true, ""));
        assertThat(root.resolve("artifacts/auth/password.txt")).hasContent("hello");
        assertThat(root.resolve("artifacts/auth/key.txt")).hasContent("hello");
    }

    @Test
    void aWrongPasswordFailsClearlyWithoutEchoingIt() throws Exception {
        Reply reply = save(config(passwordAuth("Wrong-Battery-Staple"), server.knownHostsLine()), "auth/x.txt");
        assertThat(reply.success()).isFalse();
        assertThat(reply.error())
                .contains("authentication failed for user 'argo' on 127.0.0.1:" + server.port())
                .contains("check the password")
                .doesNotContain("Wrong-Battery-Staple");
    }

    @Test
    void aWrongKeyFailsClearly() throws Exception {
        SshKeys stranger = SshKeys.generate(work, "stranger_key");
        Reply reply = save(
                config("privateKey: {file: " + stranger.privateKey() + "}", server.knownHostsLine()), "auth/x.txt");
        assertThat(reply.success()).isFalse();
        assertThat(reply.error())
                .contains("authentication failed for user 'argo'")
                .contains("private key");
    }

    @Test
    void anUnknownHostKeyIsRefused() throws Exception {
        SshKeys impostor = SshKeys.generate(work, "impostor_host_key");
        Reply reply =
                save(config(passwordAuth(password), impostor.knownHostsLine("127.0.0.1", server.port())), "auth/x.txt");
        assertThat(reply.success()).isFalse();
        assertThat(reply.error()).contains("the host key of 127.0.0.1:" + server.port() + " does not match knownHosts");
        assertThat(root.resolve("artifacts/auth/x.txt")).doesNotExist();
    }

    @Test
    void knownHostsWithoutThisServerIsAConfigurationError() throws Exception {
        Reply reply = save(
                config(passwordAuth(password), server.knownHostsLine().replace("127.0.0.1", "10.9.9.9")), "auth/x.txt");
        assertThat(reply.error()).contains("field 'knownHosts' has no entry for [127.0.0.1]:" + server.port());
    }

    @Test
    void insecureIgnoreHostKeyWorksAndWarnsOnEveryConnection() throws Exception {
        String insecure = String.join(
                "\n",
                "host: 127.0.0.1",
                "port: " + server.port(),
                "username: argo",
                "basePath: /artifacts",
                passwordAuth(password),
                "knownHosts: null",
                "insecureIgnoreHostKey: true");
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        JsonLog.redirect(new PrintStream(log, true, StandardCharsets.UTF_8));
        try {
            assertThat(save(insecure, "auth/insecure.txt")).isEqualTo(new Reply(true, ""));
        } finally {
            JsonLog.redirect(System.out);
        }
        assertThat(log.toString(StandardCharsets.UTF_8))
                .contains("insecureIgnoreHostKey is set")
                .contains("man-in-the-middle");
    }

    @Test
    void configurationMistakesAreNamed() throws Exception {
        String known = server.knownHostsLine();
        assertThat(save(config("", known), "k").error()).contains("one of 'password' and 'privateKey' is required");
        assertThat(save(config(passwordAuth(password) + "\nprivateKey: {env: KEY}", known), "k")
                        .error())
                .contains("give only one of 'password' and 'privateKey'");
        assertThat(save(config(passwordAuth(password) + "\nchannelsInFlight: 0", known), "k")
                        .error())
                .contains("field 'channelsInFlight' must be between 1 and 10");
        assertThat(save(config(passwordAuth(password) + "\nchannelsInFlight: 9", known), "k")
                        .error())
                .contains("field 'channelsInFlight' may be at most 8 in a workflow's configuration");
        // A workflow cannot open more SSH connections to the server than the operator's default.
        assertThat(save(config(passwordAuth(password) + "\nconnections: 3", known), "k")
                        .error())
                .contains("field 'connections' may be at most 2 in a workflow's configuration");
        assertThat(save(config("password: " + password, known), "k").error())
                .contains("field 'password' must be a secret reference")
                .doesNotContain(password);
        assertThat(save(
                                config(passwordAuth(password), known)
                                        .replace("basePath: /artifacts", "basePath: artifacts"),
                                "k")
                        .error())
                .contains("field 'basePath' must be an absolute path");
    }

    @Test
    void aMissingBasePathIsNamed() throws Exception {
        String configuration = config(passwordAuth(password), server.knownHostsLine())
                .replace("basePath: /artifacts", "basePath: /nowhere");
        Reply reply = save(configuration, "k.txt");
        assertThat(reply.error()).contains("basePath '/nowhere' does not exist on 127.0.0.1:" + server.port());
    }

    @Test
    void symbolicLinksOnTheServerAreNeverFollowed() throws Exception {
        Path outside = Files.createDirectories(work.resolve("outside"));
        Files.writeString(outside.resolve("secret.txt"), "do not serve");
        Files.createDirectories(root.resolve("artifacts/links"));
        Files.createSymbolicLink(root.resolve("artifacts/links/escape"), outside);
        Files.writeString(root.resolve("artifacts/links/real.txt"), "real");
        Files.createSymbolicLink(root.resolve("artifacts/links/file-link.txt"), outside.resolve("secret.txt"));
        String configuration = config(passwordAuth(password), server.knownHostsLine());

        Reply write = save(configuration, "links/escape/planted.txt");
        assertThat(write.success()).isFalse();
        assertThat(write.error()).contains("is a symbolic link, which is never followed");
        assertThat(outside.resolve("planted.txt")).doesNotExist();

        Path target = Files.createDirectories(work.resolve("in")).resolve("a.tmp");
        assertThat(client.load(client.artifact(configuration, "links/escape/secret.txt"), target)
                        .success())
                .isFalse();
        assertThat(client.listObjects(client.artifact(configuration, "links")).objects())
                .containsExactly("links/real.txt");
        assertThat(client.delete(client.artifact(configuration, "links")).success())
                .isTrue();
        assertThat(outside.resolve("secret.txt"))
                .as("deleting removes the link, never its target")
                .hasContent("do not serve");
    }
}
