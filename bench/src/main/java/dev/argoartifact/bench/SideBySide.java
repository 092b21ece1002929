package dev.argoartifact.bench;

import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;
import dev.argoartifact.common.transfer.LocalTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A driver against a baseline tool, round by round in one run: the side that goes first alternates
 * (whatever runs second pays for the other's leftovers: dirty pages, lazy reclamation), and each
 * side adds its upload and download seconds to the lists here. Medians are reported as rows.
 */
public final class SideBySide {
    /** One side of one round. */
    @FunctionalInterface
    public interface Side {
        void run(int round) throws Exception;
    }

    /** The command-line arguments every {@code bin/bench DRIVER [MiB] [rounds] [small files]} takes. */
    public record Arguments(long sizeMib, int rounds, int smallFiles) {
        public static Arguments parse(String[] args, int defaultRounds) {
            return new Arguments(
                    args.length > 0 ? Long.parseLong(args[0]) : 1024,
                    args.length > 1 ? Integer.parseInt(args[1]) : defaultRounds,
                    args.length > 2 ? Integer.parseInt(args[2]) : 2000);
        }
    }

    /** A benchmark's work in its own temporary directory. */
    @FunctionalInterface
    public interface Benchmark {
        void run(Path work, Arguments arguments) throws Exception;
    }

    /**
     * A benchmark's main: parses {@link Arguments} and runs it in a temporary directory named after
     * the driver, removed afterwards whatever happens.
     */
    public static void main(String[] args, int defaultRounds, String driver, Benchmark benchmark) throws Exception {
        Arguments arguments = Arguments.parse(args, defaultRounds);
        Path work = Files.createTempDirectory(driver + "-bench-");
        try {
            benchmark.run(work, arguments);
        } finally {
            LocalTree.delete(work);
        }
    }

    private final int rounds;

    private SideBySide(int rounds) {
        this.rounds = rounds;
    }

    /**
     * A comparison of {@code rounds} rounds that starts by printing what it compares
     * ({@link String#format}, root locale).
     */
    @FormatMethod
    public static SideBySide titled(int rounds, @FormatString String format, Object... args) {
        System.out.println(String.format(Locale.ROOT, format, args));
        return new SideBySide(rounds);
    }

    public final List<Double> baselineUp = new ArrayList<>();
    public final List<Double> baselineDown = new ArrayList<>();
    public final List<Double> save = new ArrayList<>();
    public final List<Double> load = new ArrayList<>();

    public void run(Side baseline, Side driver) throws Exception {
        for (int round = 0; round < rounds; round++) {
            boolean baselineFirst = round % 2 == 0;
            (baselineFirst ? baseline : driver).run(round);
            System.gc();
            (baselineFirst ? driver : baseline).run(round);
            System.gc();
        }
    }

    /** Four rows: the baseline's upload and download, then the driver's Save and Load with ratios. */
    public void report(double mib, String baseline, String upName, String downName) {
        Measure.row(upName, Measure.median(baselineUp), mib, 0, baseline);
        Measure.row(downName, Measure.median(baselineDown), mib, 0, baseline);
        Measure.row("driver Save", Measure.median(save), mib, Measure.median(baselineUp), baseline);
        Measure.row("driver Load", Measure.median(load), mib, Measure.median(baselineDown), baseline);
    }
}
