package dev.argoartifact.bench;

import com.google.errorprone.annotations.FormatMethod;
import com.google.errorprone.annotations.FormatString;
import dev.argoartifact.common.transfer.LocalTree;
import dev.argoartifact.conformance.TcpProxy;
import dev.argoartifact.conformance.client.ArtifactClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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

    /**
     * The command-line arguments every {@code bin/bench DRIVER [MiB] [rounds] [small files] [--rtt MS]}
     * takes. With {@code --rtt}, a benchmark reaches its backend {@link #through} a {@link TcpProxy}
     * that adds half the round trip each way; 10 ms by default, 0 for the backend on loopback.
     * With {@code --sweep CSV}, the small-files part is {@link InFlightSweep}'s instead of the table.
     */
    public static final class Arguments {
        static final Duration DEFAULT_ROUND_TRIP = Duration.ofMillis(10);

        private final long sizeMib;
        private final int rounds;
        private final int smallFiles;
        private final Duration roundTrip;
        private final Path sweep;
        private final List<TcpProxy> proxies = new ArrayList<>();

        Arguments(long sizeMib, int rounds, int smallFiles, Duration roundTrip, Path sweep) {
            this.sizeMib = sizeMib;
            this.rounds = rounds;
            this.smallFiles = smallFiles;
            this.roundTrip = roundTrip;
            this.sweep = sweep;
        }

        public static Arguments parse(String[] args, int defaultRounds) {
            List<String> positional = new ArrayList<>(List.of(args));
            // Users run 5 to 50 ms from their storage: that is the default, and 0 is loopback.
            Duration roundTrip = DEFAULT_ROUND_TRIP;
            int rtt = positional.indexOf("--rtt");
            if (rtt >= 0) {
                roundTrip = Duration.ofMillis(Long.parseLong(positional.get(rtt + 1)));
                positional.subList(rtt, rtt + 2).clear();
            }
            Path sweep = null;
            int csv = positional.indexOf("--sweep");
            if (csv >= 0) {
                sweep = Path.of(positional.get(csv + 1));
                positional.subList(csv, csv + 2).clear();
            }
            return new Arguments(
                    positional.size() > 0 ? Long.parseLong(positional.get(0)) : 1024,
                    positional.size() > 1 ? Integer.parseInt(positional.get(1)) : defaultRounds,
                    positional.size() > 2 ? Integer.parseInt(positional.get(2)) : 2000,
                    roundTrip,
                    sweep);
        }

        public long sizeMib() {
            return sizeMib;
        }

        public int rounds() {
            return rounds;
        }

        public int smallFiles() {
            return smallFiles;
        }

        public Duration roundTrip() {
            return roundTrip;
        }

        /** The CSV file that {@link InFlightSweep} adds its rows to, or null for the table. */
        public Path sweep() {
            return sweep;
        }

        /** The port to reach a loopback backend on: its own, or a proxy's that adds the round trip. */
        public synchronized int through(int backendPort) throws IOException {
            if (roundTrip.isZero()) {
                return backendPort;
            }
            TcpProxy proxy = new TcpProxy(backendPort, roundTrip.dividedBy(2));
            proxies.add(proxy);
            return proxy.port();
        }

        /** "on loopback" or "10 ms away", for titles. */
        public String distance() {
            return roundTrip.isZero() ? "on loopback" : roundTrip.toMillis() + " ms round trip away";
        }
    }

    /** A benchmark's work in its own temporary directory. */
    @FunctionalInterface
    public interface Benchmark {
        void run(Path work, Arguments arguments) throws Exception;
    }

    /**
     * A benchmark's main: parses {@link Arguments} and runs it in a temporary directory named after
     * the driver, removed afterwards whatever happens. A round trip the benchmark never put between
     * itself and its backend is an error, not a loopback figure passed off as a remote one.
     */
    public static void main(String[] args, int defaultRounds, String driver, Benchmark benchmark) throws Exception {
        Arguments arguments = Arguments.parse(args, defaultRounds);
        Path work = Files.createTempDirectory(driver + "-bench-");
        try {
            benchmark.run(work, arguments);
        } finally {
            for (TcpProxy proxy : arguments.proxies) {
                proxy.close();
            }
            LocalTree.delete(work);
        }
        if (!arguments.roundTrip.isZero() && arguments.proxies.isEmpty()) {
            throw new IllegalArgumentException("the " + driver
                    + " benchmark does not reach its backend through the latency proxy: run it without --rtt");
        }
    }

    private final int rounds;

    private SideBySide(int rounds) {
        this.rounds = rounds;
    }

    /**
     * A comparison of {@code rounds} rounds that starts by printing what it compares
     * ({@link String#format}, root locale); with no rounds, it prints nothing at all.
     */
    @FormatMethod
    public static SideBySide titled(int rounds, @FormatString String format, Object... args) {
        if (rounds > 0) {
            System.out.println(String.format(Locale.ROOT, format, args));
        }
        return new SideBySide(rounds);
    }

    private final List<Double> baselineUp = new ArrayList<>();
    private final List<Double> baselineDown = new ArrayList<>();
    private final List<Double> save = new ArrayList<>();
    private final List<Double> load = new ArrayList<>();
    private final List<Measure.Usage> saveUsage = new ArrayList<>();
    private final List<Measure.Usage> loadUsage = new ArrayList<>();
    private final List<Measure.Usage> upUsage = new ArrayList<>();
    private final List<Measure.Usage> downUsage = new ArrayList<>();
    private long driverPid;

    /** Times the baseline's upload of one round (after an untimed sync); the report adds the machine's CPU. */
    public void timeBaselineUp(Measure.Step upload) throws Exception {
        Measure.syncDisks();
        upUsage.add(Measure.measure(0, 0, upload));
        baselineUp.add(upUsage.getLast().seconds());
    }

    /** Times the baseline's download of one round (after an untimed sync), as {@link #timeBaselineUp}. */
    public void timeBaselineDown(Measure.Step download) throws Exception {
        Measure.syncDisks();
        downUsage.add(Measure.measure(0, 0, download));
        baselineDown.add(downUsage.getLast().seconds());
    }

    /**
     * The driver's side of each round ({@link Measure#driverRound}): Save and Load of {@code source}
     * with {@code configuration}; with the driver's process ({@code driverPid}, 0 when it runs in
     * this JVM) the report adds its CPU seconds per GiB.
     */
    public Side driver(ArtifactClient client, long driverPid, String configuration, Path source, Path work) {
        this.driverPid = driverPid;
        return round -> {
            Measure.driverRound(client, driverPid, configuration, source, work, round, saveUsage, loadUsage);
            save.add(saveUsage.getLast().seconds());
            load.add(loadUsage.getLast().seconds());
        };
    }

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
        if (rounds == 0) {
            return;
        }
        Measure.row(upName, Measure.median(baselineUp), mib, 0, baseline);
        Measure.row(downName, Measure.median(baselineDown), mib, 0, baseline);
        Measure.row("driver Save", Measure.median(save), mib, Measure.median(baselineUp), baseline);
        Measure.row("driver Load", Measure.median(load), mib, Measure.median(baselineDown), baseline);
        if (driverPid != 0 && !saveUsage.isEmpty()) {
            double gib = mib / 1024 * rounds;
            System.out.printf(
                    Locale.ROOT,
                    "  driver CPU: Save %.1f s/GiB, Load %.1f s/GiB (machine %.0f %% and %.0f %% busy)%n",
                    saveUsage.stream().mapToDouble(Measure.Usage::driverCpu).sum() / gib,
                    loadUsage.stream().mapToDouble(Measure.Usage::driverCpu).sum() / gib,
                    saveUsage.stream()
                            .mapToDouble(Measure.Usage::busyPercent)
                            .average()
                            .orElse(Double.NaN),
                    loadUsage.stream()
                            .mapToDouble(Measure.Usage::busyPercent)
                            .average()
                            .orElse(Double.NaN));
        }
        if (!upUsage.isEmpty() && !saveUsage.isEmpty()) {
            double gib = mib / 1024 * rounds;
            System.out.printf(
                    Locale.ROOT,
                    "  machine CPU per GiB: %s up %s, down %s; driver Save %s, Load %s%n",
                    baseline,
                    machinePerGib(upUsage, gib),
                    machinePerGib(downUsage, gib),
                    machinePerGib(saveUsage, gib),
                    machinePerGib(loadUsage, gib));
        }
    }

    /** "1.9 s (78 % busy)": the machine's CPU seconds per GiB over a side's rounds, and how busy. */
    private static String machinePerGib(List<Measure.Usage> side, double gib) {
        return String.format(
                Locale.ROOT,
                "%.1f s (%.0f %% busy)",
                side.stream().mapToDouble(Measure.Usage::machineCpu).sum() / gib,
                side.stream().mapToDouble(Measure.Usage::busyPercent).average().orElse(Double.NaN));
    }
}
