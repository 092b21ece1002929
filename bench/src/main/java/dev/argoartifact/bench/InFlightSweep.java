package dev.argoartifact.bench;

import dev.argoartifact.common.transfer.LocalTree;
import dev.argoartifact.conformance.client.ArtifactClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * The driver and its peer moving the same tree of small files with 1, 4, 16 and 64 files in
 * flight, Save and Load, side by side (the side that goes first alternates), each row added to a
 * CSV that {@link InFlightPlot} draws. {@code bin/bench DRIVER plot} runs it once per round trip.
 */
public final class InFlightSweep {
    static final List<Integer> IN_FLIGHT = List.of(1, 4, 16, 64);
    static final String HEADER = "round_trip_ms,tool,direction,in_flight,seconds";

    private InFlightSweep() {}

    public static void run(
            ArtifactClient client,
            Path work,
            int files,
            IntFunction<String> inFlight,
            DirectoryPeer peer,
            Duration roundTrip,
            Path csv)
            throws Exception {
        Path tree = Measure.smallFiles(work.resolve("sweep"), files);
        long rtt = roundTrip.toMillis();
        System.out.printf(
                Locale.ROOT,
                "%d files of 16 KiB, %d ms round trip: seconds by files in flight, driver | %s%n",
                files,
                rtt,
                peer.name());
        // Untimed, once each: the driver's JVM and the peer's code paths warm, the first point fair.
        String warm = inFlight.apply(16);
        Measure.check(client.save(tree, client.artifact(warm, "sweep-warm")));
        Measure.check(client.load(client.artifact(warm, "sweep-warm"), work.resolve("sweep-warm-in")));
        peer.upload(tree, "sweep-warm-peer", 16);
        peer.download("sweep-warm-peer", work.resolve("sweep-warm-peer-in"), 16);
        LocalTree.delete(work.resolve("sweep-warm-in"));
        LocalTree.delete(work.resolve("sweep-warm-peer-in"));
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < IN_FLIGHT.size(); i++) {
            int n = IN_FLIGHT.get(i);
            String configuration = inFlight.apply(n);
            String key = "sweep-" + n;
            String peerName = "sweep-peer-" + n;
            Path driverIn = work.resolve("sweep-in-" + n);
            Path peerIn = work.resolve("sweep-peer-in-" + n);
            boolean driverFirst = i % 2 == 0;
            double[] save = sideBySide(
                    driverFirst,
                    () -> Measure.check(client.save(tree, client.artifact(configuration, key))),
                    () -> peer.upload(tree, peerName, n));
            double[] load = sideBySide(
                    !driverFirst,
                    () -> Measure.check(client.load(client.artifact(configuration, key), driverIn)),
                    () -> peer.download(peerName, peerIn, n));
            expectFiles(driverIn, files, "the driver");
            expectFiles(peerIn, files, peer.name());
            LocalTree.delete(driverIn);
            LocalTree.delete(peerIn);
            System.out.printf(
                    Locale.ROOT,
                    "  %2d in flight: Save %7.2f s | %7.2f s, Load %7.2f s | %7.2f s%n",
                    n,
                    save[0],
                    save[1],
                    load[0],
                    load[1]);
            rows.add(row(rtt, "driver", "Save", n, save[0]));
            rows.add(row(rtt, peer.name(), "Save", n, save[1]));
            rows.add(row(rtt, "driver", "Load", n, load[0]));
            rows.add(row(rtt, peer.name(), "Load", n, load[1]));
        }
        if (!Files.exists(csv)) {
            Files.writeString(csv, HEADER + "\n");
        }
        Files.write(csv, rows, StandardOpenOption.APPEND);
    }

    /** Runs both steps, {@code driverFirst} or not, each after an untimed sync; {driver, peer} seconds. */
    private static double[] sideBySide(boolean driverFirst, Measure.Step driver, Measure.Step peer) throws Exception {
        double[] seconds = new double[2];
        for (int turn = 0; turn < 2; turn++) {
            boolean driversTurn = (turn == 0) == driverFirst;
            Measure.syncDisks();
            seconds[driversTurn ? 0 : 1] =
                    Measure.measure(0, 0, driversTurn ? driver : peer).seconds();
        }
        return seconds;
    }

    private static void expectFiles(Path dir, int files, String who) throws IOException {
        int found = Measure.filesUnder(dir).size();
        if (found != files) {
            throw new IOException(who + " loaded " + found + " files instead of " + files + " into " + dir);
        }
    }

    private static String row(long rtt, String tool, String direction, int inFlight, double seconds) {
        // Tool names hold no commas or quotes: one plain CSV field.
        return String.format(Locale.ROOT, "%d,%s,%s,%d,%.3f", rtt, tool, direction, inFlight, seconds);
    }
}
