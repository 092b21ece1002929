package dev.argoartifact.catalogue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The catalogue never drifts from the code: the build fails here when index.yaml, schemas/ or the
 * README's table differ from what the generator produces, or when an entry is invalid.
 */
class CatalogueTest {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    @TempDir
    Path copy;

    @Test
    void theCommittedCatalogueIsWhatTheGeneratorProduces() throws IOException {
        assertThat(new IndexGenerator(ROOT).stale())
                .as("run bin/argo-artifact index generate and commit the result")
                .isEmpty();
    }

    @Test
    void everyDriverModuleAndEveryDriverOnTheClasspathIsListed() throws IOException {
        JsonNode index = IndexGenerator.parse(Files.readString(ROOT.resolve("index.yaml")));
        List<String> names = index.path("drivers").findValuesAsText("name");
        try (Stream<Path> modules = Files.list(ROOT.resolve("drivers"))) {
            assertThat(names)
                    .containsAll(modules.map(p -> p.getFileName().toString()).toList());
        }
        JsonNode hdfs = entry(index, "hdfs");
        assertThat(hdfs.path("storageCapabilities").toString())
                .isEqualTo("[\"listed-reads\",\"directory-delete\",\"staged-writes\"]");
        assertThat(hdfs.path("capabilities").toString()).contains("saveStream", "openStreamDirectory", "delete");
        assertThat(entry(index, "gcs").path("storageCapabilities").toString()).contains("ranged-read", "batch-delete");
    }

    @Test
    void everyDriverModuleIsWholeAndLoadsUnderItsName() throws IOException {
        assertThat(DriverWiring.problems(ROOT)).isEmpty();
        DriverModules modules = DriverModules.at(ROOT);
        for (String name : modules.names()) {
            assertThat(modules.driver(name).name()).isEqualTo(name);
        }
    }

    @Test
    void aHalfWiredDriverIsNamedWithWhatItLacks() throws IOException {
        Path tree = Files.createDirectories(copy.resolve("half-wired"));
        Files.copy(ROOT.resolve("pom.xml"), tree.resolve("pom.xml"));
        Path module = Files.createDirectories(tree.resolve("drivers/ftp"));
        Files.writeString(module.resolve("metadata.yaml"), "name: ftp\n");
        assertThat(DriverWiring.problems(tree))
                .containsExactly(
                        "drivers/ftp: not a module of the root pom.xml (add <module>drivers/ftp</module>)",
                        "drivers/ftp: no README.md",
                        "drivers/ftp: pom.xml does not set <driver.name>ftp</driver.name> (its image)",
                        "drivers/ftp: no META-INF/services/dev.argoartifact.common.ArtifactDriver naming its driver",
                        "drivers/ftp: a conformance test is missing from src/test/java (a class with 'extends"
                                + " ArtifactDriverConformance')",
                        "drivers/ftp: an image test (*ImageIT) is missing from src/test/java (a class with 'extends"
                                + " DriverImageChecks')",
                        "drivers/ftp: a benchmark (*Benchmark, for bin/bench) is missing from src/test/java (a class"
                                + " with 'SideBySide.main(')");
        Path root = sources();
        Files.createDirectories(root.resolve("drivers/ftp"));
        Files.writeString(root.resolve("drivers/ftp/metadata.yaml"), "name: ftp\n");
        assertThatThrownBy(() -> new IndexGenerator(root, DriverModules.at(ROOT)).generate())
                .as("the generator names the module it cannot load")
                .hasMessageContaining("drivers/ftp/metadata.yaml: no driver module drivers/ftp here");
    }

    private static JsonNode entry(JsonNode index, String name) {
        for (JsonNode e : index.path("drivers")) {
            if (e.path("name").asText().equals(name)) {
                return e;
            }
        }
        throw new AssertionError("no entry " + name);
    }

    /** A copy of what the generator reads, to break on purpose. */
    private Path sources() throws IOException {
        for (String f :
                List.of("README.md", "index.yaml", "index.schema.json", ChartValues.VALUES, ChartValues.SCHEMA)) {
            Files.createDirectories(copy.resolve(f).getParent());
            Files.copy(ROOT.resolve(f), copy.resolve(f));
        }
        try (Stream<Path> all =
                Stream.concat(Files.walk(ROOT.resolve("catalogue")), Files.walk(ROOT.resolve("schemas")))) {
            for (Path p : all.toList()) {
                Path target = copy.resolve(ROOT.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
        try (Stream<Path> modules = Files.list(ROOT.resolve("drivers"))) {
            for (Path m : modules.toList()) {
                Path target = Files.createDirectories(
                        copy.resolve("drivers").resolve(m.getFileName().toString()));
                Files.copy(m.resolve("metadata.yaml"), target.resolve("metadata.yaml"));
                Files.copy(m.resolve("README.md"), target.resolve("README.md"));
            }
        }
        return copy;
    }

    @Test
    void aHandEditedIndexOrAStaleSchemaIsReported() throws IOException {
        Path root = sources();
        assertThat(new IndexGenerator(root, DriverModules.at(ROOT)).stale()).isEmpty();
        Files.writeString(
                root.resolve("index.yaml"),
                Files.readString(root.resolve("index.yaml")).replace("maturity: beta", "maturity: stable"));
        Files.writeString(root.resolve("schemas/old.configuration.schema.json"), "{}");
        assertThat(new IndexGenerator(root, DriverModules.at(ROOT)).stale())
                .containsExactly(
                        "index.yaml", "schemas/old.configuration.schema.json (no driver generates it: delete it)");
    }

    @Test
    void invalidEntriesAreRejectedWithTheDriverAndTheProblem() throws IOException {
        Path root = sources();
        Path sftp = root.resolve("drivers/sftp/metadata.yaml");
        String original = Files.readString(sftp);

        Files.writeString(sftp, original.replace("maturity: beta", "maturity: production-ready"));
        assertThatThrownBy(() -> new IndexGenerator(root, DriverModules.at(ROOT)).generate())
                .hasMessageContaining("index.schema.json")
                .hasMessageContaining("(driver 'sftp')")
                .hasMessageContaining("maturity");

        Files.writeString(sftp, original + "homepage: https://example.org\n");
        assertThatThrownBy(() -> new IndexGenerator(root, DriverModules.at(ROOT)).generate())
                .hasMessageContaining("drivers/sftp/metadata.yaml")
                .hasMessageContaining("homepage");

        Files.writeString(sftp, original + "image: example.org/other\n");
        assertThatThrownBy(() -> new IndexGenerator(root, DriverModules.at(ROOT)).generate())
                .hasMessageContaining("field 'image' is derived for drivers of this repository");

        Files.writeString(sftp, original.replace("basePath: /srv/argo-artifacts", "basePath: srv/argo-artifacts"));
        assertThatThrownBy(() -> new IndexGenerator(root, DriverModules.at(ROOT)).generate())
                .as("the example is bound by the driver itself")
                .hasMessageContaining(
                        "example.configuration is not a valid sftp configuration: the operator's configuration is invalid: field 'basePath' must be an absolute path");

        Files.writeString(sftp, original.replace("name: sftp", "name: ftp"));
        assertThatThrownBy(() -> new IndexGenerator(root, DriverModules.at(ROOT)).generate())
                .hasMessageContaining("field 'name' must match the module directory: expected 'sftp'");
        Files.writeString(sftp, original);

        Path external = root.resolve("catalogue/external/s3-sample.yaml");
        String s3 = Files.readString(external);
        Files.writeString(external, s3.replace("status: not-run", "status: passed"));
        assertThatThrownBy(() -> new IndexGenerator(root, DriverModules.at(ROOT)).generate())
                .as("a passed report needs its results")
                .hasMessageContaining("(driver 's3-sample')")
                .hasMessageContaining("results");
        Files.writeString(
                external, s3.replace("status: not-run", "status: passed\n  results: {files: pass, directories: fail}"));
        assertThat(new IndexGenerator(root, DriverModules.at(ROOT)).generate().get("index.yaml"))
                .contains("directories: fail");
        Files.writeString(external, s3.replace("status: not-run", "status: passed\n  results: {teleport: pass}"));
        assertThatThrownBy(() -> new IndexGenerator(root, DriverModules.at(ROOT)).generate())
                .hasMessageContaining("(driver 's3-sample')");
    }

    @Test
    void aDriverReadmeWithAStaleReferenceTableIsReported() throws IOException {
        Path root = sources();
        Path readme = root.resolve("drivers/hdfs/README.md");
        Files.writeString(
                readme,
                Files.readString(readme)
                        .replace("| `basePath` | where | string | yes |", "| `basePath` | where | string | no |"));
        assertThat(new IndexGenerator(root, DriverModules.at(ROOT)).stale()).containsExactly("drivers/hdfs/README.md");
    }

    @Test
    void theConfigurationSchemasAcceptTheDocumentedExamplesAndRejectTypos() throws IOException {
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        Schema hdfs = registry.getSchema(
                Files.readString(ROOT.resolve("schemas/hdfs.configuration.schema.json")), InputFormat.JSON);
        String example = """
        {"addresses": ["nn1.example.com:8020", "nn2.example.com:8020"], "nameservice": "prod", "basePath": "/argo",
         "kerberos": {"principal": "argo@EXAMPLE.COM", "keytab": {"secretKeyRef": {"name": "k", "key": "argo.keytab"}},
                      "krb5Conf": {"file": "/etc/krb5/krb5.conf"}, "namenodePrincipal": "nn/_HOST@EXAMPLE.COM",
                      "rpcProtection": "privacy"}}""";
        assertThat(hdfs.validate(new ObjectMapper().readTree(example))).isEmpty();
        assertThat(hdfs.validate(new ObjectMapper().readTree(example.replace("\"basePath\"", "\"basepath\""))))
                .isNotEmpty();
    }
}
