package dev.argoartifact.cli;

import dev.argoartifact.catalogue.IndexGenerator;
import dev.argoartifact.catalogue.IndexGenerator.CatalogueException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Regenerates or checks index.yaml, the configuration schemas and the README's catalogue table. */
@Command(
        name = "index",
        description = "The driver catalogue: index.yaml, schemas/ and the README's table.",
        subcommands = {IndexCommand.Generate.class, IndexCommand.Check.class})
final class IndexCommand {

    abstract static class WithRoot implements Callable<Integer> {
        @Option(
                names = "--root",
                defaultValue = ".",
                description = "The repository's root (default: the current directory).")
        Path root;

        IndexGenerator generator() {
            return new IndexGenerator(root.toAbsolutePath().normalize());
        }
    }

    @Command(
            name = "generate",
            description = {
                "Write index.yaml, schemas/*.configuration.schema.json and the README's catalogue table from",
                "drivers/*/metadata.yaml, catalogue/external/*.yaml and the drivers' code, validated against index.schema.json."
            })
    static final class Generate extends WithRoot {
        @Override
        public Integer call() throws Exception {
            try {
                List<String> changed = generator().write();
                System.out.println(changed.isEmpty() ? "nothing to change" : "wrote " + String.join(", ", changed));
                return 0;
            } catch (CatalogueException e) {
                System.err.println("error: " + e.getMessage());
                return ArgoArtifactCli.FAILED;
            }
        }
    }

    @Command(
            name = "check",
            description = "Change nothing; fail when a generated file is out of date or the index is invalid.")
    static final class Check extends WithRoot {
        @Override
        public Integer call() throws Exception {
            try {
                List<String> stale = generator().stale();
                if (!stale.isEmpty()) {
                    System.err.println(
                            "error: out of date (run bin/argo-artifact index generate and commit the result):");
                    stale.forEach(s -> System.err.println("  " + s));
                    return ArgoArtifactCli.FAILED;
                }
                System.out.println("index.yaml, schemas/ and the README's catalogue table are up to date and valid");
                return 0;
            } catch (CatalogueException e) {
                System.err.println("error: " + e.getMessage());
                return ArgoArtifactCli.FAILED;
            }
        }
    }
}
