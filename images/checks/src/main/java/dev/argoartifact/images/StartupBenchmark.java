package dev.argoartifact.images;

import com.fasterxml.jackson.databind.JsonNode;
import dev.argoartifact.bench.Measure;
import dev.argoartifact.common.transfer.LocalTree;
import dev.argoartifact.conformance.client.ArtifactClient;
import io.grpc.health.v1.HealthCheckResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Start-up of each driver image, from process start to the first successful gRPC call (health)
 * on its socket, with the image's own JVM flags, with and without its AOT cache, side by side
 * (alternating). The JVM runs from the image's root filesystem (chroot, as UID 8737), without the
 * container runtime's own set-up time, which is the same for any image. Needs root.
 * Run with {@code bin/images bench-startup [driver...]}.
 */
public final class StartupBenchmark {
    private StartupBenchmark() {}

    public static void main(String[] args) throws Exception {
        Podman podman = new Podman(Podman.repositoryRoot());
        int rounds = Integer.getInteger("rounds", 10);
        System.out.printf(
                Locale.ROOT,
                "process start to first gRPC call (health), medians of %d, same JVM flags as the image%n",
                rounds);
        for (String driver : args) {
            String image = "ghcr.io/argo-artifact-drivers/" + driver + ":0.1.0-SNAPSHOT";
            JsonNode entrypoint = podman.inspect(image).path("Config").path("Entrypoint");
            List<String> withCache = new ArrayList<>();
            entrypoint.forEach(e -> withCache.add(e.asText()));
            withCache.set(0, "/opt/java/bin/java");
            List<String> withoutCache = withCache.stream()
                    .filter(a -> !a.startsWith("-XX:AOTCache="))
                    .toList();
            String container = podman.check(List.of("create", "--pull=never", image), 60)
                    .output()
                    .strip()
                    .lines()
                    .reduce((a, b) -> b)
                    .orElseThrow();
            Path root = Path.of(
                    podman.check(List.of("mount", container), 60).output().strip());
            List<Double> cached = new ArrayList<>();
            List<Double> plain = new ArrayList<>();
            // Socket paths are limited to 107 bytes: bind a short host directory into the image's /tmp.
            Path sockets = Files.createTempDirectory(Path.of("/tmp"), "startup-");
            try {
                mount("proc", root.resolve("proc"), "-t", "proc", "proc");
                mount("dev", root.resolve("dev"), "--bind", "/dev");
                new ProcessBuilder("chmod", "777", sockets.toString()).start().waitFor();
                mount("socket directory", root.resolve("tmp/startup"), "--bind", sockets.toString());
                for (int round = 0; round < rounds; round++) {
                    boolean cacheFirst = round % 2 == 0;
                    for (int side = 0; side < 2; side++) {
                        boolean cache = (side == 0) == cacheFirst;
                        double seconds = startOnce(root, cache ? withCache : withoutCache, sockets);
                        (cache ? cached : plain).add(seconds);
                    }
                }
            } finally {
                new ProcessBuilder("umount", root.resolve("proc").toString())
                        .start()
                        .waitFor();
                new ProcessBuilder("umount", root.resolve("dev").toString())
                        .start()
                        .waitFor();
                new ProcessBuilder("umount", root.resolve("tmp/startup").toString())
                        .start()
                        .waitFor();
                podman.run(List.of("umount", container), 60);
                podman.remove(container);
                LocalTree.delete(sockets);
            }
            double withMs = Measure.median(cached) * 1000;
            double withoutMs = Measure.median(plain) * 1000;
            System.out.printf(
                    Locale.ROOT,
                    "  %-7s with the AOT cache %5.0f ms   without %5.0f ms   %.1fx faster%n",
                    driver,
                    withMs,
                    withoutMs,
                    withoutMs / withMs);
        }
    }

    private static void mount(String what, Path target, String... args) throws Exception {
        Files.createDirectories(target);
        List<String> command = new ArrayList<>(List.of("mount"));
        command.addAll(List.of(args));
        command.add(target.toString());
        if (new ProcessBuilder(command).inheritIO().start().waitFor() != 0) {
            throw new IllegalStateException("cannot mount " + what + " into " + target + " (needs root)");
        }
    }

    private static double startOnce(Path root, List<String> javaCommand, Path sockets) throws Exception {
        Path socket = sockets.resolve("socket");
        Files.deleteIfExists(socket);
        List<String> command = new ArrayList<>(List.of("chroot", "--userspec=8737:8737", root.toString()));
        command.addAll(javaCommand);
        command.add("/tmp/startup/socket");
        long start = System.nanoTime();
        Path log = sockets.resolve("driver.log");
        Process p = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        try {
            ArtifactClient client = new ArtifactClient(socket, "startup", java.time.Duration.ofSeconds(5));
            while (true) {
                if (!p.isAlive() || Measure.secondsSince(start) > 30) {
                    throw new IllegalStateException("the driver did not serve within 30 s (exit "
                            + (p.isAlive() ? "none" : p.exitValue()) + "): " + Files.readString(log));
                }
                if (Files.exists(socket)) {
                    try {
                        if (client.health() == HealthCheckResponse.ServingStatus.SERVING) {
                            return Measure.secondsSince(start);
                        }
                    } catch (RuntimeException notYet) {
                        // bound, not serving yet
                    }
                }
                Thread.sleep(1);
            }
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }
}
