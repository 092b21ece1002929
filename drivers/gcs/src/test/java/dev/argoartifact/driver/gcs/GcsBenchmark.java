package dev.argoartifact.driver.gcs;

import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.google.cloud.storage.transfermanager.DownloadJob;
import com.google.cloud.storage.transfermanager.DownloadResult;
import com.google.cloud.storage.transfermanager.ParallelDownloadConfig;
import com.google.cloud.storage.transfermanager.ParallelUploadConfig;
import com.google.cloud.storage.transfermanager.TransferManager;
import com.google.cloud.storage.transfermanager.TransferManagerConfig;
import com.google.cloud.storage.transfermanager.TransferStatus;
import com.google.cloud.storage.transfermanager.UploadJob;
import com.google.cloud.storage.transfermanager.UploadResult;
import dev.argoartifact.bench.DirectoryPeer;
import dev.argoartifact.bench.DriverJvm;
import dev.argoartifact.bench.Measure;
import dev.argoartifact.bench.SideBySide;
import dev.argoartifact.conformance.InProcessDriver;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The gcs driver's own overhead against the SDK's direct createFrom/downloadTo, both on the same
 * in-process LocalStorageHelper, side by side in one run; and a directory of small files in
 * parallel against one after another; on loopback only, as the fake is in process. Then the small
 * files over HTTP against the SDK's TransferManager, with {@code --rtt} through the latency proxy.
 * Run with {@code bin/bench gcs [MiB] [rounds] [small files] [--rtt MS]}.
 */
public final class GcsBenchmark {
    private GcsBenchmark() {}

    public static void main(String[] args) throws Exception {
        SideBySide.main(args, 3, "gcs", (work, a) -> {
            run(work, a.sizeMib(), a.rounds(), a.rounds() > 0 && a.roundTrip().isZero() ? a.smallFiles() : 0);
            if (a.smallFiles() > 0) {
                smallFilesOverHttp(work, a);
            }
        });
    }

    /**
     * A directory of small files over the SDK's real HTTP transport, through the latency proxy
     * when asked, against the SDK's own TransferManager with as many workers as the driver's files
     * in flight. The server is {@link GcsLoopbackApi} (16 handler threads), the driver its own JVM.
     */
    private static void smallFilesOverHttp(Path work, SideBySide.Arguments a) throws Exception {
        Path dir = Files.createDirectories(work.resolve("http"));
        try (GcsLoopbackApi api = new GcsLoopbackApi(dir.resolve("bucket"))) {
            String endpoint =
                    "http://127.0.0.1:" + a.through(URI.create(api.endpoint()).getPort());
            String operator = api.bucketConfiguration(dir)
                    .replace("endpoint: " + api.endpoint(), "endpoint: " + endpoint)
                    .replace("transfer: {maxAttempts: 1}\n", "");
            StorageOptions options;
            try (InputStream key = Files.newInputStream(dir.resolve(GcsLoopbackApi.BUCKET + "-key.json"))) {
                options = StorageOptions.newBuilder()
                        .setHost(endpoint)
                        .setProjectId("argo-test")
                        .setCredentials(ServiceAccountCredentials.fromStream(key))
                        .build();
            }
            try (DriverJvm driver = DriverJvm.start("gcs", operator, dir, List.of("-Xmx256m"));
                    TransferManager manager = TransferManagerConfig.newBuilder()
                            .setMaxWorkers(16)
                            .setStorageOptions(options)
                            .build()
                            .getService()) {
                Measure.smallFilesAgainstPeer(
                        driver.client(),
                        driver.pid(),
                        ProcessHandle.current().pid(),
                        dir,
                        a.smallFiles(),
                        "transfer: {filesInFlight: 1}\n",
                        "",
                        new TransferManagerDirectories(manager, options.getService()),
                        a.distance());
            }
        }
    }

    /** The SDK's TransferManager moving a directory: the listing is part of the download, as in a Load. */
    private record TransferManagerDirectories(TransferManager manager, Storage storage) implements DirectoryPeer {
        @Override
        public String name() {
            return "TransferManager, 16 workers";
        }

        @Override
        public void upload(Path tree, String name) throws Exception {
            List<Path> files = Measure.filesUnder(tree);
            UploadJob job = manager.uploadFiles(
                    files,
                    ParallelUploadConfig.newBuilder()
                            .setBucketName(GcsLoopbackApi.BUCKET)
                            .setUploadBlobInfoFactory((bucket, file) -> BlobInfo.newBuilder(
                                            bucket, name + "/" + tree.relativize(Path.of(file)))
                                    .build())
                            .build());
            for (UploadResult result : job.getUploadResults()) {
                if (result.getStatus() != TransferStatus.SUCCESS) {
                    throw new IOException("TransferManager upload failed: " + result.getException());
                }
            }
        }

        @Override
        public void download(String name, Path target) throws Exception {
            List<BlobInfo> blobs = new ArrayList<>();
            storage.list(GcsLoopbackApi.BUCKET, Storage.BlobListOption.prefix(name + "/"))
                    .iterateAll()
                    .forEach(blobs::add);
            DownloadJob job = manager.downloadBlobs(
                    blobs,
                    ParallelDownloadConfig.newBuilder()
                            .setBucketName(GcsLoopbackApi.BUCKET)
                            .setDownloadDirectory(target)
                            .setStripPrefix(name + "/")
                            .build());
            for (DownloadResult result : job.getDownloadResults()) {
                if (result.getStatus() != TransferStatus.SUCCESS) {
                    throw new IOException("TransferManager download failed: " + result.getException());
                }
            }
        }
    }

    /** Below one part (256 MiB): such an object goes in one request, the only upload the fake serves. */
    private static final long ONE_PART_MIB = 255;

    private static void run(Path work, long requestedMib, int rounds, int smallFiles) throws Exception {
        // LocalStorageHelper has no XML API, so it cannot take the multipart uploads the driver
        // uses above one part: larger objects are measured at one part's size.
        long sizeMib = Math.min(requestedMib, ONE_PART_MIB);
        if (sizeMib < requestedMib) {
            System.out.printf(
                    "note: %d MiB instead of %d: the in-process fake has no XML multipart API%n",
                    sizeMib, requestedMib);
        }
        Storage fake = LocalStorageHelper.getOptions().getService();
        // Single-stream downloads, like the SDK's downloadTo, to measure the driver's own overhead;
        // the parallel ranged download (for real networks) is measured separately below.
        // The operator's bucket; workflows tune how they transfer, up to these maxima.
        String operator = "bucket: bench\nbatchDelete: false\npartSize: 268435456\n"
                + "policy: {authorMaxima: {transfer.parallelReadThreshold: '1099511627776', transfer.maxUnflushedBytes: '0'}}\n";
        String configuration = "transfer: {parallelReadThreshold: 1099511627776}\n";
        String ranged = "";
        try (InProcessDriver driver =
                new InProcessDriver(new GcsDriver(options -> fake), work.resolve("plugin/socket"), operator)) {
            ArtifactClient client = new ArtifactClient(driver.socket(), "gcs");
            Path source = TestData.write(work.resolve("source.bin"), sizeMib << 20, 3);
            SideBySide bench = SideBySide.titled(
                    rounds,
                    "gcs driver vs the SDK's createFrom/downloadTo on LocalStorageHelper (in process), %d MiB, %d rounds (medians)",
                    sizeMib,
                    rounds);
            bench.run(
                    round -> {
                        BlobId id = BlobId.of("bench", "sdk-" + round);
                        Measure.syncDisks();
                        long t = System.nanoTime();
                        fake.createFrom(BlobInfo.newBuilder(id).build(), source, 16 << 20);
                        bench.baselineUp.add(Measure.secondsSince(t));
                        Path target = Files.createDirectories(work.resolve("sdk-in-" + round))
                                .resolve("a.bin");
                        Measure.syncDisks();
                        t = System.nanoTime();
                        fake.downloadTo(id, target);
                        bench.baselineDown.add(Measure.secondsSince(t));
                        Files.delete(target);
                        fake.delete(id);
                    },
                    round -> Measure.driverRound(client, configuration, source, work, round, bench.save, bench.load));
            bench.report(sizeMib, "the SDK", "SDK createFrom", "SDK downloadTo");
            Measure.check(client.save(source, client.artifact(ranged, "ranged")));
            // In parallel 16 MiB ranges, the default above 64 MiB.
            Measure.flushedVersusKernelLoads(
                    client, "ranged", work, rounds, bytes -> ranged + "transfer: {maxUnflushedBytes: " + bytes + "}\n");
            Measure.check(client.delete(client.artifact(ranged, "ranged")));

            if (smallFiles > 0) {
                Measure.smallFilesSerialVersusParallel(
                        client, work, smallFiles, ranged + "transfer: {filesInFlight: 1}\n", ranged);
            }
        }
    }
}
