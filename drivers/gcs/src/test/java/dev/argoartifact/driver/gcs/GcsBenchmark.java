package dev.argoartifact.driver.gcs;

import dev.argoartifact.common.semantics.LocalTree;
import dev.argoartifact.testkit.bench.Measure;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import dev.argoartifact.testkit.client.ArtifactClient;
import dev.argoartifact.testkit.conformance.InProcessDriver;
import dev.argoartifact.testkit.conformance.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The gcs driver's own overhead against the SDK's direct createFrom/downloadTo, both on the same
 * in-process LocalStorageHelper, side by side in one run; and a directory of small files in
 * parallel against one after another. Run with {@code bin/bench gcs [MiB] [rounds] [small files]}.
 */
public final class GcsBenchmark {
  private GcsBenchmark() {}

  public static void main(String[] args) throws Exception {
    long sizeMib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int smallFiles = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    Path work = Files.createTempDirectory("gcs-bench-");
    Storage fake = LocalStorageHelper.getOptions().getService();
    // Single-stream downloads, like the SDK's downloadTo, to measure the driver's own overhead;
    // the parallel ranged download (for real networks) is measured separately below.
    String configuration = "bucket: bench\nbatchDelete: false\ntransfer: {parallelReadThreshold: 1099511627776}\n";
    String ranged = "bucket: bench\nbatchDelete: false\n";
    try (InProcessDriver driver = new InProcessDriver(new GcsDriver(options -> fake), work.resolve("plugin/socket"))) {
      ArtifactClient client = new ArtifactClient(driver.socket(), "gcs");
      Path source = TestData.write(work.resolve("source.bin"), sizeMib << 20, 3);
      System.out.printf(Locale.ROOT, "gcs driver vs the SDK's createFrom/downloadTo on LocalStorageHelper (in process), %d MiB, %d rounds (medians)%n",
          sizeMib, rounds);
      List<Double> sdkUp = new ArrayList<>();
      List<Double> sdkDown = new ArrayList<>();
      List<Double> save = new ArrayList<>();
      List<Double> load = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        boolean driverFirst = round % 2 == 1;
        for (int side = 0; side < 2; side++) {
          if ((side == 0) != driverFirst) {
            BlobId id = BlobId.of("bench", "sdk-" + round);
            Measure.syncDisks();
            long t = System.nanoTime();
            fake.createFrom(BlobInfo.newBuilder(id).build(), source, 16 << 20);
            sdkUp.add(Measure.secondsSince(t));
            Path target = Files.createDirectories(work.resolve("sdk-in-" + round)).resolve("a.bin");
            Measure.syncDisks();
            t = System.nanoTime();
            fake.downloadTo(id, target);
            sdkDown.add(Measure.secondsSince(t));
            Files.delete(target);
            fake.delete(id);
          } else {
            Measure.driverRound(client, configuration, source, work, round, save, load);
          }
          System.gc();
        }
      }
      Measure.row("SDK createFrom", Measure.median(sdkUp), sizeMib, 0, "the SDK");
      Measure.row("SDK downloadTo", Measure.median(sdkDown), sizeMib, 0, "the SDK");
      Measure.row("driver Save", Measure.median(save), sizeMib, Measure.median(sdkUp), "the SDK");
      Measure.row("driver Load", Measure.median(load), sizeMib, Measure.median(sdkDown), "the SDK");
      Measure.check(client.save(source, client.artifact(ranged, "ranged")));
      Path rangedTarget = Files.createDirectories(work.resolve("in-ranged")).resolve("a.tmp");
      long r = System.nanoTime();
      Measure.check(client.load(client.artifact(ranged, "ranged"), rangedTarget));
      System.out.printf(Locale.ROOT, "  (for information: Load in parallel 16 MiB ranges, the default above 64 MiB for real networks: %.2f s)%n", Measure.secondsSince(r));
      Files.delete(rangedTarget);
      Measure.check(client.delete(client.artifact(ranged, "ranged")));

      Measure.smallFilesSerialVersusParallel(client, work, smallFiles, ranged + "transfer: {filesInFlight: 1}\n", ranged);
    } finally {
      LocalTree.delete(work);
    }
  }

}
