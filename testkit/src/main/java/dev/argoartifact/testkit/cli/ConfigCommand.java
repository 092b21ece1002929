package dev.argoartifact.testkit.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.config.ConfigurationBinder;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.config.ConfigurationSchema;
import dev.argoartifact.common.config.OperatorDefaults;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ServiceLoader;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Driver configurations without a driver running: their JSON Schema, and validation. */
@Command(name = "config", description = "Show a driver's configuration schema, or check a configuration.",
    subcommands = {ConfigCommand.Schema.class, ConfigCommand.Validate.class})
final class ConfigCommand {

  static ArtifactDriver<?> driver(String name) {
    return ServiceLoader.load(ArtifactDriver.class).stream().map(ServiceLoader.Provider::get)
        .filter(d -> d.name().equals(name)).findFirst()
        .orElseThrow(() -> new IllegalArgumentException("no driver named '" + name + "' here; known: "
            + ServiceLoader.load(ArtifactDriver.class).stream().map(p -> p.get().name()).sorted().toList()));
  }

  @Command(name = "schema", description = "Print the JSON Schema of a driver's configuration.")
  static final class Schema implements Callable<Integer> {
    @Parameters(index = "0", description = "Driver name, e.g. sftp.") String name;

    @Override
    public Integer call() throws IOException {
      ArtifactDriver<?> d = driver(name);
      System.out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(ConfigurationSchema.generate(d.configurationType(), "argo-artifact " + name + " driver configuration")));
      return 0;
    }
  }

  @Command(name = "validate", description = {
      "Check a configuration with exactly the messages the driver would give, without contacting storage.",
      "The operator's defaults (ARGO_ARTIFACT_DEFAULT_CONFIGURATION[_FILE]) are merged in as in the driver;",
      "secret references are checked for shape, not resolved."})
  static final class Validate implements Callable<Integer> {
    @Option(names = "--driver", required = true, description = "Driver name, e.g. azure.") String name;
    @Parameters(index = "0", defaultValue = "-", description = "Configuration file, or - for stdin (default).") String file;
    @Option(names = "--plugin", description = "Plugin name whose defaults apply (ARGO_ARTIFACT_DEFAULT_CONFIGURATION_<PLUGIN>); default: the driver name.") String plugin;

    @Override
    public Integer call() throws IOException {
      ArtifactDriver<?> d = driver(name);
      String text = "-".equals(file) ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8) : Files.readString(Path.of(file));
      try {
        new ConfigurationBinder<>(d.configurationType(), OperatorDefaults.load(plugin != null ? plugin : name)).bind(text);
      } catch (ConfigurationException e) {
        System.err.println("error: invalid configuration: " + e.getMessage());
        return ArgoArtifactCli.FAILED;
      }
      System.out.println("valid " + name + " configuration");
      return 0;
    }
  }
}
