package dev.argoartifact.driver.hdfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argoartifact.common.storage.StagedWrites;
import dev.argoartifact.conformance.InProcessDriver;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.hdfs.MiniDFSCluster.DataNodeProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The only DataNode stops in the middle of a write, then comes back. */
class HdfsFaultTest {
    @TempDir
    Path work;

    private static List<String> names(MiniHdfs hdfs, String dir) throws Exception {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir);
        if (!hdfs.admin().exists(p)) {
            return List.of();
        }
        return Arrays.stream(hdfs.admin().listStatus(p))
                .map(FileStatus::getPath)
                .map(org.apache.hadoop.fs.Path::getName)
                .sorted()
                .toList();
    }

    @Test
    void aDataNodeStoppedMidWriteGivesAClearErrorNothingUnderTheKeyAndARetrySucceeds() throws Exception {
        try (MiniHdfs hdfs = MiniHdfs.start(work, 1)) {
            hdfs.directory("/artifacts", MiniHdfs.USER, "755");
            String configuration = hdfs.configuration("/artifacts");
            Path big = TestData.write(work.resolve("big.bin"), 512L << 20, 7);
            String staging = "/artifacts/" + StagedWrites.DIRECTORY;
            try (InProcessDriver driver =
                    new InProcessDriver(new HdfsDriver(), work.resolve("plugin/socket"), configuration)) {
                ArtifactClient client = new ArtifactClient(driver.socket(), "hdfs");
                CompletableFuture<Reply> upload =
                        CompletableFuture.supplyAsync(() -> client.save(big, client.artifact("", "run/big.bin")));

                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline && names(hdfs, staging).isEmpty()) {
                    Thread.sleep(5);
                }
                assertThat(names(hdfs, staging)).as("the upload is staged").hasSize(1);
                Thread.sleep(200); // well into the first blocks
                long stoppedAt = System.nanoTime();
                DataNodeProperties dataNode = hdfs.cluster.stopDataNode(0);

                Reply failed = upload.get(120, TimeUnit.SECONDS);
                Duration failedAfter = Duration.ofNanos(System.nanoTime() - stoppedAt);
                assertThat(failed.success()).isFalse();
                assertThat(failed.error())
                        .contains("/artifacts/run/big.bin")
                        .contains("hdfs://127.0.0.1:" + hdfs.port())
                        .doesNotContain("\tat ");
                assertThat(failedAfter).as("fails within a bounded time").isLessThan(Duration.ofSeconds(60));
                assertThat(names(hdfs, "/artifacts/run"))
                        .as("nothing under the final key")
                        .isEmpty();
                assertThat(names(hdfs, staging)).as("no temporary file left").isEmpty();

                assertThat(hdfs.cluster.restartDataNode(dataNode, true)).isTrue();
                hdfs.cluster.waitActive();
                assertThat(client.save(big, client.artifact("", "run/big.bin"))).isEqualTo(new Reply(true, ""));
                assertThat(names(hdfs, "/artifacts/run")).containsExactly("big.bin");
                Path back = Files.createDirectories(work.resolve("in")).resolve("big.bin");
                assertThat(client.load(client.artifact("", "run/big.bin"), back))
                        .isEqualTo(new Reply(true, ""));
                assertThat(TestData.sha256(back)).isEqualTo(TestData.sha256(big));
            }
        }
    }
}
