package dev.argoartifact.driver.sftp;

import dev.argoartifact.conformance.ArtifactDriverConformance;
import dev.argoartifact.conformance.ConformanceFixture;
import java.nio.file.Files;
import java.nio.file.Path;

/** The whole conformance suite against Apache MINA SSHD, with password authentication. */
class SftpMinaConformanceTest extends ArtifactDriverConformance {
    @Override
    protected ConformanceFixture createFixture() throws Exception {
        Path work = scratchDirectory("sftp-mina-");
        Path root = Files.createDirectories(work.resolve("server-root"));
        Files.createDirectories(root.resolve("artifacts"));
        String password = "mina-Passw0rd-" + System.nanoTime();
        MinaSftpServer server = new MinaSftpServer(
                        root,
                        SshKeys.generate(work, "host_key"),
                        password,
                        Files.writeString(work.resolve("authorized_keys"), ""))
                .start(0);
        Path passwordFile = SftpFixture.secretFile(work, "password", password + "\n");
        String configuration = SftpFixture.configuration(
                server.port(),
                MinaSftpServer.USER,
                "/artifacts",
                server.knownHostsLine(),
                "password: {file: " + passwordFile + "}");
        return SftpFixture.fixture(configuration, password, work, server, root.resolve("artifacts"));
    }
}
