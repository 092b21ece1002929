package dev.argoartifact.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * rclone (Debian package), the peer users pick for many stores, with one remote named
 * {@code remote:} configured through the environment (no config file), moving 16 files at once as
 * the drivers do by default, or as many as a directory peer is asked to.
 *
 * @param settings the remote's options ({@code type}, {@code host}, {@code chunk_size}, ...)
 */
public record Rclone(Map<String, String> settings) {
    /** Runs one command ({@code copy}, {@code copyto} and their paths) and returns its seconds. */
    public double run(String... command) throws Exception {
        return run(16, command);
    }

    private double run(int transfers, String... command) throws Exception {
        List<String> line = new ArrayList<>(List.of("rclone", "--transfers", String.valueOf(transfers)));
        line.addAll(List.of(command));
        ProcessBuilder builder = new ProcessBuilder(line).redirectErrorStream(true);
        builder.environment().remove("AWS_CA_BUNDLE"); // rclone's HTTP transport refuses a custom bundle
        settings.forEach((key, value) ->
                builder.environment().put("RCLONE_CONFIG_REMOTE_" + key.toUpperCase(Locale.ROOT), value));
        long t = System.nanoTime();
        Process p = builder.start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IOException("rclone " + String.join(" ", command) + " failed: " + output);
        }
        return Measure.secondsSince(t);
    }

    /** rclone copying whole directories below {@code remoteBase} ("bench", "/srv/base"), as a peer. */
    public DirectoryPeer directories(String remoteBase) {
        return new DirectoryPeer() {
            @Override
            public String name() {
                return "rclone";
            }

            @Override
            public String name(int inFlight) {
                return "rclone --transfers " + inFlight;
            }

            @Override
            public void upload(Path tree, String name, int inFlight) throws Exception {
                run(inFlight, "copy", tree.toString(), "remote:" + remoteBase + "/" + name);
            }

            @Override
            public void download(String name, Path target, int inFlight) throws Exception {
                run(inFlight, "copy", "remote:" + remoteBase + "/" + name, target.toString());
            }
        };
    }
}
