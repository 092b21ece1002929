package dev.argoartifact.driver.sftp;

import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.Destination;
import dev.argoartifact.common.config.BasePath;
import dev.argoartifact.common.secrets.Secret;
import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.StorageCapability;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Stores artifacts on an SFTP server. */
public final class SftpDriver implements ArtifactDriver<SftpConfiguration> {
  @Override
  public String name() {
    return "sftp";
  }

  @Override
  public Class<SftpConfiguration> configurationType() {
    return SftpConfiguration.class;
  }

  @Override
  public ArtifactStorage open(SftpConfiguration c, SecretResolver secrets) {
    Secret password = c.password() == null ? null : secrets.resolve("password", c.password());
    Secret privateKey = c.privateKey() == null ? null : secrets.resolve("privateKey", c.privateKey());
    Secret passphrase = c.passphrase() == null ? null : secrets.resolve("passphrase", c.passphrase());
    byte[] knownHosts = null;
    if (c.knownHosts() != null) {
      knownHosts = c.knownHosts().entries() != null
          ? c.knownHosts().entries().getBytes(StandardCharsets.UTF_8)
          : secrets.resolve("knownHosts", c.knownHosts().reference()).bytes();
    }
    SftpConnection connection = new SftpConnection(c, password, privateKey, passphrase, knownHosts);
    return new SftpStorage(connection, BasePath.normalize(c.basePath()));
  }

  @Override
  public List<Destination> destinations(SftpConfiguration c) {
    return List.of(Destination.host(c.host()));
  }

  @Override
  public Set<StorageCapability> storageCapabilities() {
    return EnumSet.of(StorageCapability.DIRECTORY_DELETE);
  }
}
