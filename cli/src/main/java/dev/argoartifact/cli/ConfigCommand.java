package dev.argoartifact.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.argoartifact.catalogue.DriverModules;
import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.trust.OperatorPolicy;
import dev.argoartifact.common.trust.TrustBoundary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Driver configurations without a driver running: their JSON Schema, and validation. */
@Command(
        name = "config",
        description = "Show a driver's configuration schema, or check a configuration.",
        subcommands = {ConfigCommand.Schema.class, ConfigCommand.Validate.class})
final class ConfigCommand {

    static ArtifactDriver<?> driver(String name) {
        return DriverModules.ofThisRepository().driver(name);
    }

    @Command(name = "schema", description = "Print the JSON Schema of a driver's configuration.")
    static final class Schema implements Callable<Integer> {
        @Parameters(index = "0", description = "Driver name, e.g. sftp.")
        String name;

        @Override
        public Integer call() throws IOException {
            ArtifactDriver<?> d = driver(name);
            System.out.println(new ObjectMapper()
                    .enable(SerializationFeature.INDENT_OUTPUT)
                    .writeValueAsString(OperatorPolicy.operatorSchema(
                            d.configurationType(), "argo-artifact " + name + " driver configuration")));
            return 0;
        }
    }

    @Command(
            name = "validate",
            description = {
                "Check a configuration with exactly the messages the driver would give, without contacting storage.",
                "Alone, FILE is an operator's configuration (the chart's values for the driver, policy included).",
                "With --operator, FILE is a workflow's configuration, checked across that operator's policy.",
                "Secret references are checked for shape and policy, not resolved."
            })
    static final class Validate implements Callable<Integer> {
        @Option(names = "--driver", required = true, description = "Driver name, e.g. azure.")
        String name;

        @Parameters(index = "0", defaultValue = "-", description = "Configuration file, or - for stdin (default).")
        String file;

        @Option(
                names = "--operator",
                description = "The operator's configuration file: FILE is then a workflow's configuration.")
        Path operator;

        @Override
        public Integer call() throws IOException {
            ArtifactDriver<?> d = driver(name);
            String text = "-".equals(file)
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(file));
            try {
                if (operator == null) {
                    new TrustBoundary<>(d, text);
                    System.out.println("valid " + name + " operator configuration");
                } else {
                    TrustBoundary<?> boundary = new TrustBoundary<>(d, Files.readString(operator));
                    boundary.bind(text);
                    System.out.println("valid " + name + " workflow configuration (workflows may set: "
                            + String.join(", ", boundary.workflowFields()) + ")");
                }
            } catch (ConfigurationException e) {
                System.err.println("error: invalid configuration: " + e.getMessage());
                return ArgoArtifactCli.FAILED;
            }
            return 0;
        }
    }
}
