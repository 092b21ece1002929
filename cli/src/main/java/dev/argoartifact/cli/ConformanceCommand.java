package dev.argoartifact.cli;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.argoartifact.conformance.ArtifactDriverConformance;
import dev.argoartifact.conformance.ExternalDriverConformance;
import dev.argoartifact.conformance.client.ArtifactClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestTag;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the conformance suite against a driver's socket and prints a report per capability. */
@Command(
        name = "conformance",
        description = {
            "Run the conformance suite against a running driver (any language).",
            "Keys are written under --key-prefix and deleted by the suite's own delete checks where it can."
        })
final class ConformanceCommand implements Callable<Integer> {
    @Option(
            names = {"-s", "--socket"},
            required = true,
            description = "The running driver's socket.")
    Path socket;

    @Option(
            names = {"-c", "--config"},
            defaultValue = "",
            description = {
                "The configuration a workflow's artifacts carry (YAML/JSON), or @FILE; default: none.",
                "The driver runs with its operator's configuration, which holds the location and credentials."
            })
    String configuration;

    @Option(names = "--key-prefix", description = "Prefix for every key written (default: conformance-<random>).")
    String keyPrefix;

    @Option(
            names = "--required-field",
            description = "A top-level configuration field the driver requires (repeatable).")
    List<String> requiredFields = new ArrayList<>();

    @Option(
            names = "--locked-field",
            description = {
                "A field the driver's operator fixed, which a workflow's configuration must not override (repeatable):",
                "the kit sets it and expects a refusal naming it."
            })
    List<String> lockedFields = new ArrayList<>();

    @Option(
            names = "--hostile-destination",
            description = {
                "A workflow configuration (YAML) that would send requests elsewhere, {port} standing for a listener of the kit",
                "(repeatable), e.g. 'endpoint: http://127.0.0.1:{port}/'. Every call must be refused and the listener see nothing."
            })
    List<String> hostileDestinations = new ArrayList<>();

    @Option(
            names = "--launch",
            description = {
                "Command that starts the driver, as one string split at spaces; the kit appends a socket path.",
                "Enables the lifecycle checks (socket directory creation, other-UID access, SIGTERM exit code)."
            })
    String launchCommand = "";

    private List<String> launch = List.of();

    @Option(
            names = "--large-file-mib",
            defaultValue = "100",
            description = "Size of the largest round trip in MiB (default: ${DEFAULT-VALUE}).")
    long largeFileMib;

    @Option(
            names = "--report",
            description = {
                "Also write the result as the conformance block of an index entry (catalogue/external/<name>.yaml):",
                "kit version, date, status and pass/fail per capability."
            })
    Path report;

    record Outcome(String name, List<String> tags, TestExecutionResult.Status status, String detail) {}

    @Override
    public Integer call() throws Exception {
        try {
            new ArtifactClient(socket.toAbsolutePath(), "argo-artifact").health();
        } catch (RuntimeException e) {
            System.out.println("FAIL  cannot reach a driver at " + socket + ": " + e.getMessage());
            System.out.println("0 passed, 1 failed");
            return ArgoArtifactCli.FAILED;
        }
        String prefix = keyPrefix != null
                ? keyPrefix
                : "conformance-" + UUID.randomUUID().toString().substring(0, 8);
        Path log = Files.createTempFile("argo-artifact-conformance-", ".log");
        launch = launchCommand.isBlank()
                ? List.of()
                : List.of(launchCommand.trim().split("\\s+"));
        ExternalDriverConformance.configure(new ExternalDriverConformance.Settings(
                socket.toAbsolutePath(),
                ArgoArtifactCli.resolveConfiguration(configuration),
                prefix,
                List.copyOf(requiredFields),
                List.copyOf(lockedFields),
                List.copyOf(hostileDestinations),
                List.copyOf(launch),
                log,
                largeFileMib << 20));
        List<Outcome> outcomes = new ArrayList<>();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request()
                .selectors(selectClass(ExternalDriverConformance.class))
                .build();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionSkipped(TestIdentifier test, String reason) {
                if (test.isTest()) {
                    outcomes.add(new Outcome(test.getDisplayName(), tags(test), null, reason));
                }
            }

            @Override
            public void executionFinished(TestIdentifier test, TestExecutionResult result) {
                if (test.isTest()) {
                    String detail = result.getThrowable()
                            .map(t -> firstLine(t.getMessage()))
                            .orElse("");
                    outcomes.add(new Outcome(test.getDisplayName(), tags(test), result.getStatus(), detail));
                } else if (result.getStatus() != TestExecutionResult.Status.SUCCESSFUL
                        && test.getParentId().isPresent()
                        && result.getThrowable().isPresent()) {
                    outcomes.add(new Outcome(
                            test.getDisplayName() + " (setup)",
                            List.of("setup"),
                            result.getStatus(),
                            firstLine(result.getThrowable().get().getMessage())));
                }
            }
        });
        int code = print(prefix, outcomes);
        if (!launch.isEmpty() && Files.size(log) > 0) {
            System.out.println("output of the launched driver processes: " + log);
        } else {
            Files.delete(log); // nothing was launched, or nothing said: keep no empty file behind
        }
        return code;
    }

    private static List<String> tags(TestIdentifier test) {
        return test.getTags().stream().map(TestTag::getName).sorted().toList();
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        String line = s.strip().lines().filter(l -> !l.isBlank()).findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private int print(String prefix, List<Outcome> outcomes) {
        System.out.println("Conformance of the driver at " + socket + " (keys under " + prefix + "/)");
        Map<String, int[]> perTag = new TreeMap<>();
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        for (String tag : ArtifactDriverConformance.capabilityTags()) {
            List<Outcome> group =
                    outcomes.stream().filter(o -> o.tags().contains(tag)).toList();
            if (group.isEmpty()) {
                continue;
            }
            System.out.println();
            System.out.println(tag + ":");
            for (Outcome o : group) {
                String mark = o.status() == null
                        ? "SKIP"
                        : o.status() == TestExecutionResult.Status.SUCCESSFUL
                                ? "PASS"
                                : o.status() == TestExecutionResult.Status.ABORTED ? "SKIP" : "FAIL";
                System.out.println(
                        "  " + mark + "  " + o.name().replace("(TestInfo)", "").replace("()", "")
                                + (o.detail().isEmpty() || mark.equals("PASS") ? "" : "  -- " + o.detail()));
                int[] counts = perTag.computeIfAbsent(tag, t -> new int[3]);
                switch (mark) {
                    case "PASS" -> counts[0]++;
                    case "FAIL" -> counts[1]++;
                    default -> counts[2]++;
                }
            }
        }
        for (Outcome o : outcomes) {
            boolean pass = o.status() == TestExecutionResult.Status.SUCCESSFUL;
            boolean fail = o.status() == TestExecutionResult.Status.FAILED;
            passed += pass ? 1 : 0;
            failed += fail ? 1 : 0;
            skipped += !pass && !fail ? 1 : 0;
            if (o.tags().contains("setup")) {
                System.out.println("\nFAIL  " + o.name() + "  -- " + o.detail());
            }
        }
        System.out.println();
        System.out.println("capabilities:");
        int width = ArtifactDriverConformance.capabilityTags().stream()
                        .mapToInt(String::length)
                        .max()
                        .orElse(14)
                + 1;
        perTag.forEach((tag, c) -> System.out.println("  " + String.format(Locale.ROOT, "%-" + width + "s", tag)
                + (c[1] > 0 ? "fail" : c[0] == 0 ? "skipped" : "pass") + "  (" + c[0] + " passed, " + c[1] + " failed, "
                + c[2] + " skipped)"));
        System.out.println();
        System.out.println(passed + " passed, " + failed + " failed, " + skipped + " skipped");
        boolean ok = failed == 0 && passed > 0;
        if (report != null) {
            writeReport(perTag, ok);
        }
        return ok ? 0 : ArgoArtifactCli.FAILED;
    }

    /** The index's conformance block for this run (see index.schema.json). */
    private void writeReport(Map<String, int[]> perTag, boolean ok) {
        StringBuilder yaml = new StringBuilder("conformance:\n")
                .append("  kitVersion: ")
                .append(ArgoArtifactCli.VERSION)
                .append('\n')
                .append("  date: \"")
                .append(java.time.LocalDate.now(java.time.ZoneOffset.UTC))
                .append("\"\n")
                .append("  status: ")
                .append(ok ? "passed" : "failed")
                .append('\n')
                .append("  results:\n");
        perTag.forEach((tag, c) -> yaml.append("    ")
                .append(tag)
                .append(": ")
                .append(c[1] > 0 ? "fail" : c[0] == 0 ? "skipped" : "pass")
                .append('\n'));
        try {
            Files.writeString(report, yaml);
            System.out.println("report written to " + report);
        } catch (java.io.IOException e) {
            System.out.println("cannot write the report to " + report + ": " + e.getMessage());
        }
    }
}
