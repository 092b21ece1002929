package dev.argoartifact.driver.sftp;

import dev.argoartifact.images.DriverImageChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The sftp driver's image against Apache MINA SSHD on the host's loopback (bin/images test). */
class SftpImageIT extends DriverImageChecks {

    SftpImageIT() {
        super("sftp", 45, "connectTimeout: soon\n", "field 'connectTimeout' expected a duration");
    }

    @Override
    protected String startBackend() throws Exception {
        Path root = Files.createDirectories(work.resolve("sftp-root/artifacts")).getParent();
        String password = "image-Passw0rd";
        MinaSftpServer server = closeAfterwards(new MinaSftpServer(
                        root,
                        SshKeys.generate(work, "host_key"),
                        password,
                        Files.writeString(work.resolve("authorized_keys"), ""))
                .start(0));
        Path secret = SftpFixture.secretFile(work, "password", password);
        Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-r--r--"));
        return SftpFixture.configuration(
                server.port(),
                MinaSftpServer.USER,
                "/artifacts",
                server.knownHostsLine(),
                "password: {file: " + secret + "}");
    }
}
