package dev.argoartifact.driver.volume;

import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.Destination;
import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.StorageCapability;
import java.io.IOException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Stores artifacts as files under a root directory shared by pods. */
public final class VolumeDriver implements ArtifactDriver<VolumeConfiguration> {
  @Override
  public String name() {
    return "volume";
  }

  @Override
  public Class<VolumeConfiguration> configurationType() {
    return VolumeConfiguration.class;
  }

  @Override
  public ArtifactStorage open(VolumeConfiguration configuration, SecretResolver secrets) throws IOException {
    return new VolumeStorage(Path.of(configuration.root()));
  }

  @Override
  public List<Destination> destinations(VolumeConfiguration configuration) {
    return List.of(Destination.localDirectory(configuration.root()));
  }

  @Override
  public Set<StorageCapability> storageCapabilities() {
    return EnumSet.of(StorageCapability.DIRECTORY_DELETE);
  }
}
