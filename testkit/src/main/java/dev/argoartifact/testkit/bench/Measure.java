package dev.argoartifact.testkit.bench;

import dev.argoartifact.testkit.client.ArtifactClient.Reply;
import java.io.IOException;
import java.util.List;
import java.util.Locale;

/** What every side-by-side benchmark needs: timing, medians, a clean disk state, and rows. */
public final class Measure {
  private Measure() {}

  public static double secondsSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  public static double median(List<Double> values) {
    List<Double> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  /** Flushes dirty pages (untimed), so neither side of a comparison pays for the other's writes. */
  public static void syncDisks() throws IOException, InterruptedException {
    new ProcessBuilder("sync").inheritIO().start().waitFor();
  }

  /** Fails the benchmark when the driver reports a failure. */
  public static void check(Reply reply) throws IOException {
    if (!reply.success()) {
      throw new IOException(reply.error());
    }
  }

  /** One result row; with a baseline, the throughput ratio to it (above 1: faster). */
  public static void row(String name, double seconds, double mib, double baselineSeconds, String baselineName) {
    System.out.printf(Locale.ROOT, "  %-20s %6.2f s  %7.0f MiB/s%s%n", name, seconds, mib / seconds,
        baselineSeconds > 0 ? String.format(Locale.ROOT, "   ratio to %s %.2f", baselineName, baselineSeconds / seconds) : "");
  }
}
