package dev.argoartifact.cli;

import dev.argoartifact.common.log.JsonLog;
import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import dev.argoartifact.proto.Artifact;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code argo-artifact}: talks to any artifact driver over its socket exactly as Argo does, runs
 * the conformance suite against it, and demonstrates the whole path with the volume driver.
 */
@Command(
        name = "argo-artifact",
        mixinStandardHelpOptions = true,
        version = "argo-artifact " + ArgoArtifactCli.VERSION,
        description = "Client, conformance kit and demo for Argo Workflows artifact driver plugins.")
public final class ArgoArtifactCli {
    /** The subcommands, in the order help lists them. */
    static final List<Class<?>> SUBCOMMANDS = List.of(
            Save.class,
            Load.class,
            Ls.class,
            IsDir.class,
            Rm.class,
            Cat.class,
            Put.class,
            Caps.class,
            ConformanceCommand.class,
            DemoCommand.class,
            ConfigCommand.class,
            IndexCommand.class,
            HelmOverlayCommand.class,
            CommandLine.HelpCommand.class);

    /** The tool's and the conformance kit's version, as recorded in conformance reports. */
    public static final String VERSION = "0.1.0";

    /** Exit code when the driver reports a failure. */
    static final int FAILED = 1;

    public static void main(String[] args) {
        int exit = run(args);
        ArtifactClient.stopSharedEventLoop(); // the JVM then exits at once (300 ms sooner)
        System.exit(exit);
    }

    public static int run(String... args) {
        // Driver logs (in-process demo) go to stderr so stdout stays the command's output.
        JsonLog.redirect(System.err);
        JsonLog.captureJavaUtilLogging();
        CommandLine cli = new CommandLine(new ArgoArtifactCli());
        // Picocli is most of a call's start (its Java 5 classes cannot go into an AOT cache), and it
        // builds the model of every subcommand it is given: a call names one, so only that one is
        // built (40 ms less per call); help, and anything else, gets them all.
        Class<?> named = args.length == 0
                ? null
                : SUBCOMMANDS.stream()
                        .filter(c -> c.getAnnotation(Command.class).name().equals(args[0]))
                        .findFirst()
                        .orElse(null);
        for (Class<?> subcommand :
                named == null || named == CommandLine.HelpCommand.class ? SUBCOMMANDS : List.of(named)) {
            cli.addSubcommand(subcommand);
        }
        return cli
                // "-c @file" is ours to read; picocli's own @-file expansion would split the YAML into arguments.
                .setExpandAtFiles(false)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    cmd.getErr()
                            .println("error: "
                                    + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
                    return FAILED;
                })
                .execute(args);
    }

    /** Where the driver is and how to address the artifact. */
    static final class Target {
        @Option(
                names = {"-s", "--socket"},
                required = true,
                description = "The driver's Unix socket, e.g. /tmp/artifact-plugins/NAME/socket.")
        Path socket;

        @Option(
                names = {"-c", "--config"},
                defaultValue = "",
                description =
                        "The artifact's own configuration as a workflow gives it (YAML or JSON), or @FILE; default: none.")
        String configuration;

        @Option(
                names = "--plugin",
                defaultValue = "argo-artifact",
                description = "Plugin name sent in the artifact (default: ${DEFAULT-VALUE}).")
        String plugin;

        @Option(
                names = "--timeout",
                defaultValue = "5",
                description =
                        "Connection timeout in seconds, like connectionTimeoutSeconds (default: ${DEFAULT-VALUE}).")
        int timeoutSeconds;

        ArtifactClient client() {
            return new ArtifactClient(socket, plugin, java.time.Duration.ofSeconds(timeoutSeconds));
        }

        Artifact artifact(String key) throws IOException {
            return client().artifact(resolveConfiguration(configuration), key);
        }
    }

    static String resolveConfiguration(String value) throws IOException {
        if (value.startsWith("@")) {
            return Files.readString(Path.of(value.substring(1)));
        }
        return value;
    }

    static int report(Reply reply, PrintStream out, String success) {
        if (reply.success()) {
            out.println(success);
            return 0;
        }
        System.err.println("error: " + reply.error());
        return FAILED;
    }

    @Command(name = "save", description = "Save a local file or directory under KEY (Save).")
    static final class Save implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(index = "0", description = "Local file or directory.")
        Path path;

        @Parameters(index = "1", description = "Artifact key.")
        String key;

        @Override
        public Integer call() throws IOException {
            return report(
                    target.client().save(path.toAbsolutePath(), target.artifact(key)),
                    System.out,
                    "saved " + path + " to " + key);
        }
    }

    @Command(name = "load", description = "Load KEY into a local path: a file, or a directory for a prefix (Load).")
    static final class Load implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(index = "0", description = "Artifact key.")
        String key;

        @Parameters(index = "1", description = "Local path to create.")
        Path path;

        @Override
        public Integer call() throws IOException {
            return report(
                    target.client().load(target.artifact(key), path.toAbsolutePath()),
                    System.out,
                    "loaded " + key + " into " + path);
        }
    }

    @Command(name = "ls", description = "List the files at or under KEY (ListObjects).")
    static final class Ls implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(index = "0", description = "Artifact key.")
        String key;

        @Override
        public Integer call() throws IOException {
            ArtifactClient.ListReply reply = target.client().listObjects(target.artifact(key));
            if (!reply.ok()) {
                System.err.println("error: " + reply.error());
                return FAILED;
            }
            reply.objects().forEach(System.out::println);
            return 0;
        }
    }

    @Command(name = "is-dir", description = "Print true when something exists under KEY/ (IsDirectory).")
    static final class IsDir implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(index = "0", description = "Artifact key.")
        String key;

        @Override
        public Integer call() throws IOException {
            ArtifactClient.DirectoryReply reply = target.client().isDirectory(target.artifact(key));
            if (!reply.ok()) {
                System.err.println("error: " + reply.error());
                return FAILED;
            }
            System.out.println(reply.isDirectory());
            return 0;
        }
    }

    @Command(name = "rm", description = "Delete KEY and everything under KEY/ (Delete).")
    static final class Rm implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(index = "0", description = "Artifact key.")
        String key;

        @Override
        public Integer call() throws IOException {
            return report(target.client().delete(target.artifact(key)), System.out, "deleted " + key);
        }
    }

    @Command(
            name = "cat",
            description = "Write the artifact's bytes to stdout; a directory arrives as a tar (OpenStream).")
    static final class Cat implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(index = "0", description = "Artifact key.")
        String key;

        @Override
        public Integer call() throws IOException {
            ArtifactClient.StreamReport report = target.client().openStream(target.artifact(key), System.out, 0);
            System.out.flush();
            if (!report.ok()) {
                System.err.println("error: " + report.error());
                return FAILED;
            }
            return 0;
        }
    }

    @Command(name = "put", description = "Upload FILE (or stdin with -) under KEY as a stream (SaveStream).")
    static final class Put implements Callable<Integer> {
        @Mixin
        Target target;

        @Parameters(index = "0", description = "Artifact key.")
        String key;

        @Parameters(index = "1", defaultValue = "-", description = "Local file, or - for stdin (default).")
        String file;

        @Override
        public Integer call() throws IOException {
            try (InputStream in = "-".equals(file) ? System.in : Files.newInputStream(Path.of(file))) {
                return report(
                        target.client().saveStream(target.artifact(key), in, -1),
                        System.out,
                        "streamed " + file + " to " + key);
            }
        }
    }

    @Command(name = "caps", description = "Show the driver's health and capabilities (GetCapabilities).")
    static final class Caps implements Callable<Integer> {
        @Mixin
        Target target;

        @Override
        public Integer call() {
            ArtifactClient client = target.client();
            System.out.println("health: " + client.health().name().toLowerCase(java.util.Locale.ROOT));
            System.out.println("supportsSaveStream: " + client.supportsSaveStream());
            return 0;
        }
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
