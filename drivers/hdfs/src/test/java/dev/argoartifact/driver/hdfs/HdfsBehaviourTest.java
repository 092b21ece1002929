package dev.argoartifact.driver.hdfs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.argoartifact.common.config.ConfigurationBinder;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.AtomicWrite;
import dev.argoartifact.common.storage.ObjectInfo;
import dev.argoartifact.common.storage.StagedWrites;
import dev.argoartifact.conformance.InProcessDriver;
import dev.argoartifact.conformance.LocalPorts;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the hdfs driver adds beyond the shared semantics, against one MiniDFSCluster. */
class HdfsBehaviourTest {
    @TempDir
    static Path work;

    static MiniHdfs hdfs;
    private final ConfigurationBinder<HdfsConfiguration> binder = new ConfigurationBinder<>(HdfsConfiguration.class);

    @BeforeAll
    static void start() throws Exception {
        hdfs = MiniHdfs.start(work, 1);
        hdfs.directory("/artifacts", MiniHdfs.USER, "755");
        hdfs.directory("/locked", "someone-else", "755");
    }

    @AfterAll
    static void stop() {
        if (hdfs != null) {
            hdfs.close();
        }
    }

    private ArtifactStorage open(String yaml) throws Exception {
        return new HdfsDriver().open(binder.bind(yaml), (field, ref) -> {
            throw new AssertionError("no secret expected");
        });
    }

    @Test
    void filesAndDirectoriesAreOwnedByTheConfiguredUser() throws Exception {
        Path dir = Files.createDirectories(work.resolve("owned"));
        TestData.write(dir.resolve("a.txt"), 10, 1);
        TestData.write(Files.createDirectories(dir.resolve("sub")).resolve("b.txt"), 10, 2);
        try (InProcessDriver driver =
                new InProcessDriver(new HdfsDriver(), work.resolve("p1/socket"), hdfs.configuration("/artifacts"))) {
            ArtifactClient client = new ArtifactClient(driver.socket(), "hdfs");
            assertThat(client.save(dir, client.artifact("", "owned/run"))).isEqualTo(new Reply(true, ""));
        }
        for (String p : List.of(
                "/artifacts/owned",
                "/artifacts/owned/run/a.txt",
                "/artifacts/owned/run/sub",
                "/artifacts/owned/run/sub/b.txt")) {
            FileStatus status = hdfs.admin().getFileStatus(new org.apache.hadoop.fs.Path(p));
            assertThat(status.getOwner()).as(p).isEqualTo(MiniHdfs.USER);
        }
    }

    @Test
    void aDirectoryTheUserMayNotWriteGivesAPermissionError() throws Exception {
        Path file = TestData.write(work.resolve("denied.bin"), 100, 3);
        try (InProcessDriver driver =
                new InProcessDriver(new HdfsDriver(), work.resolve("p2/socket"), hdfs.configuration("/locked"))) {
            ArtifactClient client = new ArtifactClient(driver.socket(), "hdfs");
            Reply reply = client.save(file, client.artifact("", "x/denied.bin"));
            assertThat(reply.success()).isFalse();
            assertThat(reply.error())
                    .contains("/locked/x/denied.bin")
                    .contains("permission denied")
                    .contains("hdfs://127.0.0.1:" + hdfs.port())
                    .doesNotContain("\tat ");
        }
        assertThat(hdfs.admin().listStatus(new org.apache.hadoop.fs.Path("/locked")))
                .isEmpty();
    }

    @Test
    void writesInProgressAreInvisibleAndAnAbortLeavesNothing() throws Exception {
        try (ArtifactStorage storage = open(hdfs.configuration("/artifacts"))) {
            try (AtomicWrite write = storage.startWrite("inprogress/file.bin")) {
                try (OutputStream out = write.stream()) {
                    out.write("partial".getBytes(StandardCharsets.UTF_8));
                }
                org.apache.hadoop.fs.Path staging =
                        new org.apache.hadoop.fs.Path("/artifacts/" + StagedWrites.DIRECTORY);
                assertThat(hdfs.admin().listStatus(staging))
                        .as("the write is staged")
                        .hasSize(1);
                assertThat(hdfs.admin().getFileStatus(staging).getPermission().toShort())
                        .as("open to every writer, like /tmp")
                        .isEqualTo((short) 01777);
                List<ObjectInfo> listed = new ArrayList<>();
                storage.list("", o -> listed.add(o));
                assertThat(listed)
                        .as("the staged file is not an artifact")
                        .extracting(ObjectInfo::key)
                        .noneMatch(k -> k.contains("staging"));
                assertThat(storage.stat("inprogress/file.bin")).isEmpty();
                assertThat(hdfs.admin().exists(new org.apache.hadoop.fs.Path("/artifacts/inprogress/file.bin")))
                        .isFalse();
            }
            assertThat(hdfs.admin().listStatus(new org.apache.hadoop.fs.Path("/artifacts/" + StagedWrites.DIRECTORY)))
                    .as("abort removes it")
                    .isEmpty();
            assertThatThrownBy(() -> storage.startWrite("inprogress/x._COPYING_"))
                    .hasMessageContaining("gives writes in progress");
        }
    }

    @Test
    void aSecondNameNodeAddressIsUsedWhenTheFirstIsDown() throws Exception {
        int dead = LocalPorts.free();
        String yaml = "addresses: [\"127.0.0.1:"
                + dead
                + "\", \"127.0.0.1:"
                + hdfs.port()
                + "\"]\n"
                + "basePath: /artifacts\nuser: argo\ntimeout: 5s\n";
        Path file = TestData.write(work.resolve("ha.bin"), 5000, 4);
        try (InProcessDriver driver = new InProcessDriver(new HdfsDriver(), work.resolve("p3/socket"), yaml)) {
            ArtifactClient client = new ArtifactClient(driver.socket(), "hdfs");
            assertThat(client.save(file, client.artifact("", "ha/file.bin"))).isEqualTo(new Reply(true, ""));
            Path back = Files.createDirectories(work.resolve("ha-back")).resolve("file.bin");
            assertThat(client.load(client.artifact("", "ha/file.bin"), back)).isEqualTo(new Reply(true, ""));
            assertThat(TestData.sha256(back)).isEqualTo(TestData.sha256(file));
        }
    }

    @Test
    void anUnreachableNameNodeGivesAClearErrorQuickly() throws Exception {
        int dead = LocalPorts.free();
        String yaml = "addresses: [\"127.0.0.1:"
                + dead
                + "\"]\nbasePath: /artifacts\nuser: argo\ntimeout: 5s\n"
                + "transfer: {maxAttempts: 2, initialBackoff: 100ms, maxBackoff: 200ms}\n";
        try (InProcessDriver driver = new InProcessDriver(new HdfsDriver(), work.resolve("p4/socket"), yaml)) {
            ArtifactClient client = new ArtifactClient(driver.socket(), "hdfs");
            long started = System.nanoTime();
            Reply reply = client.delete(client.artifact("", "anything"));
            assertThat(reply.success()).isFalse();
            assertThat(reply.error()).contains("hdfs://127.0.0.1:" + dead).containsIgnoringCase("connection refused");
            assertThat((System.nanoTime() - started) / 1_000_000)
                    .as("milliseconds")
                    .isLessThan(30_000);
        }
    }

    @Test
    void newFilesTakeTheConfiguredReplicationAndBlockSize() throws Exception {
        try (ArtifactStorage storage = open(hdfs.configuration("/artifacts", "replication: 1", "blockSize: 2097152"))) {
            try (AtomicWrite write = storage.startWrite("tuned/file.bin")) {
                Files.copy(TestData.write(work.resolve("tuned.bin"), 5 << 20, 5), write.stream());
                write.commit();
            }
        }
        FileStatus status = hdfs.admin().getFileStatus(new org.apache.hadoop.fs.Path("/artifacts/tuned/file.bin"));
        assertThat(status.getBlockSize()).isEqualTo(2L << 20);
        assertThat(status.getReplication()).isEqualTo((short) 1);
        assertThat(status.getLen()).isEqualTo(5L << 20);
    }

    @Test
    void hadoopConfigReachesTheClientButCannotOverrideTypedFields() {
        HdfsConfiguration c = binder.bind(
                hdfs.configuration("/artifacts", "hadoopConfig: {dfs.client.use.datanode.hostname: \"true\"}"));
        Configuration conf = HdfsDriver.hadoopConfiguration(c);
        assertThat(conf.get("dfs.client.use.datanode.hostname")).isEqualTo("true");
        assertThatThrownBy(
                        () -> binder.bind(hdfs.configuration("/artifacts", "hadoopConfig: {dfs.replication: \"2\"}")))
                .hasMessage(
                        "field 'hadoopConfig.dfs.replication' is set by the typed field 'replication': use that field instead");
        assertThatThrownBy(() -> binder.bind(
                        hdfs.configuration("/artifacts", "hadoopConfig: {hadoop.security.authentication: kerberos}")))
                .hasMessageContaining("hadoopConfig.hadoop.security.authentication");
        assertThatThrownBy(() -> binder.bind(
                        hdfs.configuration("/artifacts", "hadoopConfig: {hadoop.rpc.protection: authentication}")))
                .hasMessage("field 'hadoopConfig.hadoop.rpc.protection' is set by the typed field"
                        + " 'kerberos.rpcProtection': use that field instead");
    }

    @Test
    void hadoopConfigCannotMakeHdfsAnotherFileSystem() throws Exception {
        String local = "hadoopConfig: {fs.hdfs.impl: org.apache.hadoop.fs.RawLocalFileSystem}";
        try (ArtifactStorage storage = open(hdfs.configuration("/artifacts", local))) {
            try (AtomicWrite write = storage.startWrite("impl/file.txt")) {
                write.stream().write("in hdfs".getBytes(StandardCharsets.UTF_8));
                write.commit();
            }
            assertThat(hdfs.admin().exists(new org.apache.hadoop.fs.Path("/artifacts/impl/file.txt")))
                    .isTrue();
        }
    }

    @Test
    void theDriversClientDefaultsApplyAndTheOperatorsHadoopConfigChangesThem() {
        Configuration defaults = HdfsDriver.hadoopConfiguration(binder.bind(hdfs.configuration("/artifacts")));
        assertThat(defaults.get("ipc.client.connect.max.retries")).isEqualTo("2");
        assertThat(defaults.get("dfs.client.retry.policy.enabled")).isEqualTo("false");
        assertThat(defaults.get("dfs.client.block.write.locateFollowingBlock.initial.delay.ms"))
                .isEqualTo("20");
        assertThat(defaults.get("fs.automatic.close")).isEqualTo("false");
        Configuration changed = HdfsDriver.hadoopConfiguration(binder.bind(hdfs.configuration(
                "/artifacts",
                "hadoopConfig: {dfs.client.block.write.locateFollowingBlock.initial.delay.ms: \"100\"}")));
        assertThat(changed.get("dfs.client.block.write.locateFollowingBlock.initial.delay.ms"))
                .isEqualTo("100");
    }

    @Test
    void hadoopConfigValuesAreTakenLiterallyNeverFromTheEnvironment() {
        HdfsConfiguration c = binder.bind(hdfs.configuration(
                "/artifacts", "hadoopConfig: {argo.test.env: \"${env.HOME}\", argo.test.property: \"${user.home}\"}"));
        Configuration conf = HdfsDriver.hadoopConfiguration(c);
        assertThat(conf.get("argo.test.env")).isEqualTo("${env.HOME}");
        assertThat(conf.get("argo.test.property")).isEqualTo("${user.home}");
    }

    @Test
    void stagedWritesOfDeadWritersAreRemovedOnceOld() throws Exception {
        try (ArtifactStorage storage = open(hdfs.configuration("/artifacts"))) {
            org.apache.hadoop.fs.Path staging = new org.apache.hadoop.fs.Path("/artifacts/" + StagedWrites.DIRECTORY);
            org.apache.hadoop.fs.Path old = new org.apache.hadoop.fs.Path(staging, "killed-mid-save");
            org.apache.hadoop.fs.Path recent = new org.apache.hadoop.fs.Path(staging, "still-writing");
            hdfs.admin().create(old).close();
            hdfs.admin().create(recent).close();
            long dayAgo =
                    System.currentTimeMillis() - java.time.Duration.ofHours(25).toMillis();
            hdfs.admin().setTimes(old, dayAgo, dayAgo);
            assertThat(((StagedWrites) storage)
                            .removeStagedWritesOlderThan(java.time.Instant.now().minus(java.time.Duration.ofHours(24))))
                    .isEqualTo(1);
            assertThat(hdfs.admin().exists(old)).isFalse();
            assertThat(hdfs.admin().exists(recent)).isTrue();
            hdfs.admin().delete(recent, false);
        }
    }

    @Test
    void severalAddressesBecomeAFailoverNameservice() {
        HdfsConfiguration c = binder.bind("addresses: [nn-a.example:8020, nn-b.example]\nbasePath: /a\nuser: argo\n");
        Configuration conf = HdfsDriver.hadoopConfiguration(c);
        assertThat(conf.get("fs.defaultFS")).isEqualTo("hdfs://argo-artifact");
        assertThat(conf.get("dfs.ha.namenodes.argo-artifact")).isEqualTo("nn0,nn1");
        assertThat(conf.get("dfs.namenode.rpc-address.argo-artifact.nn1")).isEqualTo("nn-b.example:8020");
        assertThat(conf.get("dfs.client.failover.proxy.provider.argo-artifact"))
                .endsWith("ConfiguredFailoverProxyProvider");
    }

    @Test
    void badConfigurationsNameTheFieldAndWhatIsExpected() {
        String base = "addresses: [\"nn:8020\"]\nbasePath: /a\n";
        assertThatThrownBy(() -> binder.bind(base)).hasMessage("one of 'user' and 'kerberos' is required");
        assertThatThrownBy(() -> binder.bind("addresses: [\"hdfs://nn:8020\"]\nbasePath: /a\nuser: u\n"))
                .hasMessageStartingWith("field 'addresses[0]' must be host:port");
        assertThatThrownBy(() -> binder.bind("addresses: []\nbasePath: /a\nuser: u\n"))
                .hasMessageStartingWith("field 'addresses' needs at least one");
        assertThatThrownBy(() -> binder.bind("addresses: [\"nn\"]\nbasePath: a\nuser: u\n"))
                .hasMessageStartingWith("field 'basePath' must be an absolute path");
        assertThatThrownBy(() -> binder.bind(base + "user: u\nblockSize: 1000\n"))
                .hasMessage("field 'blockSize' must be at least 1048576");
        assertThatThrownBy(() -> binder.bind(base + "user: u\nblockSize: 1048577\n"))
                .hasMessageStartingWith("field 'blockSize' must be a multiple of 512");
        assertThatThrownBy(() -> binder.bind(base + "user: u\nreplication: 0\n"))
                .hasMessage("field 'replication' must be between 1 and 512");
        String kerberos = base
                + "kerberos:\n  principal: argo@EXAMPLE.COM\n  keytab: {file: /k}\n  krb5Conf: {file: /c}\n  namenodePrincipal: nn/_HOST@EXAMPLE.COM\n";
        assertThat(binder.bind(kerberos).kerberos().principal()).isEqualTo("argo@EXAMPLE.COM");
        assertThatThrownBy(() -> binder.bind(kerberos + "user: u\n"))
                .hasMessage("give only one of 'user' and 'kerberos'");
        assertThatThrownBy(() -> binder.bind(kerberos + "  rpcProtection: secret\n"))
                .hasMessage("field 'kerberos.rpcProtection' must be one of authentication, integrity, privacy");
        assertThatThrownBy(() -> binder.bind(kerberos.replace("argo@EXAMPLE.COM", "argo")))
                .hasMessageStartingWith("field 'kerberos.principal' must be name@REALM");
        assertThatThrownBy(() -> binder.bind(kerberos.replace("  namenodePrincipal: nn/_HOST@EXAMPLE.COM\n", "")))
                .hasMessageContaining("kerberos.namenodePrincipal")
                .hasMessageContaining("required");
        assertThatThrownBy(() -> binder.bind(kerberos.replace("  keytab: {file: /k}\n", "  keytab: inline-bytes\n")))
                .hasMessageContaining("kerberos.keytab")
                .hasMessageNotContaining("inline-bytes");
    }
}
