package dev.argoartifact.driver.azure;

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

/** The whole conformance suite against Azurite, with an account key and a prefix. */
class AzureConformanceTest extends ArtifactDriverConformance {
  @Override
  protected ConformanceFixture createFixture() throws Exception {
    AzuriteServer.assumeInstalled();
    Path work = Files.createTempDirectory("azure-conformance-");
    AzuriteServer azurite = new AzuriteServer(work).start(0);
    azurite.admin().createBlobContainer("artifacts");
    Path key = Files.writeString(work.resolve("account-key"), AzuriteServer.KEY);
    // Small blocks, so that the multi-chunk and 100 MiB checks go through staged parallel blocks.
    String configuration = String.join("\n",
        "endpoint: " + azurite.endpoint(),
        "container: artifacts",
        "prefix: argo/",
        "accountKey: {file: " + key + "}",
        "blockSize: 4194304",
        "maxTries: 2",
        "tryTimeout: 60s",
        "transfer: {maxAttempts: 3, initialBackoff: 100ms, maxBackoff: 1s}",
        "");
    InProcessDriver driver = new InProcessDriver(new AzureDriver(), work.resolve("plugin/socket"));
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
        return List.of("endpoint", "container");
      }

      @Override
      public List<String> secretValues() {
        return List.of(AzuriteServer.KEY);
      }

      @Override
      public Optional<DriverLauncher> launcher() {
        return Optional.of(new JavaDriverLauncher("azure", Map.of(), work.resolve("driver-processes.log")));
      }

      @Override
      public Optional<ArtifactStorage> storage() {
        return Optional.of(driver.runtime().operations(configuration).storage());
      }

      @Override
      public void close() throws IOException {
        driver.close();
        try {
          azurite.close();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
    };
  }
}
