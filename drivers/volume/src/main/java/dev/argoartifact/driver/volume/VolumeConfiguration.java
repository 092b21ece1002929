package dev.argoartifact.driver.volume;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.argoartifact.common.config.AbsolutePath;
import dev.argoartifact.common.config.How;
import dev.argoartifact.common.config.Required;
import dev.argoartifact.common.config.Where;
import dev.argoartifact.common.transfer.TransferSettings;

/** Configuration of the volume driver: {@code root: /mnt/artifacts}. */
public record VolumeConfiguration(
        @Required
        @AbsolutePath
        @Where(destination = true)
        @JsonPropertyDescription(
                "Absolute path of the directory holding the artifacts, e.g. a mounted ReadWriteMany volume.")
        String root,

        @How @JsonPropertyDescription("Parallelism and retries.")
        TransferSettings transfer)
        implements TransferSettings.Tunable {}
