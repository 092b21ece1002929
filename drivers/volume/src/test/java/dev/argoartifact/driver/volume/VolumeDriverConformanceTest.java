package dev.argoartifact.driver.volume;

import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.testkit.conformance.ArtifactDriverConformance;
import dev.argoartifact.testkit.conformance.ConformanceFixture;
import dev.argoartifact.testkit.conformance.DriverLauncher;
import dev.argoartifact.testkit.conformance.InProcessDriver;
import dev.argoartifact.testkit.conformance.JavaDriverLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The whole conformance suite against the volume driver on a real directory. */
class VolumeDriverConformanceTest extends ArtifactDriverConformance {

  @Override
  protected ConformanceFixture createFixture() throws Exception {
    Path base = Files.createTempDirectory("volume-conformance-");
    Path root = Files.createDirectories(base.resolve("artifacts"));
    String configuration = "root: " + root;
    InProcessDriver driver = new InProcessDriver(new VolumeDriver(), base.resolve("plugin/socket"));
    ArtifactStorage storage = driver.runtime().operations(configuration).storage();
    Path log = base.resolve("driver-processes.log");
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
        return List.of("root");
      }

      @Override
      public Optional<DriverLauncher> launcher() {
        return Optional.of(new JavaDriverLauncher("volume", Map.of(), log));
      }

      @Override
      public Optional<ArtifactStorage> storage() {
        return Optional.of(storage);
      }

      @Override
      public void close() {
        driver.close();
      }
    };
  }
}
