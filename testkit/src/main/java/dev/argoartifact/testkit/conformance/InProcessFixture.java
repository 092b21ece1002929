package dev.argoartifact.testkit.conformance;

import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.storage.ArtifactStorage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The usual fixture of a Java driver: the driver in the test JVM on a real socket (so in-process
 * backends are reachable), a child-JVM launcher for the lifecycle checks, direct storage access
 * for the capability checks, and the backends to stop afterwards.
 */
public final class InProcessFixture implements ConformanceFixture {
  private final InProcessDriver driver;
  private final java.util.Set<dev.argoartifact.common.storage.StorageCapability> published;
  private final String configuration;
  private final List<String> requiredFields;
  private final List<String> secretValues;
  private final DriverLauncher launcher;
  private final List<AutoCloseable> resources;

  private InProcessFixture(Builder b) throws IOException {
    this.driver = new InProcessDriver(b.driver, b.work.resolve("plugin/socket"));
    this.published = b.driver.storageCapabilities();
    this.configuration = b.configuration;
    this.requiredFields = List.copyOf(b.requiredFields);
    this.secretValues = List.copyOf(b.secretValues);
    this.launcher = b.launch ? new JavaDriverLauncher(b.driver.name(), Map.of(), b.work.resolve("driver-processes.log")) : null;
    this.resources = List.copyOf(b.resources);
  }

  public static Builder builder(ArtifactDriver<?> driver, Path work) {
    return new Builder(driver, work);
  }

  @Override
  public Optional<java.util.Set<dev.argoartifact.common.storage.StorageCapability>> publishedCapabilities() {
    return Optional.of(published);
  }

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
    return requiredFields;
  }

  @Override
  public List<String> secretValues() {
    return secretValues;
  }

  @Override
  public Optional<DriverLauncher> launcher() {
    return Optional.ofNullable(launcher);
  }

  @Override
  public Optional<ArtifactStorage> storage() {
    return Optional.of(driver.runtime().operations(configuration).storage());
  }

  /** The driver behind the socket. */
  public InProcessDriver driver() {
    return driver;
  }

  @Override
  public void close() throws IOException {
    driver.close();
    IOException first = null;
    for (AutoCloseable resource : resources) {
      try {
        resource.close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof IOException io ? io : new IOException(e);
        }
      }
    }
    if (first != null) {
      throw first;
    }
  }

  /** Builds a fixture; only the configuration and the required fields are mandatory. */
  public static final class Builder {
    private final ArtifactDriver<?> driver;
    private final Path work;
    private String configuration;
    private final List<String> requiredFields = new ArrayList<>();
    private final List<String> secretValues = new ArrayList<>();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private boolean launch = true;

    private Builder(ArtifactDriver<?> driver, Path work) {
      this.driver = driver;
      this.work = work;
    }

    public Builder configuration(String value) {
      this.configuration = value;
      return this;
    }

    public Builder requiredFields(String... fields) {
      requiredFields.addAll(List.of(fields));
      return this;
    }

    public Builder secretValues(String... values) {
      secretValues.addAll(List.of(values));
      return this;
    }

    /** Closed after the driver, in order: backends, containers, servers. */
    public Builder closeAfterwards(AutoCloseable resource) {
      resources.add(resource);
      return this;
    }

    /** Without lifecycle checks (when the driver cannot start in a child JVM with this setup). */
    public Builder withoutLauncher() {
      this.launch = false;
      return this;
    }

    public InProcessFixture build() throws IOException {
      if (configuration == null) {
        throw new IllegalStateException("a fixture needs a configuration");
      }
      return new InProcessFixture(this);
    }
  }
}
