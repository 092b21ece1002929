package dev.argoartifact.common;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.argoartifact.common.config.ConfigurationException;
import java.time.Duration;

/**
 * Parallelism and retry tuning shared by every driver, under the configuration key
 * {@code transfer}. Unset fields take the defaults below.
 */
public record TransferSettings(
    @JsonPropertyDescription("Files transferred at the same time for directory artifacts (default 16).")
    Integer filesInFlight,
    @JsonPropertyDescription("Attempts per file for transient errors, first try included (default 5).")
    Integer maxAttempts,
    @JsonPropertyDescription("Delay before the first retry, as an ISO-8601 duration or e.g. '200ms' (default 200ms).")
    String initialBackoff,
    @JsonPropertyDescription("Longest delay between retries (default 10s).")
    String maxBackoff,
    @JsonPropertyDescription("Objects above this size in bytes are downloaded in parallel ranges when the backend supports it (default 64 MiB).")
    Long parallelReadThreshold,
    @JsonPropertyDescription("Size in bytes of each parallel download range (default 16 MiB).")
    Long parallelReadPartSize,
    @JsonPropertyDescription("Bytes a Load may have written, across all the files it writes at once, and not yet forced to"
        + " disk; beyond that its writers wait for the disk, so that a container's memory limit also holds its dirty pages."
        + " Covers what the runtime writes (parallel ranges, or one stream where the driver has no download of its own);"
        + " files under a quarter of it are left to the kernel. Default: 16 MiB when the driver runs under a memory limit,"
        + " else 0, which leaves write-back to the kernel.")
    Long maxUnflushedBytes) {

  public static final TransferSettings DEFAULTS =
      new TransferSettings(16, 5, "200ms", "10s", 64L << 20, 16L << 20, 16L << 20);

  public TransferSettings {
    if (filesInFlight != null && (filesInFlight < 1 || filesInFlight > 1024)) {
      throw new ConfigurationException("filesInFlight", "must be between 1 and 1024");
    }
    if (maxAttempts != null && (maxAttempts < 1 || maxAttempts > 100)) {
      throw new ConfigurationException("maxAttempts", "must be between 1 and 100");
    }
    if (initialBackoff != null) {
      Durations.parse("initialBackoff", initialBackoff);
    }
    if (maxBackoff != null) {
      Durations.parse("maxBackoff", maxBackoff);
    }
    if (parallelReadThreshold != null && parallelReadThreshold < 1) {
      throw new ConfigurationException("parallelReadThreshold", "must be positive");
    }
    if (parallelReadPartSize != null && parallelReadPartSize < (1 << 20)) {
      throw new ConfigurationException("parallelReadPartSize", "must be at least 1048576 (1 MiB)");
    }
    if (maxUnflushedBytes != null && maxUnflushedBytes != 0 && maxUnflushedBytes < (1 << 20)) {
      throw new ConfigurationException("maxUnflushedBytes", "must be 0 (off) or at least 1048576 (1 MiB)");
    }
  }

  /**
   * This with every unset field taken from {@link #DEFAULTS}, but {@code maxUnflushedBytes} only
   * under a container memory limit: bounding dirty pages makes a Load wait for the disk (a
   * single-stream HDFS Load took 1.46 s against 0.89 s; docs/benchmarks.md), which only pays
   * where those pages count against a limit.
   */
  public TransferSettings withDefaults() {
    return new TransferSettings(
        filesInFlight != null ? filesInFlight : DEFAULTS.filesInFlight,
        maxAttempts != null ? maxAttempts : DEFAULTS.maxAttempts,
        initialBackoff != null ? initialBackoff : DEFAULTS.initialBackoff,
        maxBackoff != null ? maxBackoff : DEFAULTS.maxBackoff,
        parallelReadThreshold != null ? parallelReadThreshold : DEFAULTS.parallelReadThreshold,
        parallelReadPartSize != null ? parallelReadPartSize : DEFAULTS.parallelReadPartSize,
        maxUnflushedBytes != null ? maxUnflushedBytes
            : ContainerMemory.limitBytes().isPresent() ? DEFAULTS.maxUnflushedBytes : Long.valueOf(0));
  }

  public Duration initialBackoffDuration() {
    return Durations.parse("initialBackoff", initialBackoff);
  }

  public Duration maxBackoffDuration() {
    return Durations.parse("maxBackoff", maxBackoff);
  }

  /** Implemented by driver configuration records that carry a {@code transfer} section. */
  public interface Tunable {
    TransferSettings transfer();
  }
}
