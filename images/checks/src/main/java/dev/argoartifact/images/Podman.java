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
 * Runs our locally built images with podman (Debian's, configured by images/podman/containers.conf),
 * the way Argo runs a plugin: non-root, read-only root filesystem, a tmpfs /tmp, no network, and the
 * socket directory bind-mounted from the host.
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

    /** Null when podman can run containers here; otherwise why not. */
    public String unavailableReason() {
        try {
            Result r = run(List.of("info", "--format", "{{.Host.OCIRuntime.Name}}"), 60);
            return r.exitCode() == 0
                    ? null
                    : "podman cannot run containers here: " + r.output().strip();
        } catch (IOException e) {
            return "podman is not installed (.ci/run installs it with apt-get)";
        }
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

    /** Loads a docker-save tar (Jib's buildTar) and returns the image name it holds. */
    public String load(Path tar) throws IOException {
        String out = check(List.of("load", "-q", "-i", tar.toString()), 300).output();
        for (String line : out.split("\n", -1)) {
            if (line.startsWith("Loaded image")) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        throw new IOException("podman load printed no image name: " + out);
    }

    public JsonNode inspect(String image) throws IOException {
        return new ObjectMapper()
                .readTree(check(List.of("image", "inspect", image), 60).output())
                .get(0);
    }

    /**
     * Options every driver container gets in tests: the test JVM's temporary directory is mounted at
     * the same path, so the local paths a client passes to Save and Load mean the same file on both
     * sides, as the shared volumes of an Argo pod do (the test JVM runs with umask 000, so UID 8737
     * can use what it creates).
     */
    public static List<String> sharedWithTheTest() {
        List<String> options = new ArrayList<>();
        Path tmp =
                Path.of(System.getProperty("java.io.tmpdir")).toAbsolutePath().normalize();
        if (!tmp.toString().equals("/tmp")) {
            options.addAll(List.of("-v", tmp + ":" + tmp + ":rw"));
        }
        return options;
    }

    /**
     * Starts the driver detached, as Argo's init container would: returns the container id. The
     * plugin directory is bind-mounted at /tmp/artifact-plugins/NAME; {@code extra} adds options
     * (another network, mounts, env).
     */
    public String startDriver(String image, String plugin, Path pluginDirectory, List<String> extra)
            throws IOException {
        List<String> args = new ArrayList<>(List.of(
                "run",
                "-d",
                "--pull=never",
                "--read-only",
                "--tmpfs",
                "/tmp:rw,mode=1777",
                "-v",
                pluginDirectory + ":/tmp/artifact-plugins/" + plugin + ":rw"));
        if (extra.stream().noneMatch(a -> a.startsWith("--network"))) {
            args.add("--network=none");
        }
        args.addAll(sharedWithTheTest());
        args.addAll(extra);
        args.add(image);
        args.add("/tmp/artifact-plugins/" + plugin + "/socket");
        return check(args, 60).output().strip().lines().reduce((a, b) -> b).orElseThrow();
    }

    public String logs(String container) throws IOException {
        return run(List.of("logs", container), 30).output();
    }

    public void remove(String container) throws IOException {
        run(List.of("rm", "-f", "-t", "0", container), 60);
    }
}
