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
 * parallel against one after another; on loopback only, as the fake is in process. Then over HTTP
 * against the SDK's TransferManager, with {@code --rtt} through the latency proxy: the large file
 * and the small files. Run with {@code bin/bench gcs [MiB] [rounds] [small files] [--rtt MS]}.
 */
public final class GcsBenchmark {
    private GcsBenchmark() {}

    public static void main(String[] args) throws Exception {
        SideBySide.main(args, 3, "gcs", (work, a) -> {
            if (a.rounds() > 0) {
                run(work, a.sizeMib(), a.rounds(), a.roundTrip().isZero() ? a.smallFiles() : 0);
            }
            overHttp(work, a);
        });
    }

    /**
     * The large file, then a directory of small files, over the SDK's real HTTP transport, through
     * the latency proxy when asked, against the SDK's own TransferManager with as many workers as
     * the driver's files in flight (the operator allows workflows up to 64). The server is
     * {@link GcsLoopbackApi} (16 handler threads), the driver its own JVM.
     */
    private static void overHttp(Path work, SideBySide.Arguments a) throws Exception {
        Path dir = Files.createDirectories(work.resolve("http"));
        try (GcsLoopbackApi api = new GcsLoopbackApi(dir.resolve("bucket"))) {
            String endpoint =
                    "http://127.0.0.1:" + a.through(URI.create(api.endpoint()).getPort());
            String operator = api.bucketConfiguration(dir)
                            .replace("endpoint: " + api.endpoint(), "endpoint: " + endpoint)
                            .replace("transfer: {maxAttempts: 1}\n", "")
                    + "policy: {authorMaxima: {transfer.filesInFlight: '64'}}\n";
            StorageOptions options;
            try (InputStream key = Files.newInputStream(dir.resolve(GcsLoopbackApi.BUCKET + "-key.json"))) {
                options = StorageOptions.newBuilder()
                        .setHost(endpoint)
                        .setProjectId("argo-test")
                        .setCredentials(ServiceAccountCredentials.fromStream(key))
                        .build();
            }
            try (DriverJvm driver = DriverJvm.start("gcs", operator, dir, List.of("-Xmx256m"))) {
                largeFileOverHttp(driver.client(), driver.pid(), options, api, dir, a);
                Measure.smallFilesAgainstPeer(
                        driver.client(),
                        driver.pid(),
                        ProcessHandle.current().pid(),
                        dir,
                        a,
                        n -> "transfer: {filesInFlight: " + n + "}\n",
                        new TransferManagerDirectories(options),
                        a.distance());
            }
        }
    }

    /**
     * One large file, the driver with its defaults (XML multipart upload, parallel ranged download)
     * against TransferManager as an expert would set it for one large object: divide-and-conquer
     * (ranged) downloads with as many workers as the driver's parts in flight; its uploads are one
     * resumable stream, as parallel composite uploads need compose, which the loopback API lacks
     * (and which leaves temporary objects in real buckets). The loopback API joins a multipart
     * upload's parts by copying them, which GCS does not do in the client's time: that time is
     * printed, to be read beside the driver's Save.
     */
    private static void largeFileOverHttp(
            ArtifactClient client,
            long driverPid,
            StorageOptions options,
            GcsLoopbackApi api,
            Path dir,
            SideBySide.Arguments a)
            throws Exception {
        if (a.rounds() == 0 || a.sizeMib() == 0) {
            return;
        }
        Path source = TestData.write(dir.resolve("large/large.bin"), a.sizeMib() << 20, 11);
        int workers =
                dev.argoartifact.common.transfer.TransferSettings.defaults().partsPerFile();
        SideBySide bench = SideBySide.titled(
                a.rounds(),
                "gcs driver vs TransferManager (%d workers, divide-and-conquer downloads) over GcsLoopbackApi %s, %d MiB, %d rounds (medians)",
                workers,
                a.distance(),
                a.sizeMib(),
                a.rounds());
        try (TransferManager manager = TransferManagerConfig.newBuilder()
                .setMaxWorkers(workers)
                .setAllowDivideAndConquerDownload(true)
                .setStorageOptions(options)
                .build()
                .getService()) {
            Storage storage = options.getService();
            bench.run(
                    round -> {
                        String name = "tm-" + round;
                        bench.timeBaselineUp(() ->
                                TransferManagerDirectories.upload(manager, List.of(source), source.getParent(), name));
                        Path target = dir.resolve("tm-in-" + round);
                        bench.timeBaselineDown(
                                () -> TransferManagerDirectories.download(manager, storage, name, target));
                        if (round == 0
                                && !TestData.sha256(target.resolve("large.bin")).equals(TestData.sha256(source))) {
                            throw new IOException("TransferManager's download differs");
                        }
                        dev.argoartifact.common.transfer.LocalTree.delete(target);
                        storage.delete(GcsLoopbackApi.BUCKET, name + "/large.bin");
                    },
                    bench.driver(client, driverPid, "", source, dir));
            bench.report(a.sizeMib(), "TransferManager", "TM uploadFiles", "TM downloadBlobs");
            System.out.printf(
                    java.util.Locale.ROOT,
                    "  of the driver's Save, GcsLoopbackApi joining the parts by copying them (GCS does not): %.2f s%n",
                    api.joiningSeconds() / a.rounds());
        }
        Files.delete(source);
    }

    /**
     * The SDK's TransferManager moving a directory with one worker per file in flight: the listing
     * is part of the download, as in a Load.
     */
    private record TransferManagerDirectories(StorageOptions options) implements DirectoryPeer {
        @Override
        public String name() {
            return "TransferManager";
        }

        @Override
        public String name(int inFlight) {
            return "TransferManager, " + inFlight + " workers";
        }

        private TransferManager manager(int workers) {
            return TransferManagerConfig.newBuilder()
                    .setMaxWorkers(workers)
                    .setStorageOptions(options)
                    .build()
                    .getService();
        }

        @Override
        public void upload(Path tree, String name, int inFlight) throws Exception {
            List<Path> files = Measure.filesUnder(tree);
            try (TransferManager manager = manager(inFlight)) {
                upload(manager, files, tree, name);
            }
        }

        private static void upload(TransferManager manager, List<Path> files, Path tree, String name) throws Exception {
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
        public void download(String name, Path target, int inFlight) throws Exception {
            try (TransferManager manager = manager(inFlight)) {
                download(manager, options.getService(), name, target);
            }
        }

        private static void download(TransferManager manager, Storage storage, String name, Path target)
                throws Exception {
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
                        bench.timeBaselineUp(
                                () -> fake.createFrom(BlobInfo.newBuilder(id).build(), source, 16 << 20));
                        Path target = Files.createDirectories(work.resolve("sdk-in-" + round))
                                .resolve("a.bin");
                        bench.timeBaselineDown(() -> fake.downloadTo(id, target));
                        Files.delete(target);
                        fake.delete(id);
                    },
                    bench.driver(client, 0, configuration, source, work));
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
