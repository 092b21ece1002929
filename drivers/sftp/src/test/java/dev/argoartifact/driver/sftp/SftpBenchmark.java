package dev.argoartifact.driver.sftp;

import dev.argoartifact.bench.DriverJvm;
import dev.argoartifact.bench.Measure;
import dev.argoartifact.bench.Rclone;
import dev.argoartifact.bench.SideBySide;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The sftp driver against OpenSSH's own sftp client, side by side in one run, on one OpenSSH sshd:
 * Save and Load of one large file, and a directory of many small files saved in parallel against
 * the same driver made serial (one file at a time, one channel). Run with {@code bin/bench sftp}.
 */
public final class SftpBenchmark {
    private SftpBenchmark() {}

    public static void main(String[] args) throws Exception {
        SideBySide.main(args, 3, "sftp", SftpBenchmark::run);
    }

    private static void run(Path work, SideBySide.Arguments a) throws Exception {
        long sizeMib = a.sizeMib();
        int rounds = a.rounds();
        int smallFiles = a.smallFiles();
        Path base = Files.createDirectories(work.resolve("server"));
        SshKeys clientKey = SshKeys.generate(work, "client_key");
        Path knownHosts = work.resolve("known_hosts");
        SshKeys hostKey = SshKeys.generate(work, "host_key");
        try (OpenSshServer sshd = new OpenSshServer(work, hostKey, clientKey).start()) {
            int port = a.through(sshd.port()); // both sides reach sshd the same way
            String knownHostsLine = hostKey.knownHostsLine("127.0.0.1", port);
            Files.writeString(knownHosts, knownHostsLine + "\n");
            String configuration = SftpFixture.configuration(
                    port,
                    OpenSshServer.user(),
                    base.toString(),
                    knownHostsLine,
                    "privateKey: {file: " + clientKey.privateKey() + "}");
            // The operator's configuration, with room for the tuning the variants below try.
            String operator = configuration + "policy: {authorMaxima: {bulkRequests: '1024', channelsInFlight: '10', "
                    + "connections: '16', transfer.filesInFlight: '1024'}}\n";
            try (DriverJvm driver = DriverJvm.start("sftp", operator, work, List.of("-Xmx256m"))) {
                ArtifactClient client = driver.client();
                Path source = TestData.write(work.resolve("source.bin"), sizeMib << 20, 5);
                SideBySide bench = SideBySide.titled(
                        rounds,
                        "sftp driver vs OpenSSH sftp (batch mode), OpenSSH sshd %s, %d MiB file, %d rounds (medians)",
                        a.distance(),
                        sizeMib,
                        rounds);
                bench.run(
                        round -> {
                            Path copy = base.resolve("openssh-" + round + ".bin");
                            bench.timeBaselineUp(
                                    () -> sftp(port, clientKey, knownHosts, work, "put " + source + " " + copy));
                            Path fetched = work.resolve("fetched-" + round + ".bin");
                            bench.timeBaselineDown(
                                    () -> sftp(port, clientKey, knownHosts, work, "get " + copy + " " + fetched));
                            Files.delete(fetched);
                            Files.delete(base.resolve("openssh-" + round + ".bin"));
                        },
                        bench.driver(client, driver.pid(), "", source, work));
                bench.report(sizeMib, "OpenSSH", "OpenSSH sftp put", "OpenSSH sftp get");

                // rclone's sftp backend without a remote shell: it would run md5sum over SSH per
                // file, which the driver never does.
                Rclone rclone = new Rclone(Map.of(
                        "type",
                        "sftp",
                        "host",
                        "127.0.0.1",
                        "port",
                        String.valueOf(port),
                        "user",
                        OpenSshServer.user(),
                        "key_file",
                        clientKey.privateKey().toString(),
                        "known_hosts_file",
                        knownHosts.toString(),
                        "shell_type",
                        "none",
                        "disable_hashcheck",
                        "true"));
                Measure.smallFilesAgainstPeer(
                        client,
                        driver.pid(),
                        0,
                        work,
                        a,
                        // Channels on as many connections as files in flight need, as a user would set.
                        n -> "connections: " + ((n + 7) / 8) + "\nchannelsInFlight: " + Math.min(n, 8)
                                + "\ntransfer: {filesInFlight: " + n + "}\n",
                        rclone.directories(base.toString()),
                        a.distance());
                Path tree = Measure.smallFiles(work.resolve("small"), smallFiles);
                for (String variant : System.getProperty("bench.variants", "").split(";")) {
                    if (variant.isBlank()) {
                        continue;
                    }
                    String tuned = variant.replace(":", ": ") + "\n";
                    long v = System.nanoTime();
                    Measure.check(client.save(tree, client.artifact(tuned, "small-" + variant.hashCode())));
                    System.out.printf(
                            Locale.ROOT,
                            "  variant %s: Save %.2f s%n",
                            variant.replace('\n', ' '),
                            Measure.secondsSince(v));
                }
            }
        }
    }

    private static double sftp(int port, SshKeys key, Path knownHosts, Path work, String command) throws Exception {
        Path batch = Files.writeString(work.resolve("batch"), command + "\n");
        long t = System.nanoTime();
        Process p = new ProcessBuilder(
                        "sftp",
                        "-q",
                        "-b",
                        batch.toString(),
                        "-i",
                        key.privateKey().toString(),
                        "-o",
                        "UserKnownHostsFile=" + knownHosts,
                        "-o",
                        "StrictHostKeyChecking=yes",
                        "-o",
                        "BatchMode=yes",
                        "-P",
                        String.valueOf(port),
                        OpenSshServer.user() + "@127.0.0.1")
                .redirectErrorStream(true)
                .start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("sftp failed: " + output);
        }
        return Measure.secondsSince(t);
    }
}
