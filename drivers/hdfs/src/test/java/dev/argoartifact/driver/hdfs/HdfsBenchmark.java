package dev.argoartifact.driver.hdfs;

import dev.argoartifact.bench.Measure;
import dev.argoartifact.bench.SideBySide;
import dev.argoartifact.conformance.InProcessDriver;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.fs.FileSystem;

/**
 * The hdfs driver against Hadoop's own FileSystem.copyFromLocalFile/copyToLocalFile of the same
 * file to the same MiniDFSCluster, side by side in one run (alternating which goes first); then a
 * directory of small files in parallel against one after another. Run with {@code bin/bench hdfs
 * [MiB] [rounds] [small files]}.
 */
public final class HdfsBenchmark {
    private HdfsBenchmark() {}

    public static void main(String[] args) throws Exception {
        SideBySide.main(args, 3, "hdfs", (work, a) -> run(work, a.sizeMib(), a.rounds(), a.smallFiles()));
    }

    private static void run(Path work, long sizeMib, int rounds, int smallFiles) throws Exception {
        try (MiniHdfs hdfs = MiniHdfs.start(work, 1)) {
            hdfs.directory("/bench", MiniHdfs.USER, "777");
            // The same block size as the baseline's (the cluster configuration's 64 MiB).
            // The operator's configuration; workflows vary only how they transfer, up to these maxima.
            String operator = hdfs.configuration(
                    "/bench", "blockSize: " + (64L << 20), "policy: {authorMaxima: {transfer.maxUnflushedBytes: '0'}}");
            String configuration = "";
            FileSystem hadoop = hdfs.admin();
            try (InProcessDriver driver =
                    new InProcessDriver(new HdfsDriver(), work.resolve("plugin/socket"), operator)) {
                ArtifactClient client = new ArtifactClient(driver.socket(), "hdfs");
                Path source = TestData.write(work.resolve("source.bin"), sizeMib << 20, 3);
                SideBySide bench = SideBySide.titled(
                        rounds,
                        "hdfs driver vs Hadoop's copyFromLocalFile/copyToLocalFile on one MiniDFSCluster (1 DataNode), "
                                + "%d MiB, %d rounds (medians)",
                        sizeMib,
                        rounds);
                bench.run(
                        round -> {
                            org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path("/bench/hadoop-" + round);
                            Measure.syncDisks();
                            long t = System.nanoTime();
                            hadoop.copyFromLocalFile(new org.apache.hadoop.fs.Path(source.toString()), remote);
                            bench.baselineUp.add(Measure.secondsSince(t));
                            Path target = Files.createDirectories(work.resolve("hadoop-in-" + round))
                                    .resolve("a.bin");
                            Measure.syncDisks();
                            t = System.nanoTime();
                            // The raw local filesystem: no .crc side file, the fastest form of the baseline.
                            hadoop.copyToLocalFile(
                                    false, remote, new org.apache.hadoop.fs.Path(target.toString()), true);
                            bench.baselineDown.add(Measure.secondsSince(t));
                            Files.delete(target);
                            hadoop.delete(remote, false);
                        },
                        round -> Measure.driverRound(
                                client, configuration, source, work, round, bench.save, bench.load));
                bench.report(sizeMib, "Hadoop", "Hadoop copyFromLocal", "Hadoop copyToLocal");
                Measure.check(client.save(source, client.artifact(configuration, "flush")));
                Measure.flushedVersusKernelLoads(
                        client, "flush", work, rounds, bytes -> "transfer: {maxUnflushedBytes: " + bytes + "}");
                Measure.check(client.delete(client.artifact(configuration, "flush")));
                if (smallFiles > 0) {
                    Measure.smallFilesSerialVersusParallel(
                            client, work, smallFiles, "transfer: {filesInFlight: 1}", "");
                }
            }
        }
    }
}
