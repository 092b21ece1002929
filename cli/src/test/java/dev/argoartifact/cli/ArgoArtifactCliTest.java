package dev.argoartifact.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argoartifact.catalogue.DriverModules;
import dev.argoartifact.conformance.InProcessDriver;
import dev.argoartifact.conformance.JavaDriverLauncher;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The argo-artifact tool end to end, against real volume driver sockets. */
class ArgoArtifactCliTest {
    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {}

    private static synchronized Run run(InputStream stdin, String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        InputStream in = System.in;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
            System.setIn(stdin);
            int code = ArgoArtifactCli.run(args);
            return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
            System.setIn(in);
        }
    }

    private static Run run(String... args) {
        return run(InputStream.nullInputStream(), args);
    }

    @Test
    void demoRunsTheWholePath() {
        Run demo = run("demo");
        assertThat(demo.exit()).as(demo.err()).isZero();
        assertThat(demo.out())
                .contains("2. Save: uploaded directory")
                .contains("-> 4 files:")
                .contains("identical to the original: true")
                .contains("IsDirectory now false")
                .contains("9. a workflow that names a root of its own (\"root: /\") is refused: save failed for key")
                .contains("field 'root' is fixed by the operator")
                .contains("done:");
    }

    @Test
    void demoRunsTheWholePathAgainstADriverProcess() {
        Run demo = run("demo", "--driver-process");
        assertThat(demo.exit()).as(demo.err()).isZero();
        assertThat(demo.out())
                .contains("1. started the volume driver process on")
                .contains("identical to the original: true")
                .contains("field 'root' is fixed by the operator")
                .contains("done: the driver stopped and its socket was removed");
    }

    @Test
    void everyClientCommandTalksToADriver() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        try (InProcessDriver driver = new InProcessDriver(
                DriverModules.ofThisRepository().driver("volume"), dir.resolve("plugin/socket"), "root: " + root)) {
            String socket = driver.socket().toString();
            String config = "transfer: {filesInFlight: 4}";
            Path tree = Files.createDirectories(dir.resolve("tree/sub"));
            Files.writeString(tree.resolve("a.txt"), "alpha");
            Files.writeString(dir.resolve("tree/top.txt"), "top");

            assertThat(run(
                                    "save",
                                    "-s",
                                    socket,
                                    "-c",
                                    config,
                                    dir.resolve("tree").toString(),
                                    "wf/out")
                            .exit())
                    .isZero();
            Run ls = run("ls", "-s", socket, "-c", config, "wf/out");
            assertThat(ls.out().lines()).containsExactly("wf/out/sub/a.txt", "wf/out/top.txt");
            assertThat(run("is-dir", "-s", socket, "-c", config, "wf/out").out().trim())
                    .isEqualTo("true");
            assertThat(run("cat", "-s", socket, "-c", config, "wf/out/sub/a.txt")
                            .out())
                    .isEqualTo("alpha");

            Path configFile = Files.writeString(dir.resolve("config.yaml"), config);
            Run put = run(
                    new ByteArrayInputStream("streamed".getBytes(StandardCharsets.UTF_8)),
                    "put",
                    "-s",
                    socket,
                    "-c",
                    "@" + configFile,
                    "uploads/x.txt");
            assertThat(put.exit()).as(put.err()).isZero();
            Path loaded = dir.resolve("in/x.tmp");
            Files.createDirectories(loaded.getParent());
            assertThat(run("load", "-s", socket, "-c", config, "uploads/x.txt", loaded.toString())
                            .exit())
                    .isZero();
            assertThat(Files.readString(loaded)).isEqualTo("streamed");

            assertThat(run("rm", "-s", socket, "-c", config, "wf/out").exit()).isZero();
            assertThat(run("is-dir", "-s", socket, "-c", config, "wf/out").out().trim())
                    .isEqualTo("false");
            Run caps = run("caps", "-s", socket);
            assertThat(caps.out()).contains("health: serving").contains("supportsSaveStream: true");

            Run missing = run(
                    "load",
                    "-s",
                    socket,
                    "-c",
                    config,
                    "wf/missing",
                    dir.resolve("in/m.tmp").toString());
            assertThat(missing.exit()).isEqualTo(1);
            assertThat(missing.err())
                    .contains("error: load failed for key 'wf/missing': no artifact at key 'wf/missing'");
            Run badConfig = run("ls", "-s", socket, "-c", "roto: /x", "k");
            assertThat(badConfig.exit()).isEqualTo(1);
            assertThat(badConfig.err()).contains("unknown field 'roto', did you mean 'root'?");
        }
    }

    @Test
    void conformanceCommandPassesAgainstADriverProcess() throws Exception {
        Path root = Files.createDirectories(dir.resolve("root"));
        Path socket = dir.resolve("external/socket");
        // The operator's configuration in the driver's environment, as the Helm chart puts it there.
        String operator = "root: " + root;
        List<Path> classpath = DriverModules.ofThisRepository().classpath("volume");
        JavaDriverLauncher launcher = new JavaDriverLauncher(
                        "volume", Map.of("ARGO_ARTIFACT_DEFAULT_CONFIGURATION", operator), dir.resolve("driver.log"))
                .withClasspath(classpath);
        Process driver = launcher.start(socket);
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.exists(socket) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Run report = run(
                    "conformance",
                    "-s",
                    socket.toString(),
                    "--locked-field",
                    "root",
                    "--large-file-mib",
                    "16",
                    // The launch command is split at spaces: the operator's configuration as JSON, which needs none.
                    "--launch",
                    "env ARGO_ARTIFACT_DRIVER=volume ARGO_ARTIFACT_DEFAULT_CONFIGURATION={\"root\":\"" + root + "\"} "
                            + java + " -cp "
                            + String.join(
                                    File.pathSeparator,
                                    classpath.stream().map(Path::toString).toList())
                            + " dev.argoartifact.common.server.DriverMain");
            assertThat(report.exit()).as(report.out()).isZero();
            assertThat(report.out())
                    .contains("0 failed")
                    .containsPattern("lifecycle +pass")
                    .containsPattern("files +pass")
                    .containsPattern("hostile-author +pass")
                    .contains("PASS  everyLockedFieldRefusesAnOverride")
                    .containsPattern("storage +skipped");
            // The launched drivers' output is kept for the user, who removes it; so does this test.
            Path log = Path.of(report.out()
                    .lines()
                    .filter(l -> l.startsWith("output of the launched driver processes: "))
                    .findFirst()
                    .orElseThrow()
                    .substring("output of the launched driver processes: ".length()));
            assertThat(Files.readString(log)).contains("\"msg\":\"serving\"");
            Files.delete(log);
        } finally {
            driver.destroy();
            assertThat(driver.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(driver.exitValue()).isZero();
        }
    }

    @Test
    void configSchemaDescribesEveryDriverModule() throws Exception {
        Map<String, String> required =
                Map.of("volume", "root", "sftp", "host", "azure", "container", "gcs", "bucket", "s3", "bucket");
        for (var entry : required.entrySet()) {
            Run schema = run("config", "schema", entry.getKey());
            assertThat(schema.exit()).as(entry.getKey() + ": " + schema.err()).isZero();
            var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(schema.out());
            assertThat(json.get("additionalProperties").asBoolean()).isFalse();
            assertThat(json.get("required").toString()).contains("\"" + entry.getValue() + "\"");
            assertThat(json.get("properties").has("transfer")).isTrue();
        }
        Run unknown = run("config", "schema", "swift");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err())
                .contains("no driver module drivers/swift here")
                .contains("azure", "gcs", "s3", "sftp", "volume");
    }

    @Test
    void configValidateGivesTheDriversOwnMessagesWithoutContactingStorage() throws Exception {
        Run typo = run(
                new ByteArrayInputStream("bucket: my-bucket\nprefx: argo/\n".getBytes(StandardCharsets.UTF_8)),
                "config",
                "validate",
                "--driver",
                "gcs",
                "-");
        assertThat(typo.exit()).isEqualTo(1);
        assertThat(typo.err())
                .contains("the operator's configuration is invalid: unknown field 'prefx', did you mean 'prefix'?");
        Path file = Files.writeString(
                dir.resolve("azure.yaml"),
                "accountName: myaccount\ncontainer: argo\naccountKey: {secretKeyRef: {name: azure, key: key}}\n");
        Run valid = run("config", "validate", "--driver", "azure", file.toString());
        assertThat(valid.exit()).as(valid.err()).isZero();
        assertThat(valid.out()).contains("valid azure operator configuration");
        Run missing = run(
                new ByteArrayInputStream("port: 22\n".getBytes(StandardCharsets.UTF_8)),
                "config",
                "validate",
                "--driver",
                "sftp");
        assertThat(missing.err()).contains("the operator's configuration is invalid: field 'host' is required");
        Path workflow =
                Files.writeString(dir.resolve("workflow.yaml"), "prefix: team-a/\ntransfer: {filesInFlight: 4}\n");
        Run admitted =
                run("config", "validate", "--driver", "azure", "--operator", file.toString(), workflow.toString());
        assertThat(admitted.exit()).as(admitted.err()).isZero();
        assertThat(admitted.out())
                .contains(
                        "valid azure workflow configuration (workflows may set: prefix, blockSize, tryTimeout, transfer)");
        Path hostile = Files.writeString(dir.resolve("hostile.yaml"), "container: someone-elses\n");
        Run refused = run("config", "validate", "--driver", "azure", "--operator", file.toString(), hostile.toString());
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("field 'container' is fixed by the operator of this driver");
    }

    @Test
    void conformanceCommandFailsAgainstNothing() {
        Run report = run(
                "conformance",
                "-s",
                dir.resolve("nobody/socket").toString(),
                "-c",
                "root: /x",
                "--required-field",
                "root");
        assertThat(report.exit()).isEqualTo(1);
        assertThat(report.out()).contains("FAIL");
    }
}
