package dev.argoartifact.catalogue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * What every directory under {@code drivers/} needs to be a driver, checked from the files alone:
 * a half-wired driver is named with what it lacks, instead of being left out of the index, the
 * images or the tests in silence. Everything else (index entry, schema, chart values, images,
 * benchmarks) follows from these by generation and discovery.
 */
public final class DriverWiring {
    private DriverWiring() {}

    /** One line per missing piece, "drivers/x: ..."; empty when every driver is whole. */
    public static List<String> problems(Path repository) throws IOException {
        List<String> problems = new ArrayList<>();
        String rootPom = Files.readString(repository.resolve("pom.xml"));
        try (Stream<Path> modules = Files.list(repository.resolve("drivers"))) {
            for (Path module : modules.filter(Files::isDirectory).sorted().toList()) {
                String name = module.getFileName().toString();
                String where = "drivers/" + name + ": ";
                if (!Files.exists(module.resolve("metadata.yaml"))) {
                    problems.add(where + "no metadata.yaml (its index entry; docs/adding-a-driver.md)");
                }
                if (!rootPom.contains("<module>drivers/" + name + "</module>")) {
                    problems.add(
                            where + "not a module of the root pom.xml (add <module>drivers/" + name + "</module>)");
                }
                if (!Files.exists(module.resolve("README.md"))) {
                    problems.add(where + "no README.md");
                }
                Path pom = module.resolve("pom.xml");
                if (!Files.exists(pom) || !Files.readString(pom).contains("<driver.name>" + name + "</driver.name>")) {
                    problems.add(where + "pom.xml does not set <driver.name>" + name + "</driver.name> (its image)");
                }
                if (!Files.exists(module.resolve(
                        "src/main/resources/META-INF/services/dev.argoartifact.common.ArtifactDriver"))) {
                    problems.add(
                            where + "no META-INF/services/dev.argoartifact.common.ArtifactDriver naming its driver");
                }
                List<String> tests = testSources(module);
                requireTest(problems, where, tests, "extends ArtifactDriverConformance", "a conformance test");
                requireTest(problems, where, tests, "extends DriverImageChecks", "an image test (*ImageIT)");
                requireTest(problems, where, tests, "SideBySide.main(", "a benchmark (*Benchmark, for bin/bench)");
            }
        }
        return problems;
    }

    private static void requireTest(
            List<String> problems, String where, List<String> sources, String marker, String what) {
        if (sources.stream().noneMatch(s -> s.contains(marker))) {
            problems.add(where + what + " is missing from src/test/java (a class with '" + marker + "')");
        }
    }

    private static List<String> testSources(Path module) throws IOException {
        Path tests = module.resolve("src/test/java");
        if (!Files.isDirectory(tests)) {
            return List.of();
        }
        List<String> sources = new ArrayList<>();
        try (Stream<Path> files = Files.walk(tests)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                sources.add(Files.readString(f));
            }
        }
        return sources;
    }
}
