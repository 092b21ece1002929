package dev.argoartifact.driver.gcs;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import dev.argoartifact.bench.Measure;
import dev.argoartifact.bench.SideBySide;
import dev.argoartifact.conformance.InProcessDriver;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The gcs driver's own overhead against the SDK's direct createFrom/downloadTo, both on the same
 * in-process LocalStorageHelper, side by side in one run; and a directory of small files in
 * parallel against one after another. Run with {@code bin/bench gcs [MiB] [rounds] [small files]}.
 */
public final class GcsBenchmark {
    private GcsBenchmark() {}

    public static void main(String[] args) throws Exception {
        SideBySide.main(args, 3, "gcs", (work, a) -> run(work, a.sizeMib(), a.rounds(), a.smallFiles()));
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

            Measure.smallFilesSerialVersusParallel(
                    client, work, smallFiles, ranged + "transfer: {filesInFlight: 1}\n", ranged);
        }
    }
}
