package dev.argoartifact.driver.volume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argoartifact.conformance.DriverLauncher;
import dev.argoartifact.conformance.JavaDriverLauncher;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The operator's configuration reaches a driver process the way the Helm chart sets them: Argo gives every
 * plugin container the executor's env, so each plugin has its own variable, named after the
 * plugin (the socket's directory), and the shared variable is the fallback.
 */
class OperatorConfigurationTest {
    @TempDir
    Path work;

    private void saveWithEmptyConfiguration(Map<String, String> env, String plugin, Path expectedRoot)
            throws Exception {
        Path socket = work.resolve("artifact-plugins").resolve(plugin).resolve("socket");
        Process process = new JavaDriverLauncher("volume", env, work.resolve(plugin + ".log")).start(socket);
        try {
            DriverLauncher.awaitConnectable(socket, process, Duration.ofSeconds(30));
            ArtifactClient client = new ArtifactClient(socket, plugin);
            Path file = TestData.write(work.resolve(plugin + ".bin"), 100, 1);
            assertThat(client.save(file, client.artifact("", "wf/out.bin"))).isEqualTo(new Reply(true, ""));
            assertThat(expectedRoot.resolve("wf/out.bin")).hasSameBinaryContentAs(file);
        } finally {
            process.destroy();
            assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void eachPluginReadsItsOwnVariableBeforeTheSharedOne() throws Exception {
        Path own = Files.createDirectories(work.resolve("own"));
        Path shared = Files.createDirectories(work.resolve("shared"));
        Map<String, String> env = Map.of(
                "ARGO_ARTIFACT_DEFAULT_CONFIGURATION_TEAM_VOLUME", "root: " + own,
                "ARGO_ARTIFACT_DEFAULT_CONFIGURATION", "root: " + shared);
        saveWithEmptyConfiguration(env, "team-volume", own);
        saveWithEmptyConfiguration(env, "other-volume", shared);
    }
}
