package dev.argoartifact.driver.volume;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.argoartifact.common.TransferSettings;
import dev.argoartifact.common.config.ConfigurationException;

/** Configuration of the volume driver: {@code root: /mnt/artifacts}. */
public record VolumeConfiguration(
    @JsonPropertyDescription("Absolute path of the directory holding the artifacts, e.g. a mounted ReadWriteMany volume.")
    String root,
    @JsonPropertyDescription("Parallelism and retries.")
    TransferSettings transfer) implements TransferSettings.Tunable {

  public VolumeConfiguration {
    ConfigurationException.require("root", root);
    if (!root.startsWith("/")) {
      throw new ConfigurationException("root", "must be an absolute path");
    }
  }
}
