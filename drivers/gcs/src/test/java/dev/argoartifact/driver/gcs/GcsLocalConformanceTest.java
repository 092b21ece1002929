package dev.argoartifact.driver.gcs;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.testkit.conformance.ArtifactDriverConformance;
import dev.argoartifact.testkit.conformance.ConformanceFixture;
import dev.argoartifact.testkit.conformance.DriverLauncher;
import dev.argoartifact.testkit.conformance.InProcessDriver;
import dev.argoartifact.testkit.conformance.JavaDriverLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The whole conformance suite against Google's in-process LocalStorageHelper (google-cloud-nio):
 * no HTTP GCS emulator can be installed on these machines. The fake has no buckets to create, no
 * checksums and no batch API (so batchDelete is off here; the suite then checks that the
 * undeclared capability is refused); the suite depends on none of them.
 */
class GcsLocalConformanceTest extends ArtifactDriverConformance {
  @Override
  protected ConformanceFixture createFixture() throws Exception {
    Path work = Files.createTempDirectory("gcs-conformance-");
    Storage fake = LocalStorageHelper.getOptions().getService();
    // Small ranges, so the 100 MiB check goes through the runtime's parallel ranged download.
    String configuration = String.join("\n",
        "bucket: argo-artifacts",
        "prefix: argo/",
        "chunkSize: 1048576",
        "batchDelete: false",
        "transfer: {parallelReadThreshold: 8388608, parallelReadPartSize: 4194304, maxAttempts: 2, initialBackoff: 50ms}",
        "");
    InProcessDriver driver = new InProcessDriver(new GcsDriver(options -> fake), work.resolve("plugin/socket"));
    return new ConformanceFixture() {
      @Override
      public Path socket() {
        return driver.socket();
      }

      @Override
      public String configuration() {
        return configuration;
      }

      @Override
      public String keyPrefix() {
        return "conformance-" + UUID.randomUUID();
      }

      @Override
      public List<String> requiredFields() {
        return List.of("bucket");
      }

      @Override
      public Optional<DriverLauncher> launcher() {
        // The child JVM uses the real client; the lifecycle checks never touch storage.
        return Optional.of(new JavaDriverLauncher("gcs", Map.of(), work.resolve("driver-processes.log")));
      }

      @Override
      public Optional<ArtifactStorage> storage() {
        return Optional.of(driver.runtime().operations(configuration).storage());
      }

      @Override
      public void close() throws IOException {
        driver.close();
      }
    };
  }
}
