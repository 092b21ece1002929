package dev.argoartifact.driver.s3;

import dev.argoartifact.bench.DriverJvm;
import dev.argoartifact.bench.Measure;
import dev.argoartifact.bench.Rclone;
import dev.argoartifact.bench.SideBySide;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The s3 driver against rclone (Debian package), side by side in one run, on one S3Proxy: Save and
 * Load of one large file (both with 8 MiB parts, 8 at once), then a directory of small files with
 * 16 in flight each (rclone --transfers 16), and the driver made serial. Run with
 * {@code bin/bench s3}.
 */
public final class S3Benchmark {
    private S3Benchmark() {}

    public static void main(String[] args) throws Exception {
        SideBySide.main(args, 3, "s3", S3Benchmark::run);
    }

    private static void run(Path work, SideBySide.Arguments a) throws Exception {
        long sizeMib = a.sizeMib();
        int rounds = a.rounds();
        int smallFiles = a.smallFiles();
        try (S3ProxyServer server = new S3ProxyServer(work).start();
                S3Client admin = server.admin()) {
            admin.createBucket(r -> r.bucket("bench"));
            String endpoint = "http://127.0.0.1:" + a.through(server.port()); // for both sides
            // The same part size and parts in flight as the driver's defaults.
            Rclone rclone = new Rclone(Map.of(
                    "type", "s3",
                    "provider", "Other",
                    "endpoint", endpoint,
                    "access_key_id", S3ProxyServer.ACCESS_KEY,
                    "secret_access_key", S3ProxyServer.SECRET_KEY,
                    "chunk_size", "8M",
                    "upload_concurrency", "8"));
            Path secret = Files.writeString(work.resolve("secret-access-key"), S3ProxyServer.SECRET_KEY);
            String operator = "endpoint: " + endpoint + "\npathStyle: true\nbucket: bench\naccessKeyId: "
                    + S3ProxyServer.ACCESS_KEY + "\nsecretAccessKey: {file: " + secret + "}\n";
            try (DriverJvm driver = DriverJvm.start("s3", operator, work, List.of("-Xmx256m"))) {
                ArtifactClient client = driver.client();
                Path source = TestData.write(work.resolve("source.bin"), sizeMib << 20, 5);
                SideBySide bench = SideBySide.titled(
                        rounds,
                        "s3 driver vs rclone, S3Proxy (filesystem store) %s, %d MiB file, %d rounds (medians)",
                        a.distance(),
                        sizeMib,
                        rounds);
                bench.run(
                        round -> {
                            Measure.syncDisks();
                            bench.baselineUp.add(
                                    rclone.run("copyto", source.toString(), "remote:bench/rclone-" + round));
                            Path fetched = work.resolve("fetched-" + round + ".bin");
                            Measure.syncDisks();
                            bench.baselineDown.add(
                                    rclone.run("copyto", "remote:bench/rclone-" + round, fetched.toString()));
                            Files.delete(fetched);
                        },
                        round -> Measure.driverRound(client, "", source, work, round, bench.save, bench.load));
                bench.report(sizeMib, "rclone", "rclone copyto (up)", "rclone copyto (down)");

                Measure.smallFilesAgainstPeer(
                        client,
                        driver.pid(),
                        server.pid(),
                        work,
                        smallFiles,
                        "transfer: {filesInFlight: 1}\n",
                        "",
                        rclone.directories("bench"),
                        a.distance());
            }
        }
    }
}
