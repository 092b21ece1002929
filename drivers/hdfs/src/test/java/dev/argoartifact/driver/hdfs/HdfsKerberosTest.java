package dev.argoartifact.driver.hdfs;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argoartifact.conformance.InProcessDriver;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.minikdc.MiniKdc;
import org.apache.hadoop.security.UserGroupInformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kerberos-secured MiniDFSCluster (MiniKdc, SASL on RPC and on DataNode transfers): the driver
 * logs in from a keytab given as a secret reference. Hadoop's security settings are process-wide,
 * so this class runs in its own JVM (the module's surefire does not reuse forks).
 */
class HdfsKerberosTest {
    @TempDir
    static Path work;

    static MiniKdc kdc;
    static MiniHdfs hdfs;
    static String realm;
    static File clientKeytab;
    static File otherKeytab;

    @BeforeAll
    static void start() throws Exception {
        Properties kdcConf = MiniKdc.createConf();
        kdcConf.setProperty(MiniKdc.DEBUG, "false");
        kdc = new MiniKdc(kdcConf, Files.createDirectories(work.resolve("kdc")).toFile());
        kdc.start();
        realm = kdc.getRealm();
        File serviceKeytab = work.resolve("hdfs.keytab").toFile();
        kdc.createPrincipal(serviceKeytab, "hdfs/localhost", "HTTP/localhost");
        clientKeytab = work.resolve("argo.keytab").toFile();
        kdc.createPrincipal(clientKeytab, "argo");
        otherKeytab = work.resolve("other.keytab").toFile();
        kdc.createPrincipal(otherKeytab, "other");

        Configuration conf = new Configuration();
        conf.set("hadoop.security.authentication", "kerberos");
        conf.setBoolean("hadoop.security.authorization", true);
        String service = "hdfs/localhost@" + realm;
        for (String role : new String[] {"namenode", "datanode"}) {
            conf.set("dfs." + role + ".kerberos.principal", service);
            conf.set("dfs." + role + ".keytab.file", serviceKeytab.getAbsolutePath());
        }
        conf.set("dfs.web.authentication.kerberos.principal", "HTTP/localhost@" + realm);
        conf.set("dfs.web.authentication.kerberos.keytab", serviceKeytab.getAbsolutePath());
        conf.setBoolean("dfs.block.access.token.enable", true);
        conf.set("dfs.data.transfer.protection", "authentication");
        conf.set("hadoop.rpc.protection", "privacy");
        conf.set("dfs.http.policy", "HTTP_ONLY");
        // DataNodes on unprivileged ports without TLS: allowed for tests only.
        conf.setBoolean("ignore.secure.ports.for.testing", true);
        UserGroupInformation.setConfiguration(conf);
        hdfs = MiniHdfs.start(work, 1, conf);
        UserGroupInformation.loginUserFromKeytab(service, serviceKeytab.getAbsolutePath());
        hdfs.directory("/secure", "argo", "755");
    }

    @AfterAll
    static void stop() {
        if (hdfs != null) {
            hdfs.close();
        }
        if (kdc != null) {
            kdc.stop();
        }
    }

    private static String configuration(String principal, File keytab) {
        return String.join(
                "\n",
                "addresses: [\"localhost:" + hdfs.port() + "\"]",
                "basePath: /secure",
                "kerberos:",
                "  principal: " + principal,
                "  keytab: {file: " + keytab.getAbsolutePath() + "}",
                "  krb5Conf: {file: " + kdc.getKrb5conf().getAbsolutePath() + "}",
                "  namenodePrincipal: hdfs/_HOST@" + realm,
                "  rpcProtection: privacy",
                "  dataTransferProtection: authentication",
                "timeout: 10s",
                "transfer: {maxAttempts: 2, initialBackoff: 100ms, maxBackoff: 200ms}",
                "");
    }

    @Test
    void aKeytabLoginCompletesARoundTripAsItsPrincipal() throws Exception {
        Path dir = Files.createDirectories(work.resolve("out"));
        TestData.write(dir.resolve("a.bin"), 3 << 20, 1);
        TestData.write(Files.createDirectories(dir.resolve("sub")).resolve("b.bin"), 1000, 2);
        try (InProcessDriver driver = new InProcessDriver(
                new HdfsDriver(), work.resolve("p1/socket"), configuration("argo@" + realm, clientKeytab))) {
            ArtifactClient client = new ArtifactClient(driver.socket(), "hdfs");
            String yaml = "";
            assertThat(client.save(dir, client.artifact(yaml, "run/out"))).isEqualTo(new Reply(true, ""));
            Path back = work.resolve("back");
            assertThat(client.load(client.artifact(yaml, "run/out"), back)).isEqualTo(new Reply(true, ""));
            assertThat(TestData.treeDigests(back)).isEqualTo(TestData.treeDigests(dir));
            assertThat(client.listObjects(client.artifact(yaml, "run/out")).objects())
                    .containsExactlyInAnyOrder("run/out/a.bin", "run/out/sub/b.bin");
            FileStatus status = hdfs.admin().getFileStatus(new org.apache.hadoop.fs.Path("/secure/run/out/a.bin"));
            assertThat(status.getOwner()).as("the short name of argo@" + realm).isEqualTo("argo");
            assertThat(client.delete(client.artifact(yaml, "run/out"))).isEqualTo(new Reply(true, ""));
            assertThat(hdfs.admin().exists(new org.apache.hadoop.fs.Path("/secure/run/out")))
                    .isFalse();
        }
    }

    @Test
    void aWrongPrincipalOrKeytabFailsWithAClearError() throws Exception {
        Path file = TestData.write(work.resolve("f.bin"), 100, 3);
        // The operator lets workflows log in as their own principal, with keytabs from the test's
        // directory.
        try (InProcessDriver driver = new InProcessDriver(
                new HdfsDriver(),
                work.resolve("p2/socket"),
                configuration("argo@" + realm, clientKeytab)
                        + "policy: {authorFields: [kerberos], secretSources: {files: ["
                        + work
                        + ", "
                        + kdc.getKrb5conf().getParent()
                        + ", "
                        + clientKeytab.getParent()
                        + "]}}\n")) {
            ArtifactClient client = new ArtifactClient(driver.socket(), "hdfs");
            Reply wrongPrincipal =
                    client.save(file, client.artifact("kerberos: {principal: nobody@" + realm + "}", "x/f.bin"));
            assertThat(wrongPrincipal.success()).isFalse();
            assertThat(wrongPrincipal.error())
                    .contains("Kerberos login as 'nobody@"
                            + realm
                            + "' from the keytab failed: the keytab holds no key for this principal")
                    .contains("kerberos.keytab")
                    .doesNotContain("\tat ");
            Reply wrongKeytab = client.save(
                    file,
                    client.artifact("kerberos: {keytab: {file: " + otherKeytab.getAbsolutePath() + "}}", "x/f.bin"));
            assertThat(wrongKeytab.success()).isFalse();
            assertThat(wrongKeytab.error())
                    .contains("Kerberos login as 'argo@"
                            + realm
                            + "' from the keytab failed: the keytab holds no key for this principal");
        }
        assertThat(hdfs.admin().exists(new org.apache.hadoop.fs.Path("/secure/x")))
                .isFalse();
    }

    @Test
    void aSimpleConfigurationIsRefusedInAKerberosProcess() throws Exception {
        Path file = TestData.write(work.resolve("s.bin"), 100, 4);
        try (InProcessDriver driver = new InProcessDriver(
                new HdfsDriver(),
                work.resolve("p3/socket"),
                configuration("argo@" + realm, clientKeytab) + "policy: {authorFields: [kerberos, user]}\n")) {
            ArtifactClient client = new ArtifactClient(driver.socket(), "hdfs");
            assertThat(client.save(file, client.artifact("", "k/s.bin")).success())
                    .isTrue();
            Reply simple = client.save(file, client.artifact("kerberos: null\nuser: argo\n", "s/s.bin"));
            assertThat(simple.success()).isFalse();
            assertThat(simple.error())
                    .contains("field 'user' cannot differ within one hdfs driver process")
                    .contains("for simple authentication")
                    .contains("register a separate hdfs driver");
        }
    }
}
