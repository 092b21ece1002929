package dev.argoartifact.driver.gcs;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import dev.argoartifact.testkit.client.ArtifactClient;
import dev.argoartifact.testkit.client.ArtifactClient.Reply;
import dev.argoartifact.testkit.conformance.InProcessDriver;
import dev.argoartifact.testkit.conformance.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

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
            sync();
            long t = System.nanoTime();
            fake.createFrom(BlobInfo.newBuilder(id).build(), source, 16 << 20);
            sdkUp.add(seconds(t));
            Path target = Files.createDirectories(work.resolve("sdk-in-" + round)).resolve("a.bin");
            sync();
            t = System.nanoTime();
            fake.downloadTo(id, target);
            sdkDown.add(seconds(t));
            Files.delete(target);
            fake.delete(id);
          } else {
            sync();
            long t = System.nanoTime();
            check(client.save(source, client.artifact(configuration, "driver-" + round)));
            save.add(seconds(t));
            Path target = Files.createDirectories(work.resolve("in-" + round)).resolve("a.tmp");
            sync();
            t = System.nanoTime();
            check(client.load(client.artifact(configuration, "driver-" + round), target));
            load.add(seconds(t));
            if (round == 0 && !TestData.sha256(target).equals(TestData.sha256(source))) {
              throw new IOException("loaded file differs");
            }
            Files.delete(target);
            check(client.delete(client.artifact(configuration, "driver-" + round)));
          }
          System.gc();
        }
      }
      row("SDK createFrom", median(sdkUp), sizeMib, 0);
      row("SDK downloadTo", median(sdkDown), sizeMib, 0);
      row("driver Save", median(save), sizeMib, median(sdkUp));
      row("driver Load", median(load), sizeMib, median(sdkDown));
      check(client.save(source, client.artifact(ranged, "ranged")));
      Path rangedTarget = Files.createDirectories(work.resolve("in-ranged")).resolve("a.tmp");
      long r = System.nanoTime();
      check(client.load(client.artifact(ranged, "ranged"), rangedTarget));
      System.out.printf(Locale.ROOT, "  (for information: Load in parallel 16 MiB ranges, the default above 64 MiB for real networks: %.2f s)%n", seconds(r));
      Files.delete(rangedTarget);
      check(client.delete(client.artifact(ranged, "ranged")));

      Path tree = work.resolve("small");
      for (int i = 0; i < smallFiles; i++) {
        TestData.write(tree.resolve("d" + (i % 20)).resolve("f" + i + ".bin"), 16 * 1024, i);
      }
      String serial = ranged + "transfer: {filesInFlight: 1}\n";
      long t = System.nanoTime();
      check(client.save(tree, client.artifact(serial, "small-serial")));
      double serialSave = seconds(t);
      t = System.nanoTime();
      check(client.save(tree, client.artifact(ranged, "small-parallel")));
      double parallelSave = seconds(t);
      t = System.nanoTime();
      check(client.load(client.artifact(serial, "small-serial"), work.resolve("small-serial-in")));
      double serialLoad = seconds(t);
      t = System.nanoTime();
      check(client.load(client.artifact(ranged, "small-parallel"), work.resolve("small-parallel-in")));
      double parallelLoad = seconds(t);
      System.out.printf(Locale.ROOT, "  %d files of 16 KiB: Save one after another %.2f s, in parallel %.2f s: %.1fx; "
          + "Load one after another %.2f s, in parallel %.2f s: %.1fx%n",
          smallFiles, serialSave, parallelSave, serialSave / parallelSave, serialLoad, parallelLoad, serialLoad / parallelLoad);
    } finally {
      try (Stream<Path> s = Files.walk(work)) {
        for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  /** Flushes dirty pages (untimed), so neither side pays for the other's writes. */
  private static void sync() throws IOException, InterruptedException {
    new ProcessBuilder("sync").inheritIO().start().waitFor();
  }

  private static void row(String name, double seconds, long mib, double baseline) {
    System.out.printf(Locale.ROOT, "  %-16s %6.2f s  %6.0f MiB/s%s%n", name, seconds, mib / seconds,
        baseline > 0 ? String.format(Locale.ROOT, "   ratio to the SDK %.2f", baseline / seconds) : "");
  }

  private static void check(Reply reply) throws IOException {
    if (!reply.success()) {
      throw new IOException(reply.error());
    }
  }

  private static double seconds(long start) {
    return (System.nanoTime() - start) / 1e9;
  }

  private static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }
}
