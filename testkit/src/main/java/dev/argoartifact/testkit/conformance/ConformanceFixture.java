package dev.argoartifact.testkit.conformance;

import dev.argoartifact.common.storage.ArtifactStorage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a driver's test supplies to {@link ArtifactDriverConformance}: a running driver on a real
 * Unix socket, a working configuration for a real backend, and optional extras that unlock more
 * checks. Drivers in other languages get one from the {@code argo-artifact conformance} command.
 */
public interface ConformanceFixture extends AutoCloseable {

  /** The socket of a driver that is already serving. */
  Path socket();

  /** A configuration string that works against the backend (YAML mapping or JSON object). */
  String configuration();

  /** All keys the suite writes start with this, so runs never collide and are easy to clean up. */
  String keyPrefix();

  /** Top-level fields the configuration cannot do without; the suite removes each in turn. */
  List<String> requiredFields();

  /** Secret values present in the configuration's referenced secrets; no error may echo them. */
  default List<String> secretValues() {
    return List.of();
  }

  /** Starts fresh driver processes for lifecycle checks (SIGTERM, socket creation). */
  default Optional<DriverLauncher> launcher() {
    return Optional.empty();
  }

  /** The driver's storage for the same configuration, for capability checks. */
  default Optional<ArtifactStorage> storage() {
    return Optional.empty();
  }

  /** The abilities the driver publishes in the index ({@code ArtifactDriver.storageCapabilities()}). */
  default Optional<java.util.Set<dev.argoartifact.common.storage.StorageCapability>> publishedCapabilities() {
    return Optional.empty();
  }

  /** Size of the largest round trip; the kit's default is 100 MiB. */
  default long largeFileBytes() {
    return 100L << 20;
  }

  @Override
  default void close() throws java.io.IOException {}
}
