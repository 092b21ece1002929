package dev.argoartifact.catalogue;

import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The chart's per-driver values, one entry per driver module: the {@code drivers} block of
 * values.yaml and its keys in values.schema.json. Generated, so a new driver is in the chart by
 * existing, with the same keys as every other.
 */
final class ChartValues {
    static final String VALUES = "charts/argo-artifact-drivers/values.yaml";
    static final String SCHEMA = "charts/argo-artifact-drivers/values.schema.json";
    static final String BEGIN =
            "drivers:  # generated from drivers/*/metadata.yaml by bin/argo-artifact index generate";
    static final String END = "  # end of the generated drivers";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DefaultPrettyPrinter PRINTER = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance().withObjectFieldValueSpacing(Separators.Spacing.AFTER))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultIndenter("  ", "\n"));

    private ChartValues() {}

    /** values.yaml with one block per driver between the markers; the first block documents the keys. */
    static String valuesYaml(Path file, String current, List<DriverMetadata> drivers) {
        int begin = current.indexOf(BEGIN);
        int end = current.indexOf(END);
        if (begin < 0 || end < begin) {
            throw new IndexGenerator.CatalogueException(
                    file, "needs the lines '" + BEGIN + "' and '" + END + "' around the drivers' values");
        }
        StringBuilder block = new StringBuilder(BEGIN).append('\n');
        boolean first = true;
        for (DriverMetadata d : drivers) {
            block.append(entry(d, first));
            first = false;
        }
        return current.substring(0, begin) + block + current.substring(end);
    }

    private static String entry(DriverMetadata d, boolean documented) {
        int timeout = d.connectionTimeoutSeconds() == null ? 5 : d.connectionTimeoutSeconds();
        String[][] lines = {
            {"  " + d.name() + ":", null},
            {"    enabled: false", null},
            {"    pluginName: \"\"", "Plugin name workflows write in `plugin.name` (default: the driver's name)."},
            {"    image:", null},
            {"      repository: ghcr.io/argo-artifact-drivers/" + d.name(), null},
            {"      tag: \"\"", "Defaults to the chart's appVersion. Never `latest`."},
            {"      digest: \"\"", "`sha256:...`; used instead of the tag when set."},
            {
                "    connectionTimeoutSeconds: " + timeout,
                "Seconds Argo waits for the plugin's socket and first call (artifactDrivers[].connectionTimeoutSeconds)."
            },
            {"    defaultConfiguration: {}", """
                The operator's configuration (a mapping): where artifacts live and who the driver is. A
                workflow's configuration may add only how fields (a prefix below this one, tuning up to these
                values) unless the policy opens more. Secrets appear here as references
                ({secretKeyRef: {name, key}}), never as values."""},
            {
                "    secretNames: []",
                "Secrets referenced by secretKeyRef; the service accounts below may `get` exactly these."
            },
            {"    policy: {}", """
                What workflows may choose beyond the how fields (docs/security.md): authorFields,
                authorMaxima, allowedHosts, allowedRoots, secretSources {files, envPrefixes}. Once it opens a
                field, workflows' secretKeyRefs may name the secretNames above. Workflow and artifact-GC pods
                only: the Argo Server sidecar always runs with the strictest policy."""},
            {"    repository:", "This driver's entry in the artifact-repositories ConfigMap."},
            {"      enabled: true", null},
            {"      archiveLogs: false", null},
            {"      keyFormat: \"\"", "Default `{{workflow.name}}/{{pod.name}}` (Argo's own default) when empty."},
        };
        StringBuilder b = new StringBuilder();
        for (String[] line : lines) {
            if (documented && line[1] != null) {
                String indent = line[0].substring(
                        0, line[0].length() - line[0].stripLeading().length());
                String[] comment = line[1].split("\n", -1);
                b.append(indent).append("# -- ").append(comment[0]).append('\n');
                for (int i = 1; i < comment.length; i++) {
                    b.append(indent).append("# ").append(comment[i]).append('\n');
                }
            }
            b.append(line[0]).append('\n');
        }
        return b.toString();
    }

    /**
     * values.schema.json whose drivers key takes exactly the driver modules, each with the driver
     * definition, and whose default repository is one of them.
     */
    static String valuesSchema(String current, List<DriverMetadata> drivers) throws IOException {
        JsonNode schema = JSON.readTree(current);
        ObjectNode properties = ((ObjectNode) schema.path("properties").path("drivers")).putObject("properties");
        ArrayNode defaults = ((ObjectNode) schema.path("properties")
                        .path("artifactRepositories")
                        .path("properties")
                        .path("default"))
                .putArray("enum")
                .add("");
        for (DriverMetadata d : drivers) {
            properties.putObject(d.name()).put("$ref", "#/definitions/driver");
            defaults.add(d.name());
        }
        return JSON.writer(PRINTER).writeValueAsString(schema) + "\n";
    }
}
