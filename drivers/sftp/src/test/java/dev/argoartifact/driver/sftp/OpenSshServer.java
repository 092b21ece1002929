package dev.argoartifact.driver.sftp;

import dev.argoartifact.conformance.LocalPorts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * OpenSSH's sshd (Debian openssh-server, installed by .ci/run) as a plain process on a loopback
 * port with its own configuration, host key and authorized key, serving SFTP with internal-sftp.
 */
final class OpenSshServer implements AutoCloseable {
    static final Path SSHD = Path.of("/usr/sbin/sshd");

    private final Path dir;
    private final SshKeys hostKey;
    private final int port;
    private Process process;

    OpenSshServer(Path dir, SshKeys hostKey, SshKeys clientKey) throws IOException {
        this.dir = dir;
        this.hostKey = hostKey;
        this.port = LocalPorts.free();
        Files.writeString(dir.resolve("authorized_keys"), clientKey.typeAndKey() + "\n");
        Files.writeString(
                dir.resolve("sshd_config"),
                String.join(
                        "\n",
                        "Port " + port,
                        "ListenAddress 127.0.0.1",
                        "HostKey " + hostKey.privateKey(),
                        "PidFile " + dir.resolve("sshd.pid"),
                        "AuthorizedKeysFile " + dir.resolve("authorized_keys"),
                        "StrictModes no",
                        "UsePAM no",
                        "PasswordAuthentication no",
                        "KbdInteractiveAuthentication no",
                        "PubkeyAuthentication yes",
                        "PermitRootLogin prohibit-password",
                        "Subsystem sftp internal-sftp",
                        "MaxSessions 10",
                        "LogLevel ERROR",
                        ""));
    }

    static boolean installed() {
        return Files.isExecutable(SSHD);
    }

    OpenSshServer start() throws IOException, InterruptedException {
        // sshd insists on its privilege-separation directory even when run like this.
        Files.createDirectories(Path.of("/run/sshd"));
        process = LocalPorts.startListening(
                java.util.List.of(
                        SSHD.toString(),
                        "-D",
                        "-e",
                        "-f",
                        dir.resolve("sshd_config").toString()),
                dir.resolve("sshd.log"),
                port,
                java.time.Duration.ofSeconds(10),
                "sshd");
        return this;
    }

    int port() {
        return port;
    }

    String knownHostsLine() {
        return hostKey.knownHostsLine("127.0.0.1", port);
    }

    static String user() {
        return System.getProperty("user.name");
    }

    @Override
    public void close() throws InterruptedException {
        if (process != null) {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }
    }
}
