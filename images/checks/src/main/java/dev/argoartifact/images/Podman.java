package dev.argoartifact.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The podman command line (Debian's, configured by images/podman/containers.conf), for what only
 * podman does: the start-up benchmark mounts an image's filesystem to run its JVM directly. The image
 * checks run containers through Testcontainers instead ({@link ContainerEngine}).
 */
public final class Podman {
    private final Path containersConf;

    public Podman(Path repositoryRoot) {
        this.containersConf = repositoryRoot.resolve("images/podman/containers.conf");
    }

    /** Finds the repository root from a module directory (where images/podman lives). */
    public static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("images/podman/containers.conf"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("not inside the argo-artifact-drivers repository");
        }
        return dir;
    }

    public record Result(int exitCode, String output) {}

    public ProcessBuilder command(List<String> args) {
        List<String> command = new ArrayList<>();
        command.add("podman");
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("CONTAINERS_CONF", containersConf.toString());
        return builder;
    }

    public Result run(List<String> args, long timeoutSeconds) throws IOException {
        Process p = command(args).start();
        try {
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("podman " + args + " did not finish within " + timeoutSeconds + " s");
            }
            return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    public Result check(List<String> args, long timeoutSeconds) throws IOException {
        Result r = run(args, timeoutSeconds);
        if (r.exitCode() != 0) {
            throw new IOException("podman " + String.join(" ", args) + " failed (" + r.exitCode() + "): "
                    + r.output().strip());
        }
        return r;
    }

    public JsonNode inspect(String image) throws IOException {
        return new ObjectMapper()
                .readTree(check(List.of("image", "inspect", image), 60).output())
                .get(0);
    }

    public void remove(String container) throws IOException {
        run(List.of("rm", "-f", "-t", "0", container), 60);
    }
}
