package dev.argoartifact.driver.hdfs;

import dev.argoartifact.bench.DirectoryPeer;
import dev.argoartifact.bench.DriverJvm;
import dev.argoartifact.bench.Measure;
import dev.argoartifact.bench.SideBySide;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FsShell;
import org.apache.hadoop.security.UserGroupInformation;
import org.apache.hadoop.util.ToolRunner;

/**
 * The hdfs driver against Hadoop's own FileSystem.copyFromLocalFile/copyToLocalFile of the same
 * file to the same MiniDFSCluster, side by side in one run (alternating which goes first); then a
 * directory of small files against Hadoop's shell with its own parallel copy ({@code -put -t 16},
 * {@code -get -t 16}). Both sides run as the same user and reach the NameNode the same way: with
 * {@code --rtt}, through the latency proxy. DataNode traffic stays direct: the NameNode hands out
 * the DataNodes' own addresses, which a client cannot re-point to a proxy port. Run with
 * {@code bin/bench hdfs [MiB] [rounds] [small files] [--rtt MS]}.
 */
public final class HdfsBenchmark {
    private HdfsBenchmark() {}

    public static void main(String[] args) throws Exception {
        SideBySide.main(args, 3, "hdfs", HdfsBenchmark::run);
    }

    private static void run(Path work, SideBySide.Arguments a) throws Exception {
        long sizeMib = a.sizeMib();
        int rounds = a.rounds();
        try (MiniHdfs hdfs = MiniHdfs.start(work, 1)) {
            hdfs.directory("/bench", MiniHdfs.USER, "777");
            int nameNode = a.through(hdfs.port());
            // The same block size as the baseline's (the cluster configuration's 64 MiB).
            // The operator's configuration; workflows vary only how they transfer, up to these maxima.
            String operator = hdfs.configuration(
                            "/bench",
                            "blockSize: " + (64L << 20),
                            "policy: {authorMaxima: {transfer.maxUnflushedBytes: '0', transfer.filesInFlight: '64'}}")
                    .replace("127.0.0.1:" + hdfs.port(), "127.0.0.1:" + nameNode);
            String configuration = "";
            Configuration conf = new Configuration();
            conf.set("fs.defaultFS", "hdfs://127.0.0.1:" + nameNode);
            conf.setLong("dfs.blocksize", 64L << 20);
            conf.set("dfs.client.block.write.replace-datanode-on-failure.policy", "NEVER");
            UserGroupInformation user = UserGroupInformation.createRemoteUser(MiniHdfs.USER);
            FileSystem hadoop =
                    user.doAs((java.security.PrivilegedExceptionAction<FileSystem>) () -> FileSystem.newInstance(conf));
            try (hadoop;
                    DriverJvm driver = DriverJvm.start("hdfs", operator, work, List.of("-Xmx256m"))) {
                ArtifactClient client = driver.client();
                Path source = TestData.write(work.resolve("source.bin"), sizeMib << 20, 3);
                SideBySide bench = SideBySide.titled(
                        rounds,
                        "hdfs driver vs Hadoop's copyFromLocalFile/copyToLocalFile on one MiniDFSCluster (1 DataNode), "
                                + "NameNode %s, %d MiB, %d rounds (medians)",
                        a.distance(),
                        sizeMib,
                        rounds);
                bench.run(
                        round -> {
                            org.apache.hadoop.fs.Path remote = new org.apache.hadoop.fs.Path("/bench/hadoop-" + round);
                            bench.timeBaselineUp(() ->
                                    hadoop.copyFromLocalFile(new org.apache.hadoop.fs.Path(source.toString()), remote));
                            Path target = Files.createDirectories(work.resolve("hadoop-in-" + round))
                                    .resolve("a.bin");
                            // The raw local filesystem: no .crc side file, the fastest form of the baseline.
                            bench.timeBaselineDown(() -> hadoop.copyToLocalFile(
                                    false, remote, new org.apache.hadoop.fs.Path(target.toString()), true));
                            Files.delete(target);
                            hadoop.delete(remote, false);
                        },
                        bench.driver(client, driver.pid(), configuration, source, work));
                bench.report(sizeMib, "Hadoop", "Hadoop copyFromLocal", "Hadoop copyToLocal");
                if (a.roundTrip().isZero()) {
                    Measure.check(client.save(source, client.artifact(configuration, "flush")));
                    Measure.flushedVersusKernelLoads(
                            client, "flush", work, rounds, bytes -> "transfer: {maxUnflushedBytes: " + bytes + "}");
                    Measure.check(client.delete(client.artifact(configuration, "flush")));
                }
                if (a.smallFiles() > 0) {
                    Measure.smallFilesAgainstPeer(
                            client,
                            driver.pid(),
                            ProcessHandle.current().pid(),
                            work,
                            a,
                            n -> "transfer: {filesInFlight: " + n + "}",
                            new HadoopShell(conf, user),
                            "NameNode " + a.distance());
                }
            }
        }
    }

    /** Hadoop's shell, {@code hdfs dfs -put/-get -t N}, run in this JVM as the driver's user. */
    private record HadoopShell(Configuration conf, UserGroupInformation user) implements DirectoryPeer {
        @Override
        public String name() {
            return "hdfs dfs -put/-get";
        }

        @Override
        public String name(int inFlight) {
            return "hdfs dfs -put/-get -t " + inFlight;
        }

        @Override
        public void upload(Path tree, String name, int inFlight) throws Exception {
            shell("-put", "-t", String.valueOf(inFlight), tree.toString(), "/bench/" + name);
        }

        @Override
        public void download(String name, Path target, int inFlight) throws Exception {
            shell("-get", "-t", String.valueOf(inFlight), "/bench/" + name, target.toString());
        }

        private void shell(String... args) throws Exception {
            int exit = user.doAs((java.security.PrivilegedExceptionAction<Integer>)
                    () -> ToolRunner.run(new Configuration(conf), new FsShell(), args));
            if (exit != 0) {
                throw new IOException("hdfs dfs " + String.join(" ", args) + " exited with " + exit);
            }
        }
    }
}
