package dev.argoartifact.driver.volume;

import dev.argoartifact.bench.Measure;
import dev.argoartifact.bench.SideBySide;
import dev.argoartifact.common.config.OperatorConfiguration;
import dev.argoartifact.conformance.DriverLauncher;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The volume driver against {@code cp} on the same disk, side by side in one run: Save, Load and
 * OpenStream of one large file through a driver process whose heap is capped, as in a pod, and the
 * driver's start-up time to a connectable socket. Prints ratios, not absolute claims. Run with
 * {@code bin/bench volume [MiB] [rounds] [start-up runs] [driver heap]} (1024, 6, 10, 64m); the
 * disk measured is the one holding the system's temporary directory.
 */
public final class VolumeBenchmark {
    private final long sizeMib;
    private final int rounds;
    private final int startupRuns;
    private final String heap;

    private VolumeBenchmark(SideBySide.Arguments a, String[] args) {
        this.sizeMib = a.sizeMib();
        this.rounds = a.rounds();
        this.startupRuns = args.length > 2 ? Integer.parseInt(args[2]) : 10;
        this.heap = args.length > 3 ? args[3] : "64m";
    }

    public static void main(String[] args) throws Exception {
        SideBySide.main(args, 6, "volume", (work, a) -> new VolumeBenchmark(a, args).run(work));
    }

    private void run(Path work) throws Exception {
        Path root = Files.createDirectories(work.resolve("volume"));
        Path source = TestData.write(work.resolve("source.bin"), sizeMib << 20, 1);
        String sourceDigest = TestData.sha256(source);
        System.out.printf(
                Locale.ROOT,
                "volume driver vs cp, %d MiB file on %s, driver heap -Xmx%s, %d rounds (medians)%n",
                sizeMib,
                work,
                heap,
                rounds);

        Path socket = work.resolve("plugin/socket");
        Process driver = startDriver(socket, work.resolve("driver.log"), root);
        try {
            awaitConnectable(socket, driver);
            ArtifactClient client = new ArtifactClient(socket, "bench");
            String configuration = ""; // the operator's root, as a workflow sends it
            List<Double> cpSave = new ArrayList<>();
            List<Double> cpLoad = new ArrayList<>();
            List<Double> save = new ArrayList<>();
            List<Double> load = new ArrayList<>();
            List<Double> stream = new ArrayList<>();
            for (int round = 0; round < rounds; round++) {
                // Each pair runs in alternating order across rounds, every run after a warm read of its
                // input and a sync, so neither side inherits a better page-cache or writeback state.
                boolean driverFirst = round % 2 == 1;
                Path cpSaveTarget = Files.createDirectories(work.resolve("cp-save-" + round))
                        .resolve("copy.bin");
                Path cpLoadTarget = Files.createDirectories(work.resolve("cp-load-" + round))
                        .resolve("copy.bin");
                String key = "bench/round-" + round + ".bin";
                Path stored = root.resolve(key);
                // Every write, cp's and the driver's, goes to a fresh directory: ext4 places new
                // directories in new block groups, and reusing a just-deleted spot (with discard) is slower.
                Timed cpSource = () -> timeCp(source, cpSaveTarget);
                Timed driverSave = () -> {
                    prepare(source);
                    long t = System.nanoTime();
                    Measure.check(client.save(source, client.artifact(configuration, key)));
                    return Measure.secondsSince(t);
                };
                if (driverFirst) {
                    save.add(driverSave.run());
                    cpSave.add(cpSource.run());
                } else {
                    cpSave.add(cpSource.run());
                    save.add(driverSave.run());
                }

                Path target =
                        Files.createDirectories(work.resolve("in-" + round)).resolve("artifact.tmp");
                Timed cpStored = () -> timeCp(stored, cpLoadTarget);
                Timed driverLoad = () -> {
                    prepare(stored);
                    long t = System.nanoTime();
                    Measure.check(client.load(client.artifact(configuration, key), target));
                    return Measure.secondsSince(t);
                };
                if (driverFirst) {
                    load.add(driverLoad.run());
                    cpLoad.add(cpStored.run());
                } else {
                    cpLoad.add(cpStored.run());
                    load.add(driverLoad.run());
                }
                if (round == 0 && !TestData.sha256(target).equals(sourceDigest)) {
                    throw new IOException("loaded file differs from the source");
                }
                Files.delete(target);

                prepare(stored);
                long t = System.nanoTime();
                ArtifactClient.StreamReport report =
                        client.openStream(client.artifact(configuration, key), OutputStream.nullOutputStream(), 0);
                stream.add(Measure.secondsSince(t));
                if (!report.ok() || report.bytes() != sizeMib << 20) {
                    throw new IOException("OpenStream failed: " + report.error());
                }
                Measure.check(client.delete(client.artifact(configuration, key)));
            }
            double mib = sizeMib;
            System.out.printf(
                    Locale.ROOT,
                    "  cp source     %6.2f s  %7.0f MiB/s   (baseline for Save)%n",
                    Measure.median(cpSave),
                    mib / Measure.median(cpSave));
            System.out.printf(
                    Locale.ROOT,
                    "  cp stored     %6.2f s  %7.0f MiB/s   (baseline for Load and OpenStream)%n",
                    Measure.median(cpLoad),
                    mib / Measure.median(cpLoad));
            Measure.row("Save", Measure.median(save), mib, Measure.median(cpSave), "cp");
            Measure.row("Load", Measure.median(load), mib, Measure.median(cpLoad), "cp");
            Measure.row("OpenStream", Measure.median(stream), mib, Measure.median(cpLoad), "cp");
            System.out.printf(
                    Locale.ROOT,
                    "  OpenStream of %d MiB completed with the driver's heap capped at %s: %s%n",
                    sizeMib,
                    heap,
                    driver.isAlive() ? "yes (driver still alive)" : "NO (driver died)");
        } finally {
            stop(driver);
        }

        List<Double> startups = new ArrayList<>();
        for (int i = 0; i < startupRuns; i++) {
            Path s = work.resolve("start-" + i + "/socket");
            long t = System.nanoTime();
            Process p = startDriver(s, work.resolve("start.log"), root);
            try {
                awaitConnectable(s, p);
                new ArtifactClient(s, "bench").health();
                startups.add(Measure.secondsSince(t) * 1000);
            } finally {
                stop(p);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "  start-up to first gRPC call: median %.0f ms over %d runs (min %.0f, max %.0f)%n",
                Measure.median(startups),
                startupRuns,
                startups.stream().min(Double::compare).orElse(0d),
                startups.stream().max(Double::compare).orElse(0d));
    }

    @FunctionalInterface
    private interface Timed {
        double run() throws IOException, InterruptedException;
    }

    /** The same precondition for every timed run: input read once (cached), dirty pages flushed. */
    private static void prepare(Path input) throws IOException, InterruptedException {
        warm(input);
        Measure.syncDisks();
    }

    /** Times {@code cp} of one file, after {@link #prepare}; removes the copy. */
    private static double timeCp(Path from, Path to) throws IOException, InterruptedException {
        prepare(from);
        long t = System.nanoTime();
        Process cp = new ProcessBuilder("cp", from.toString(), to.toString())
                .inheritIO()
                .start();
        if (cp.waitFor() != 0) {
            throw new IOException("cp failed");
        }
        double elapsed = Measure.secondsSince(t);
        Files.delete(to);
        return elapsed;
    }

    /** Reads a file once (untimed) so that both sides of a comparison read it from the page cache. */
    private static void warm(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    /** The driver as a pod runs it, with the operator's configuration naming {@code root}. */
    private Process startDriver(Path socket, Path log, Path root) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(
                java,
                "-Xmx" + heap,
                "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1",
                "-Xshare:auto",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.argoartifact.common.server.DriverMain",
                socket.toString());
        builder.environment().put("ARGO_ARTIFACT_DRIVER", "volume");
        builder.environment().put("ARGO_ARTIFACT_LOG_LEVEL", "warn");
        builder.environment().put(OperatorConfiguration.ENV, "root: " + root);
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return builder.start();
    }

    private static void awaitConnectable(Path socket, Process process) throws Exception {
        DriverLauncher.awaitConnectable(socket, process, java.time.Duration.ofSeconds(30));
    }

    private static void stop(Process p) throws InterruptedException {
        p.destroy();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
    }
}
