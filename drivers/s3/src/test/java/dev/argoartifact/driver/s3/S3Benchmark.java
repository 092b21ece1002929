package dev.argoartifact.driver.s3;

import dev.argoartifact.bench.DriverJvm;
import dev.argoartifact.bench.Measure;
import dev.argoartifact.bench.Rclone;
import dev.argoartifact.bench.SideBySide;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.transfer.s3.S3TransferManager;
import software.amazon.awssdk.transfer.s3.model.DownloadFileRequest;
import software.amazon.awssdk.transfer.s3.model.UploadFileRequest;

/**
 * The s3 driver against rclone (Debian package), side by side in one run, on one S3Proxy: Save and
 * Load of one large file (both with 8 MiB parts, 8 at once), then a directory of small files with
 * 16 in flight each (rclone --transfers 16), and the driver made serial; then the large file
 * against the SDK's own S3TransferManager. Run with {@code bin/bench s3 [MiB] [rounds] [small files] [--rtt MS]}.
 */
public final class S3Benchmark {
    private S3Benchmark() {}

    public static void main(String[] args) throws Exception {
        SideBySide.main(args, 3, "s3", S3Benchmark::run);
    }

    private static void run(Path work, SideBySide.Arguments a) throws Exception {
        long sizeMib = a.sizeMib();
        int rounds = a.rounds();
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
                    + S3ProxyServer.ACCESS_KEY + "\nsecretAccessKey: {file: " + secret + "}\n"
                    + "policy: {authorMaxima: {transfer.filesInFlight: '64'}}\n";
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
                            bench.timeBaselineUp(
                                    () -> rclone.run("copyto", source.toString(), "remote:bench/rclone-" + round));
                            Path fetched = work.resolve("fetched-" + round + ".bin");
                            bench.timeBaselineDown(
                                    () -> rclone.run("copyto", "remote:bench/rclone-" + round, fetched.toString()));
                            Files.delete(fetched);
                        },
                        bench.driver(client, driver.pid(), "", source, work));
                bench.report(sizeMib, "rclone", "rclone copyto (up)", "rclone copyto (down)");
                if (a.rounds() > 0) {
                    againstTransferManager(client, driver.pid(), endpoint, source, work, a);
                }

                Measure.smallFilesAgainstPeer(
                        client,
                        driver.pid(),
                        server.pid(),
                        work,
                        a,
                        n -> "transfer: {filesInFlight: " + n + "}\n",
                        rclone.directories("bench"),
                        a.distance());
            }
        }
    }

    /**
     * The same file against the SDK's own S3TransferManager on its Java multipart client (8 MiB
     * parts like the driver's, the client's default concurrency), as an expert would write it for
     * an S3-compatible store (checksums when required). Downloads go through a client without
     * multipart: the multipart one reads by part number, which S3Proxy does not serve (HTTP 501).
     */
    private static void againstTransferManager(
            ArtifactClient client, long driverPid, String endpoint, Path source, Path work, SideBySide.Arguments a)
            throws Exception {
        try (S3AsyncClient multipart = asyncClient(endpoint, true);
                S3AsyncClient plain = asyncClient(endpoint, false);
                S3TransferManager uploads =
                        S3TransferManager.builder().s3Client(multipart).build();
                S3TransferManager downloads =
                        S3TransferManager.builder().s3Client(plain).build()) {
            SideBySide bench = SideBySide.titled(
                    a.rounds(),
                    "s3 driver vs the AWS SDK's S3TransferManager (Java multipart client, 8 MiB parts; one-stream downloads) %s, %d MiB, %d rounds (medians)",
                    a.distance(),
                    a.sizeMib(),
                    a.rounds());
            bench.run(
                    round -> {
                        String key = "sdk-" + round;
                        bench.timeBaselineUp(() -> uploads.uploadFile(UploadFileRequest.builder()
                                        .putObjectRequest(r -> r.bucket("bench").key(key))
                                        .source(source)
                                        .build())
                                .completionFuture()
                                .join());
                        Path fetched = work.resolve("sdk-" + round + ".bin");
                        bench.timeBaselineDown(() -> downloads
                                .downloadFile(DownloadFileRequest.builder()
                                        .getObjectRequest(r -> r.bucket("bench").key(key))
                                        .destination(fetched)
                                        .build())
                                .completionFuture()
                                .join());
                        if (round == 0 && !TestData.sha256(fetched).equals(TestData.sha256(source))) {
                            throw new IllegalStateException("the SDK's download differs");
                        }
                        Files.delete(fetched);
                    },
                    bench.driver(client, driverPid, "", source, work));
            bench.report(a.sizeMib(), "S3TransferManager", "SDK uploadFile", "SDK downloadFile");
        }
    }

    private static S3AsyncClient asyncClient(String endpoint, boolean multipart) {
        return S3AsyncClient.builder()
                .endpointOverride(URI.create(endpoint))
                .forcePathStyle(true)
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)))
                // S3Proxy answers HTTP 501 to the x-amz-mp-object-size header that the multipart
                // client adds to CompleteMultipartUpload, and to aws-chunked bodies.
                .overrideConfiguration(o -> o.addExecutionInterceptor(new ExecutionInterceptor() {
                    @Override
                    public SdkHttpRequest modifyHttpRequest(
                            Context.ModifyHttpRequest context, ExecutionAttributes attributes) {
                        return context.httpRequest().toBuilder()
                                .removeHeader("x-amz-mp-object-size")
                                .build();
                    }
                }))
                .serviceConfiguration(software.amazon.awssdk.services.s3.S3Configuration.builder()
                        .chunkedEncodingEnabled(false)
                        .build())
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .multipartEnabled(multipart)
                .multipartConfiguration(m -> m.minimumPartSizeInBytes(8L << 20).thresholdInBytes(8L << 20))
                .build();
    }
}
