package dev.argoartifact.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.server.ArgoFeature;
import dev.argoartifact.common.storage.StorageAbilities;
import dev.argoartifact.common.trust.OperatorPolicy;
import dev.argoartifact.common.trust.TrustBoundary;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Builds the catalogue from its sources, deterministically: {@code index.yaml}, one configuration
 * schema per driver in {@code schemas/}, and the README's catalogue table. Hand-written facts come
 * from the metadata files; capabilities and configuration schemas come from the drivers' code
 * ({@link DriverModules}), so the index cannot drift from what the drivers do.
 */
public final class IndexGenerator {
    public static final String API_VERSION = "argo-artifact-drivers.dev/v1";
    public static final String KIND = "ArtifactDriverIndex";
    static final String REPOSITORY = "https://github.com/argo-artifact-drivers/argo-artifact-drivers";
    static final String README_BEGIN =
            "<!-- catalogue:begin (generated from index.yaml by bin/argo-artifact index generate) -->";
    static final String README_END = "<!-- catalogue:end -->";

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final YAMLMapper YAML = YAMLMapper.builder(YAMLFactory.builder()
                    .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                    .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                    .disable(YAMLGenerator.Feature.SPLIT_LINES)
                    .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                    .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
                    .build())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private final Path root;
    private final DriverModules drivers;

    /** The catalogue of the repository at {@code root}, its drivers loaded from their modules there. */
    public IndexGenerator(Path root) {
        this(root, DriverModules.at(root));
    }

    /** The catalogue of the sources at {@code root}, with drivers loaded from {@code drivers}. */
    public IndexGenerator(Path root, DriverModules drivers) {
        this.root = root;
        this.drivers = drivers;
    }

    /** Every generated file, path relative to the root mapped to its content. */
    public Map<String, String> generate() throws IOException {
        Map<String, String> files = new TreeMap<>();
        List<Map<String, Object>> entries = new ArrayList<>();
        List<DriverMetadata> own = new ArrayList<>();
        for (Path metadataFile : metadataFiles()) {
            DriverMetadata m = read(metadataFile);
            own.add(m);
            String module = root.relativize(metadataFile.getParent()).toString();
            if (!module.equals("drivers/" + m.name())) {
                throw new CatalogueException(
                        metadataFile,
                        "field 'name' must match the module directory: expected '"
                                + module.substring(module.lastIndexOf('/') + 1) + "'");
            }
            ArtifactDriver<?> driver;
            try {
                driver = drivers.driver(m.name());
            } catch (RuntimeException e) {
                throw new CatalogueException(metadataFile, e.getMessage());
            }
            forbidExternalFields(metadataFile, m);
            String schemaPath = "schemas/" + m.name() + ".configuration.schema.json";
            ObjectNode schema = OperatorPolicy.operatorSchema(
                    driver.configurationType(), "argo-artifact " + m.name() + " driver configuration");
            files.put(schemaPath, JSON.writeValueAsString(schema) + "\n");
            Map<String, Object> example = checkedExample(metadataFile, m, driver);
            String readme = module + "/README.md";
            String text = Files.readString(root.resolve(readme));
            text = DriverDocs.replaceBlock(root.resolve(readme), text, "reference", DriverDocs.referenceTable(schema));
            text = DriverDocs.replaceBlock(
                    root.resolve(readme), text, "install", DriverDocs.install(m.name(), example, YAML));
            files.put(readme, text);
            Map<String, Object> entry = ownEntry(m, module, driver, schemaPath);
            entry.put("exampleConfiguration", example.get("configuration"));
            entries.add(entry);
        }
        for (Path externalFile : externalFiles()) {
            DriverMetadata m = read(externalFile);
            if (drivers.names().contains(m.name())) {
                throw new CatalogueException(
                        externalFile, "names '" + m.name() + "', which is a driver of this repository");
            }
            entries.add(externalEntry(m));
        }
        entries.sort(Comparator.comparing(e -> (String) e.get("name")));
        Map<String, Object> index = new LinkedHashMap<>();
        index.put("apiVersion", API_VERSION);
        index.put("kind", KIND);
        index.put("drivers", entries);
        String yaml =
                "# Generated by `bin/argo-artifact index generate` from drivers/*/metadata.yaml, catalogue/external/*.yaml\n"
                        + "# and the drivers' code. Do not edit: the build fails when this file differs from what the generator produces.\n"
                        + YAML.writeValueAsString(index);
        validate(yaml);
        files.put("index.yaml", yaml);
        files.put("README.md", readmeWithTable(entries));
        Path values = root.resolve(ChartValues.VALUES);
        files.put(ChartValues.VALUES, ChartValues.valuesYaml(values, Files.readString(values), own));
        files.put(
                ChartValues.SCHEMA, ChartValues.valuesSchema(Files.readString(root.resolve(ChartValues.SCHEMA)), own));
        return files;
    }

    /** Writes every generated file; returns the paths that changed. */
    public List<String> write() throws IOException {
        List<String> changed = new ArrayList<>();
        for (Map.Entry<String, String> f : generate().entrySet()) {
            Path target = root.resolve(f.getKey());
            if (!Files.exists(target) || !Files.readString(target).equals(f.getValue())) {
                Files.createDirectories(target.getParent());
                Files.writeString(target, f.getValue());
                changed.add(f.getKey());
            }
        }
        return changed;
    }

    /** The generated files that differ from the committed ones (empty when up to date). */
    public List<String> stale() throws IOException {
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, String> f : generate().entrySet()) {
            Path target = root.resolve(f.getKey());
            if (!Files.exists(target) || !Files.readString(target).equals(f.getValue())) {
                stale.add(f.getKey());
            }
        }
        try (Stream<Path> schemas =
                Files.exists(root.resolve("schemas")) ? Files.list(root.resolve("schemas")) : Stream.empty()) {
            Map<String, String> generated = generate();
            schemas.map(p -> "schemas/" + p.getFileName())
                    .filter(p -> !generated.containsKey(p))
                    .forEach(p -> stale.add(p + " (no driver generates it: delete it)"));
        }
        return stale;
    }

    private List<Path> metadataFiles() throws IOException {
        try (Stream<Path> modules = Files.list(root.resolve("drivers"))) {
            return modules.map(m -> m.resolve("metadata.yaml"))
                    .filter(Files::exists)
                    .sorted()
                    .toList();
        }
    }

    private List<Path> externalFiles() throws IOException {
        Path dir = root.resolve("catalogue/external");
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
    }

    private static DriverMetadata read(Path file) throws IOException {
        try {
            DriverMetadata m = YAML.readValue(file.toFile(), DriverMetadata.class);
            if (m == null || m.name() == null) {
                throw new CatalogueException(file, "field 'name' is required");
            }
            return m;
        } catch (JsonProcessingException e) {
            throw new CatalogueException(
                    file, e.getOriginalMessage().lines().findFirst().orElse("is not valid YAML"));
        }
    }

    /** The example configuration, bound by the driver itself: a broken example fails the build. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> checkedExample(Path file, DriverMetadata m, ArtifactDriver<?> driver) {
        if (m.example() == null || !(m.example().get("configuration") instanceof Map<?, ?>)) {
            throw new CatalogueException(
                    file, "field 'example.configuration' is required: a working operator default for the README");
        }
        for (String key : m.example().keySet()) {
            if (!key.equals("configuration") && !key.equals("secretNames")) {
                throw new CatalogueException(
                        file, "unknown field 'example." + key + "' (expected configuration, secretNames)");
            }
        }
        try {
            new TrustBoundary<>(driver, JSON.writeValueAsString(m.example().get("configuration")));
        } catch (ConfigurationException | JsonProcessingException e) {
            throw new CatalogueException(
                    file, "example.configuration is not a valid " + m.name() + " configuration: " + e.getMessage());
        }
        return (Map<String, Object>) (Map<?, ?>) m.example();
    }

    private static void forbidExternalFields(Path file, DriverMetadata m) {
        Map<String, Object> computed = new LinkedHashMap<>();
        computed.put("source", m.source());
        computed.put("documentation", m.documentation());
        computed.put("image", m.image());
        computed.put("language", m.language());
        computed.put("capabilities", m.capabilities());
        computed.put("conformance", m.conformance());
        computed.forEach((field, value) -> {
            if (value != null) {
                throw new CatalogueException(
                        file, "field '" + field + "' is derived for drivers of this repository; remove it");
            }
        });
    }

    private static Map<String, Object> common(DriverMetadata m) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("name", m.name());
        e.put("title", m.title());
        e.put("description", m.description());
        e.put("backend", m.backend());
        e.put("maturity", m.maturity());
        e.put("license", m.license());
        e.put("maintainers", m.maintainers());
        e.put("authentication", m.authentication());
        e.put("argoVersions", m.argoVersions());
        return e;
    }

    private static Map<String, Object> ownEntry(
            DriverMetadata m, String module, ArtifactDriver<?> driver, String schemaPath) {
        Map<String, Object> e = common(m);
        e.put("language", "Java");
        e.put("source", REPOSITORY + "/tree/main/" + module);
        e.put("documentation", REPOSITORY + "/blob/main/" + module + "/README.md");
        e.put("image", "ghcr.io/argo-artifact-drivers/" + m.name());
        e.put(
                "capabilities",
                Arrays.stream(ArgoFeature.values()).map(ArgoFeature::indexName).toList());
        e.put("storageCapabilities", StorageAbilities.of(driver.storageType()));
        e.put("configurationSchema", schemaPath);
        Map<String, Object> conformance = new LinkedHashMap<>();
        conformance.put("suite", "run on every build of this repository");
        conformance.put("testedAgainst", m.testedAgainst());
        e.put("conformance", conformance);
        return e;
    }

    private static Map<String, Object> externalEntry(DriverMetadata m) {
        if (m.example() != null || m.testedAgainst() != null || m.connectionTimeoutSeconds() != null) {
            throw new CatalogueException(
                    Path.of("catalogue/external", m.name() + ".yaml"),
                    "fields 'example', 'testedAgainst' and 'connectionTimeoutSeconds' are for drivers of this"
                            + " repository; give a conformance report instead");
        }
        Map<String, Object> e = common(m);
        e.put("language", m.language());
        e.put("source", m.source());
        e.put("documentation", m.documentation());
        e.put("image", m.image());
        e.put("capabilities", m.capabilities());
        e.put("conformance", m.conformance());
        e.values().removeIf(v -> v == null);
        return e;
    }

    /** Checks the index against index.schema.json at the root; every violation in one message. */
    void validate(String indexYaml) throws IOException {
        Path schemaFile = root.resolve("index.schema.json");
        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
        Schema schema = registry.getSchema(Files.readString(schemaFile), InputFormat.JSON);
        JsonNode instance = YAML.readTree(indexYaml);
        List<Error> errors = schema.validate(instance);
        if (!errors.isEmpty()) {
            StringBuilder b = new StringBuilder("the index does not match index.schema.json:");
            for (Error error : errors) {
                b.append("\n  ").append(describe(instance, error));
            }
            throw new CatalogueException(schemaFile, b.toString());
        }
    }

    /** "drivers[2] (hdfs): $.maturity: does not have a value in the enumeration ..." */
    private static String describe(JsonNode instance, Error error) {
        String location = error.getInstanceLocation().toString();
        java.util.regex.Matcher m =
                java.util.regex.Pattern.compile("^/drivers/(\\d+)").matcher(location);
        String driver = "";
        if (m.find()) {
            JsonNode name =
                    instance.path("drivers").path(Integer.parseInt(m.group(1))).path("name");
            driver = " (driver '" + name.asText("?") + "')";
        }
        return location + driver + ": " + error.getMessage();
    }

    private String readmeWithTable(List<Map<String, Object>> entries) throws IOException {
        Path readme = root.resolve("README.md");
        String text = Files.readString(readme, StandardCharsets.UTF_8);
        int begin = text.indexOf(README_BEGIN);
        int end = text.indexOf(README_END);
        if (begin < 0 || end < begin) {
            throw new CatalogueException(
                    readme, "needs the markers " + README_BEGIN + " and " + README_END + " around the catalogue table");
        }
        StringBuilder table = new StringBuilder(README_BEGIN)
                .append("\n")
                .append("| Driver | Stores artifacts in | Maturity | Authentication | Tested against | Docs |\n")
                .append("|---|---|---|---|---|---|\n");
        for (Map<String, Object> e : entries) {
            @SuppressWarnings("unchecked")
            Map<String, Object> conformance = (Map<String, Object>) e.getOrDefault("conformance", Map.of());
            Object tested = conformance.get("testedAgainst");
            String testedText = tested instanceof List<?> list
                    ? String.join(", ", list.stream().map(String::valueOf).toList())
                    : "external: " + conformanceSummary(conformance);
            String docs = ((String) e.get("documentation")).startsWith(REPOSITORY + "/blob/main/")
                    ? ((String) e.get("documentation")).substring((REPOSITORY + "/blob/main/").length())
                    : (String) e.get("documentation");
            table.append("| `")
                    .append(e.get("name"))
                    .append("` | ")
                    .append(e.get("backend"))
                    .append(" | ")
                    .append(e.get("maturity"))
                    .append(" | ")
                    .append(String.join(", ", asStrings(e.get("authentication"))))
                    .append(" | ")
                    .append(testedText)
                    .append(" | [README](")
                    .append(docs)
                    .append(") |\n");
        }
        table.append(README_END);
        return text.substring(0, begin) + table + text.substring(end + README_END.length());
    }

    private static String conformanceSummary(Map<String, Object> conformance) {
        Object status = conformance.get("status");
        return status == null
                ? "no report"
                : "conformance " + status + " (kit " + conformance.get("kitVersion") + ", " + conformance.get("date")
                        + ")";
    }

    private static List<String> asStrings(Object o) {
        return o instanceof List<?> l ? l.stream().map(String::valueOf).toList() : List.of();
    }

    /** Names the file and what is wrong with it; never a stack trace. */
    public static final class CatalogueException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CatalogueException(Path file, String problem) {
            super(file + ": " + problem, null, false, false);
        }
    }

    /** For tests and the CLI: the index as a tree. */
    public static JsonNode parse(String yaml) throws IOException {
        return YAML.readTree(yaml);
    }
}
