package dev.argoartifact.driver.volume;

import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.Destination;
import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.storage.ArtifactStorage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/** Stores artifacts as files under a root directory shared by pods. */
public final class VolumeDriver extends ArtifactDriver<VolumeConfiguration> {
    public VolumeDriver() {
        super("volume", VolumeConfiguration.class, VolumeStorage.class);
    }

    @Override
    public ArtifactStorage open(VolumeConfiguration configuration, SecretResolver secrets) throws IOException {
        return new VolumeStorage(Path.of(configuration.root()));
    }

    @Override
    public List<Destination> destinations(VolumeConfiguration configuration) {
        return List.of(Destination.localDirectory(configuration.root()));
    }
}
