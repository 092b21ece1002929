package dev.argoartifact.driver.sftp;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.argoartifact.conformance.ArtifactDriverConformance;
import dev.argoartifact.conformance.ConformanceFixture;
import java.nio.file.Files;
import java.nio.file.Path;

/** The whole conformance suite against OpenSSH's sshd, with key authentication. */
class SftpOpenSshConformanceTest extends ArtifactDriverConformance {
    @Override
    protected ConformanceFixture createFixture() throws Exception {
        assumeTrue(OpenSshServer.installed(), "OpenSSH's sshd is not installed (.ci/run installs openssh-server)");
        Path work = scratchDirectory("sftp-openssh-");
        Path base = Files.createDirectories(work.resolve("artifacts"));
        SshKeys clientKey = SshKeys.generate(work, "client_key");
        OpenSshServer server = new OpenSshServer(work, SshKeys.generate(work, "host_key"), clientKey).start();
        String configuration = SftpFixture.configuration(
                server.port(),
                OpenSshServer.user(),
                base.toString(),
                server.knownHostsLine(),
                "privateKey: {file: " + clientKey.privateKey() + "}");
        String keyBody = Files.readString(clientKey.privateKey())
                .lines()
                .filter(l -> !l.startsWith("-----"))
                .findFirst()
                .orElseThrow();
        return SftpFixture.fixture(configuration, keyBody, work, server, base);
    }
}
