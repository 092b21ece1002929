package dev.argoartifact.common.transfer;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.argoartifact.common.config.ConfigurationBinder;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.config.Default;
import dev.argoartifact.common.config.How;
import dev.argoartifact.common.config.Range;
import java.time.Duration;

/**
 * Parallelism and retry tuning shared by every driver, under the configuration key
 * {@code transfer}: a how field, which workflows may set up to the operator's values. Defaults
 * and bounds are stated once, on the fields.
 */
public record TransferSettings(
        @Default("16")
        @Range(min = "1", max = "1024")
        @JsonPropertyDescription("Files transferred at the same time for directory artifacts.")
        Integer filesInFlight,

        @Default("5")
        @Range(min = "1", max = "100")
        @JsonPropertyDescription("Attempts per file for transient errors, first try included.")
        Integer maxAttempts,

        @Default("200ms")
        @Range(min = "1ms", max = "1m")
        @JsonPropertyDescription("Delay before the first retry, e.g. '200ms' or an ISO-8601 duration.")
        Duration initialBackoff,

        @Default("10s") @Range(min = "1ms", max = "10m") @JsonPropertyDescription("Longest delay between retries.")
        Duration maxBackoff,

        @Default("67108864")
        @Range(min = "1")
        @JsonPropertyDescription(
                "Objects above this size in bytes are downloaded in parallel ranges when the backend supports it.")
        Long parallelReadThreshold,

        @Default("16777216")
        @Range(min = "1048576")
        @JsonPropertyDescription("Size in bytes of each parallel download range.")
        Long parallelReadPartSize,

        @How(zeroIsUnlimited = true)
        @Range(min = "0")
        @JsonPropertyDescription(
                "Bytes a Load may have written, across all the files it writes at once, and not yet forced to"
                        + " disk; beyond that its writers wait for the disk, so that a container's memory limit also holds its dirty pages."
                        + " Covers what the runtime writes (parallel ranges, or one stream where the driver has no download of its own);"
                        + " files under a quarter of it are left to the kernel. 0 leaves write-back to the kernel. Unset: 16 MiB when the"
                        + " driver runs under a memory limit, else 0.")
        Long maxUnflushedBytes,

        @Default("8")
        @Range(min = "1", max = "64")
        @JsonPropertyDescription(
                "Parts (blocks, ranges) of one large file transferred at the same time, as the transfer memory allows; never more than filesInFlight.")
        Integer partsPerFile) {

    /** Under a container memory limit, where dirty pages count against it. */
    static final long UNFLUSHED_UNDER_A_LIMIT = 16L << 20;

    public TransferSettings {
        if (maxUnflushedBytes != null && maxUnflushedBytes != 0 && maxUnflushedBytes < (1 << 20)) {
            throw new ConfigurationException("maxUnflushedBytes", "must be 0 (off) or at least 1048576 (1 MiB)");
        }
    }

    /** The defaults of the fields, read from their annotations (the binder's own). */
    private static final class Defaults {
        static final TransferSettings VALUE =
                new ConfigurationBinder<>(TransferSettings.class).bind("").withDefaults();
    }

    /** Every field at its default, {@code maxUnflushedBytes} as this process's memory limit has it. */
    public static TransferSettings defaults() {
        return Defaults.VALUE;
    }

    /**
     * This with every unset field taken from the defaults, and {@code maxUnflushedBytes} at 16 MiB
     * only under a container memory limit: bounding dirty pages makes a Load wait for the disk (a
     * single-stream HDFS Load took 1.46 s against 0.89 s; docs/benchmarks.md), which only pays where
     * those pages count against a limit.
     */
    public TransferSettings withDefaults() {
        TransferSettings d = filesInFlight == null
                        || maxAttempts == null
                        || initialBackoff == null
                        || maxBackoff == null
                        || parallelReadThreshold == null
                        || parallelReadPartSize == null
                        || partsPerFile == null
                ? defaults()
                : this;
        return new TransferSettings(
                filesInFlight != null ? filesInFlight : d.filesInFlight,
                maxAttempts != null ? maxAttempts : d.maxAttempts,
                initialBackoff != null ? initialBackoff : d.initialBackoff,
                maxBackoff != null ? maxBackoff : d.maxBackoff,
                parallelReadThreshold != null ? parallelReadThreshold : d.parallelReadThreshold,
                parallelReadPartSize != null ? parallelReadPartSize : d.parallelReadPartSize,
                maxUnflushedBytes != null
                        ? maxUnflushedBytes
                        : ContainerMemory.limitBytes().isPresent()
                                ? Long.valueOf(UNFLUSHED_UNDER_A_LIMIT)
                                : Long.valueOf(0),
                partsPerFile != null ? partsPerFile : d.partsPerFile);
    }

    /** Implemented by driver configuration records that carry a {@code transfer} section. */
    public interface Tunable {
        TransferSettings transfer();
    }
}
