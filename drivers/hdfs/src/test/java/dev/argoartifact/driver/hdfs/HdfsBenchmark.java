package dev.argoartifact.driver.hdfs;

import dev.argoartifact.common.semantics.LocalTree;
import dev.argoartifact.testkit.bench.Measure;
import dev.argoartifact.testkit.client.ArtifactClient;
import dev.argoartifact.testkit.conformance.InProcessDriver;
import dev.argoartifact.testkit.conformance.TestData;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.fs.FileSystem;

/**
 * The hdfs driver against Hadoop's own FileSystem.copyFromLocalFile/copyToLocalFile of the same
 * file to the same MiniDFSCluster, side by side in one run (alternating which goes first); then a
 * directory of small files in parallel against one after another. Run with
 * {@code bin/bench hdfs [MiB] [rounds] [small files]}.
 */
public final class HdfsBenchmark {
  private HdfsBenchmark() {}

  public static void main(String[] args) throws Exception {
    long sizeMib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int smallFiles = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    Path work = Files.createTempDirectory("hdfs-bench-");
    try (MiniHdfs hdfs = MiniHdfs.start(work, 1)) {
      hdfs.directory("/bench", MiniHdfs.USER, "777");
      // The same block size as the baseline's (the cluster configuration's 64 MiB).
      String configuration = hdfs.configuration("/bench", "blockSize: " + (64L << 20));
      FileSystem hadoop = hdfs.admin();
      try (InProcessDriver driver = new InProcessDriver(new HdfsDriver(), work.resolve("plugin/socket"))) {
        ArtifactClient client = new ArtifactClient(driver.socket(), "hdfs");
        Path source = TestData.write(work.resolve("source.bin"), sizeMib << 20, 3);
        System.out.printf(Locale.ROOT, "hdfs driver vs Hadoop's copyFromLocalFile/copyToLocalFile on one MiniDFSCluster (1 DataNode), "
            + "%d MiB, %d rounds (medians)%n", sizeMib, rounds);
        List<Double> hadoopUp = new ArrayList<>();
        List<Double> hadoopDown = new ArrayList<>();
        List<Double> save = new ArrayList<>();
        List<Double> load = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
          boolean driverFirst = round % 2 == 1;
          for (int side = 0; side < 2; side++) {
            if ((side == 0) != driverFirst) {
              org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path("/bench/hadoop-" + round);
              Measure.syncDisks();
              long t = System.nanoTime();
              hadoop.copyFromLocalFile(new org.apache.hadoop.fs.Path(source.toString()), remote);
              hadoopUp.add(Measure.secondsSince(t));
              Path target = Files.createDirectories(work.resolve("hadoop-in-" + round)).resolve("a.bin");
              Measure.syncDisks();
              t = System.nanoTime();
              // The raw local filesystem: no .crc side file, the fastest form of the baseline.
              hadoop.copyToLocalFile(false, remote, new org.apache.hadoop.fs.Path(target.toString()), true);
              hadoopDown.add(Measure.secondsSince(t));
              Files.delete(target);
              hadoop.delete(remote, false);
            } else {
              Measure.driverRound(client, configuration, source, work, round, save, load);
            }
            System.gc();
          }
        }
        Measure.row("Hadoop copyFromLocal", Measure.median(hadoopUp), sizeMib, 0, "Hadoop");
        Measure.row("Hadoop copyToLocal", Measure.median(hadoopDown), sizeMib, 0, "Hadoop");
        Measure.row("driver Save", Measure.median(save), sizeMib, Measure.median(hadoopUp), "Hadoop");
        Measure.row("driver Load", Measure.median(load), sizeMib, Measure.median(hadoopDown), "Hadoop");
        if (smallFiles > 0) {
          Measure.smallFilesSerialVersusParallel(client, work, smallFiles,
              configuration.replace("transfer: {", "transfer: {filesInFlight: 1, "), configuration);
        }
      }
    } finally {
      LocalTree.delete(work);
    }
  }
}
