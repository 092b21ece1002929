package dev.argoartifact.driver.sftp;

import dev.argoartifact.conformance.InProcessFixture;
import dev.argoartifact.conformance.LocalDirectoryBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Configurations of the sftp driver for a running SFTP server, and its conformance fixture. */
final class SftpFixture {
    private SftpFixture() {}

    /** YAML for a server on 127.0.0.1 with the given auth lines. */
    static String configuration(int port, String user, String basePath, String knownHostsLine, String auth) {
        return String.join(
                "\n",
                "host: 127.0.0.1",
                "port: " + port,
                "username: " + user,
                "basePath: " + basePath,
                auth,
                "knownHosts: \"" + knownHostsLine + "\"",
                "readTimeout: 10s",
                "transfer: {maxAttempts: 3, initialBackoff: 100ms, maxBackoff: 1s}",
                "");
    }

    static Path secretFile(Path dir, String name, String value) throws IOException {
        return Files.writeString(dir.resolve(name), value);
    }

    /** {@code base}: the local directory the server shows at basePath. */
    static InProcessFixture fixture(String configuration, String secret, Path work, AutoCloseable server, Path base)
            throws IOException {
        return InProcessFixture.builder(new SftpDriver(), work)
                .operatorConfiguration(configuration)
                .backend(new LocalDirectoryBackend(base))
                .requiredFields("host", "username", "basePath", "knownHosts")
                .hostileDestination("port: {port}")
                .secretValues(secret)
                .closeAfterwards(server)
                .build();
    }
}
