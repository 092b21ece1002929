package dev.argoartifact.driver.sftp;

import dev.argoartifact.images.DriverImageChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterAll;

/** The sftp driver's image against Apache MINA SSHD on the host's loopback (bin/images test). */
class SftpImageIT extends DriverImageChecks {
    private MinaSftpServer server;

    @Override
    protected String driver() {
        return "sftp";
    }

    @Override
    protected long sizeBudgetMegabytes() {
        return 45;
    }

    @Override
    protected String badConfiguration() {
        return "connectTimeout: soon\n";
    }

    @Override
    protected String badConfigurationMessage() {
        return "field 'connectTimeout' expected a duration";
    }

    @Override
    protected String operatorConfiguration() throws Exception {
        if (server == null) {
            Path root =
                    Files.createDirectories(work.resolve("sftp-root/artifacts")).getParent();
            String password = "image-Passw0rd";
            server = new MinaSftpServer(
                            root,
                            SshKeys.generate(work, "host_key"),
                            password,
                            Files.writeString(work.resolve("authorized_keys"), ""))
                    .start(0);
            Path secret = SftpFixture.secretFile(work, "password", password);
            Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
            roundTrip = SftpFixture.configuration(
                    server.port(),
                    MinaSftpServer.USER,
                    "/artifacts",
                    server.knownHostsLine(),
                    "password: {file: " + secret + "}");
        }
        return roundTrip;
    }

    private String roundTrip;

    @AfterAll
    void stopServer() throws Exception {
        if (server != null) {
            server.close();
        }
    }
}
