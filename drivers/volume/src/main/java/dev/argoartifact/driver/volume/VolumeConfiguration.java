package dev.argoartifact.driver.volume;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.argoartifact.common.TransferSettings;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.config.How;
import dev.argoartifact.common.config.Required;
import dev.argoartifact.common.config.Where;

/** Configuration of the volume driver: {@code root: /mnt/artifacts}. */
public record VolumeConfiguration(
    @Required @Where(destination = true)
    @JsonPropertyDescription("Absolute path of the directory holding the artifacts, e.g. a mounted ReadWriteMany volume.")
    String root,
    @How
    @JsonPropertyDescription("Parallelism and retries.")
    TransferSettings transfer) implements TransferSettings.Tunable {

  public VolumeConfiguration {
    if (root != null && !root.startsWith("/")) {
      throw new ConfigurationException("root", "must be an absolute path");
    }
  }
}
