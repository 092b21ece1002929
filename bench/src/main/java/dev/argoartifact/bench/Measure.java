package dev.argoartifact.bench;

import dev.argoartifact.common.transfer.TransferSettings;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;
import java.util.stream.Stream;

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
        System.out.printf(
                Locale.ROOT,
                "  %-20s %6.2f s  %7.0f MiB/s%s%n",
                name,
                seconds,
                mib / seconds,
                baselineSeconds > 0
                        ? String.format(Locale.ROOT, "   ratio to %s %.2f", baselineName, baselineSeconds / seconds)
                        : "");
    }

    /** A tree of {@code files} files of 16 KiB in 20 directories, the small-files benchmark's input. */
    public static Path smallFiles(Path dir, int files) throws IOException {
        for (int i = 0; i < files; i++) {
            TestData.write(dir.resolve("d" + (i % 20)).resolve("f" + i + ".bin"), 16 * 1024, i);
        }
        return dir;
    }

    /** The regular files under {@code tree}, for peers that take a list of files. */
    public static List<Path> filesUnder(Path tree) throws IOException {
        try (Stream<Path> walk = Files.walk(tree)) {
            return walk.filter(Files::isRegularFile).toList();
        }
    }

    /**
     * Saves and loads a tree of small files one after another ({@code serial}, typically
     * {@code filesInFlight: 1}) and in parallel ({@code parallel}), side by side, and prints the
     * ratios. Returns {serial Save, parallel Save, serial Load, parallel Load} in seconds.
     */
    public static double[] smallFilesSerialVersusParallel(
            ArtifactClient client, Path work, int files, String serial, String parallel) throws IOException {
        Path tree = smallFiles(work.resolve("small"), files);
        long t = System.nanoTime();
        check(client.save(tree, client.artifact(serial, "small-serial")));
        double serialSave = secondsSince(t);
        t = System.nanoTime();
        check(client.save(tree, client.artifact(parallel, "small-parallel")));
        double parallelSave = secondsSince(t);
        t = System.nanoTime();
        check(client.load(client.artifact(serial, "small-serial"), work.resolve("small-serial-in")));
        double serialLoad = secondsSince(t);
        t = System.nanoTime();
        check(client.load(client.artifact(parallel, "small-parallel"), work.resolve("small-parallel-in")));
        double parallelLoad = secondsSince(t);
        System.out.printf(
                Locale.ROOT,
                "  %d files of 16 KiB: Save one after another %.2f s, in parallel %.2f s: %.1fx; "
                        + "Load one after another %.2f s, in parallel %.2f s: %.1fx%n",
                files,
                serialSave,
                parallelSave,
                serialSave / parallelSave,
                serialLoad,
                parallelLoad,
                serialLoad / parallelLoad);
        return new double[] {serialSave, parallelSave, serialLoad, parallelLoad};
    }

    /** CPU seconds a process has used so far (user and system, from /proc), or NaN when unknown. */
    public static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ", -1);
            // utime and stime, fields 14 and 15 of proc(5), in clock ticks of 1/100 s on Linux.
            return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Busy and total jiffies of all CPUs so far, from /proc/stat: busy share = delta busy / delta total. */
    public static long[] machineCpu() {
        try {
            String[] f =
                    Files.readAllLines(Path.of("/proc/stat")).getFirst().trim().split("\\s+", -1);
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            long total = 0;
            for (int i = 1; i < f.length; i++) {
                total += Long.parseLong(f[i]);
            }
            return new long[] {total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[] {0, 0};
        }
    }

    /** The share of the machine's CPUs busy between two {@link #machineCpu()} snapshots, in percent. */
    public static double busyPercent(long[] before, long[] after) {
        long total = after[1] - before[1];
        return total == 0 ? Double.NaN : 100.0 * (after[0] - before[0]) / total;
    }

    /** What one timed run used: its seconds, the driver's and the backend's CPU seconds, and the machine's. */
    public record Usage(double seconds, double driverCpu, double backendCpu, double machineCpu, double busyPercent) {
        /** "3.2 s (23 %)": the machine's CPU seconds and how busy its CPUs were. */
        String machine() {
            return String.format(Locale.ROOT, "%.1f s (%.0f %%)", machineCpu, busyPercent);
        }

        String backend() {
            return Double.isNaN(backendCpu) ? "-" : String.format(Locale.ROOT, "%.1f s", backendCpu);
        }
    }

    /** A step to time. */
    @FunctionalInterface
    public interface Step {
        void run() throws Exception;
    }

    /** Times {@code step} and what the driver (pid, 0 when unknown), the backend and the machine spent on it. */
    public static Usage measure(long driverPid, long backendPid, Step step) throws Exception {
        double driver = cpuSeconds(driverPid);
        double backend = cpuSeconds(backendPid);
        long[] machine = machineCpu();
        long t = System.nanoTime();
        step.run();
        double seconds = secondsSince(t);
        long[] after = machineCpu();
        return new Usage(
                seconds,
                cpuSeconds(driverPid) - driver,
                cpuSeconds(backendPid) - backend,
                (after[0] - machine[0]) / 100.0,
                busyPercent(machine, after));
    }

    /**
     * The small-files table of issue #19: a tree of {@code a.smallFiles()} files of 16 KiB saved
     * and loaded one after another ({@code inFlight} of 1), with the driver's defaults and by
     * {@code peer} with as many files in flight as the driver's default; per direction both ratios, the driver's CPU seconds per GiB in parallel, and
     * for the driver's and the peer's runs the CPU seconds of the backend's process and of the
     * whole machine (driver or peer, backend and proxy share two CPUs: near 100 % busy, a figure
     * measures this machine, and the CPU seconds say which side costs more). The peer goes second
     * on Save and first on Load. A pid of 0 is unknown (a driver inside the benchmark's JVM); a
     * backend in the benchmark's own JVM also counts the peer's work when the peer runs there.
     * With {@code --sweep}, {@link InFlightSweep} runs instead: {@code inFlight} turns a number of
     * files in flight into the driver's configuration.
     */
    public static void smallFilesAgainstPeer(
            ArtifactClient client,
            long driverPid,
            long backendPid,
            Path work,
            SideBySide.Arguments a,
            IntFunction<String> inFlight,
            DirectoryPeer peer,
            String distance)
            throws Exception {
        int files = a.smallFiles();
        if (files == 0) {
            return;
        }
        if (a.sweep() != null) {
            InFlightSweep.run(client, work, files, inFlight, peer, a.roundTrip(), a.sweep());
            return;
        }
        String serial = inFlight.apply(1);
        String parallel = "";
        int peerInFlight = TransferSettings.defaults().filesInFlight();
        Path tree = smallFiles(work.resolve("small"), files);
        double gib = files * 16.0 / (1 << 20);
        Usage serialSave = measure(0, 0, () -> check(client.save(tree, client.artifact(serial, "small-serial"))));
        Usage save = measure(
                driverPid, backendPid, () -> check(client.save(tree, client.artifact(parallel, "small-parallel"))));
        Usage peerSave = measure(0, backendPid, () -> peer.upload(tree, "small-peer", peerInFlight));
        Usage peerLoad =
                measure(0, backendPid, () -> peer.download("small-peer", work.resolve("small-peer-in"), peerInFlight));
        // BENCH_JAVA_OPTS=-Dbench.listFirst=true: the driver lists the directory once before its
        // timed Load, which tells what a cold listing costs that Load (its code is compiled then).
        if (Boolean.getBoolean("bench.listFirst")) {
            ArtifactClient.ListReply listed = client.listObjects(client.artifact(parallel, "small-parallel"));
            if (listed.objects().size() != files) {
                throw new IOException("the listing before the Load gave "
                        + listed.objects().size() + " of " + files + " files " + listed.error());
            }
        }
        Usage load = measure(
                driverPid,
                backendPid,
                () -> check(
                        client.load(client.artifact(parallel, "small-parallel"), work.resolve("small-parallel-in"))));
        Usage serialLoad = measure(
                0,
                0,
                () -> check(client.load(client.artifact(serial, "small-serial"), work.resolve("small-serial-in"))));
        if (!TestData.sha256(work.resolve("small-parallel-in/d7/f7.bin"))
                .equals(TestData.sha256(tree.resolve("d7/f7.bin")))) {
            throw new IOException("a loaded file differs");
        }
        System.out.printf(Locale.ROOT, "%d files of 16 KiB, %s%n", files, distance);
        System.out.printf(
                Locale.ROOT,
                "  |      | driver, defaults | driver serial | parallel/serial | %s | vs peer | driver CPU s/GiB"
                        + " | backend CPU: driver run | peer run | machine CPU: driver run | peer run |%n",
                peer.name(peerInFlight));
        tableRow("Save", save, serialSave, peerSave, peer.name(peerInFlight).length(), gib);
        tableRow("Load", load, serialLoad, peerLoad, peer.name(peerInFlight).length(), gib);
        // BENCH_JAVA_OPTS=-Dbench.loadsAgain=N: both Loads N more times, the driver in the same JVM,
        // which tells the JVM's warm-up (JIT compilation, class loading) from the driver's own work;
        // the backend warms up for both alike.
        for (int again = 1; again <= Integer.getInteger("bench.loadsAgain", 0); again++) {
            Path target = work.resolve("small-again-" + again);
            Path peerTarget = work.resolve("small-again-peer-" + again);
            Usage peerAgain = measure(0, backendPid, () -> peer.download("small-peer", peerTarget, peerInFlight));
            Usage usage = measure(
                    driverPid,
                    backendPid,
                    () -> check(client.load(client.artifact(parallel, "small-parallel"), target)));
            System.out.printf(
                    Locale.ROOT,
                    "  Load again (%d): %.2f s, peer %.2f s: %.2fx; driver CPU %.1f s/GiB; machine %s / %s%n",
                    again,
                    usage.seconds(),
                    peerAgain.seconds(),
                    peerAgain.seconds() / usage.seconds(),
                    usage.driverCpu() / gib,
                    usage.machine(),
                    peerAgain.machine());
        }
    }

    private static void tableRow(String op, Usage parallel, Usage serial, Usage peer, int peerWidth, double gib) {
        String peerCell = String.format(Locale.ROOT, "%.2f s", peer.seconds());
        double cpu = parallel.driverCpu() / gib;
        System.out.printf(
                Locale.ROOT,
                "  | %-4s | %14.2f s | %11.2f s | %14.1fx | %s | %6.2fx | %16s | %23s | %8s | %23s | %12s |%n",
                op,
                parallel.seconds(),
                serial.seconds(),
                serial.seconds() / parallel.seconds(),
                " ".repeat(Math.max(0, peerWidth - peerCell.length())) + peerCell,
                peer.seconds() / parallel.seconds(),
                Double.isNaN(cpu) ? "-" : String.format(Locale.ROOT, "%.1f", cpu),
                parallel.backend(),
                peer.backend(),
                parallel.machine(),
                peer.machine());
    }

    /**
     * The driver's side of one round of a side-by-side benchmark: Save {@code source} under a fresh
     * key, Load it back (checked against the source in the first round), delete it; each timed after
     * an untimed {@link #syncDisks()}. Adds the seconds to {@code saves} and {@code loads}.
     */
    public static void driverRound(
            ArtifactClient client,
            String configuration,
            Path source,
            Path work,
            int round,
            List<Double> saves,
            List<Double> loads)
            throws Exception {
        List<Usage> saveUsage = new ArrayList<>();
        List<Usage> loadUsage = new ArrayList<>();
        driverRound(client, 0, configuration, source, work, round, saveUsage, loadUsage);
        saves.add(saveUsage.getFirst().seconds());
        loads.add(loadUsage.getFirst().seconds());
    }

    /** The same, adding what each step used, the driver's CPU too when {@code driverPid} is its process. */
    public static void driverRound(
            ArtifactClient client,
            long driverPid,
            String configuration,
            Path source,
            Path work,
            int round,
            List<Usage> saves,
            List<Usage> loads)
            throws Exception {
        String key = "driver-" + round;
        syncDisks();
        saves.add(measure(driverPid, 0, () -> check(client.save(source, client.artifact(configuration, key)))));
        Path target = java.nio.file.Files.createDirectories(work.resolve("in-" + round))
                .resolve("a.tmp");
        syncDisks();
        loads.add(measure(driverPid, 0, () -> check(client.load(client.artifact(configuration, key), target))));
        if (round == 0 && !TestData.sha256(target).equals(TestData.sha256(source))) {
            throw new IOException("loaded file differs");
        }
        java.nio.file.Files.delete(target);
        check(client.delete(client.artifact(configuration, key)));
    }

    /**
     * {@link #loadSideBySide} of {@code transfer.maxUnflushedBytes} 16 MiB (the default under a
     * memory limit) against 0 (the default without); {@code withMaxUnflushedBytes} turns a value
     * into the driver's configuration.
     */
    public static void flushedVersusKernelLoads(
            ArtifactClient client,
            String key,
            Path work,
            int rounds,
            java.util.function.LongFunction<String> withMaxUnflushedBytes)
            throws IOException, InterruptedException {
        if (rounds == 0) {
            return;
        }
        System.out.printf(
                Locale.ROOT,
                "Load keeping at most 16 MiB unflushed (the default under a memory limit)"
                        + " against leaving write-back to the kernel (the default without)%n");
        loadSideBySide(
                client,
                key,
                work,
                rounds,
                "16 MiB unflushed",
                withMaxUnflushedBytes.apply(16L << 20),
                "kernel",
                withMaxUnflushedBytes.apply(0));
    }

    /**
     * Loads the object at {@code key} under two configurations, alternating which goes first, and
     * prints the medians of the Load alone and of the Load until its bytes are on disk (Load then
     * {@code sync}): a setting that writes back during the Load pays inside it what the other leaves
     * to the kernel for later.
     */
    public static void loadSideBySide(
            ArtifactClient client,
            String key,
            Path work,
            int rounds,
            String nameA,
            String configA,
            String nameB,
            String configB)
            throws IOException, InterruptedException {
        List<List<Double>> load = List.of(new ArrayList<>(), new ArrayList<>());
        List<List<Double>> durable = List.of(new ArrayList<>(), new ArrayList<>());
        String[] configs = {configA, configB};
        for (int round = 0; round < rounds; round++) {
            for (int turn = 0; turn < 2; turn++) {
                int side = (round + turn) % 2;
                Path target = java.nio.file.Files.createDirectories(work.resolve("side-" + side + "-" + round))
                        .resolve("a.tmp");
                syncDisks();
                long t = System.nanoTime();
                check(client.load(client.artifact(configs[side], key), target));
                load.get(side).add(secondsSince(t));
                syncDisks();
                durable.get(side).add(secondsSince(t));
                java.nio.file.Files.delete(target);
            }
        }
        System.out.printf(
                Locale.ROOT,
                "  Load, medians of %d rounds:   %s %.2f s, %s %.2f s (ratio %.2f; above 1, the first is faster)%n",
                rounds,
                nameA,
                median(load.get(0)),
                nameB,
                median(load.get(1)),
                median(load.get(1)) / median(load.get(0)));
        System.out.printf(
                Locale.ROOT,
                "  Load until on disk (+ sync): %s %.2f s, %s %.2f s (ratio %.2f)%n",
                nameA,
                median(durable.get(0)),
                nameB,
                median(durable.get(1)),
                median(durable.get(1)) / median(durable.get(0)));
    }
}
