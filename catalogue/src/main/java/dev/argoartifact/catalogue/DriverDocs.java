package dev.argoartifact.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argoartifact.common.config.ConfigurationSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The generated parts of a driver's README: its configuration reference and its Helm section. */
final class DriverDocs {
    private DriverDocs() {}

    /** Replaces what stands between {@code <!-- generated:NAME ... -->} and {@code <!-- /generated:NAME -->}. */
    static String replaceBlock(Path file, String text, String name, String content) {
        String open = "<!-- generated:" + name;
        String close = "<!-- /generated:" + name + " -->";
        int begin = text.indexOf(open);
        int end = text.indexOf(close);
        if (begin < 0 || end < begin) {
            throw new IndexGenerator.CatalogueException(
                    file, "needs the markers '" + open + " ... -->' and '" + close + "'");
        }
        int afterOpen = text.indexOf("-->", begin) + 3;
        return text.substring(0, afterOpen) + "\n" + content + text.substring(end);
    }

    /**
     * One row per field (nested objects with dotted paths), from the configuration's JSON Schema:
     * its class (who may set it: docs/security.md), type, default and bounds.
     */
    static String referenceTable(ObjectNode schema) {
        List<String> rows = new ArrayList<>();
        rows.add("| Field | Class | Type | Required | Default | Description |");
        rows.add("|---|---|---|---|---|---|");
        addRows(schema, schema, "", "", rows);
        return String.join("\n", rows) + "\n";
    }

    private static void addRows(
            ObjectNode root, JsonNode object, String prefix, String parentClass, List<String> rows) {
        List<String> required = new ArrayList<>();
        object.path("required").forEach(r -> required.add(r.asText()));
        for (Map.Entry<String, JsonNode> field : object.path("properties").properties()) {
            JsonNode property = field.getValue();
            String path = prefix + field.getKey();
            JsonNode target = resolve(root, property);
            String ref = property.path("$ref").asText("");
            String description = property.path("description")
                    .asText(target.path("description").asText(""));
            String type;
            boolean expand = false;
            if (ref.endsWith("/SecretRef")) {
                type = "secret reference";
            } else if (ref.endsWith("/TransferSettings")) {
                type = "object";
                description = description + " Shared by every driver: see the main README's Configuration section.";
            } else if (target.has("properties")) {
                type = "object";
                expand = true;
            } else {
                type = typeOf(target);
            }
            String fieldClass = property.path(ConfigurationSchema.CLASS_KEYWORD).asText(parentClass);
            String bounds = property.has("minimum") && property.has("maximum")
                    ? " From " + property.get("minimum").asText() + " to "
                            + property.get("maximum").asText() + "."
                    : property.has("minimum")
                            ? " At least " + property.get("minimum").asText() + "."
                            : property.has("maximum")
                                    ? " At most " + property.get("maximum").asText() + "."
                                    : "";
            String defaultValue =
                    property.has("default") ? "`" + property.get("default").asText() + "`" : "";
            rows.add("| `" + path + "` | " + fieldClass + " | " + type + " | "
                    + (required.contains(field.getKey()) ? "yes" : "") + " | " + defaultValue + " | "
                    + (description + bounds).replace("|", "\\|") + " |");
            if (expand) {
                addRows(root, target, path + ".", fieldClass, rows);
            }
        }
    }

    private static JsonNode resolve(ObjectNode root, JsonNode property) {
        String ref = property.path("$ref").asText("");
        return ref.startsWith("#/$defs/") ? root.path("$defs").path(ref.substring("#/$defs/".length())) : property;
    }

    private static String typeOf(JsonNode node) {
        JsonNode type = node.path("type");
        String text = type.isArray() ? type.get(0).asText() : type.asText("any");
        if (text.equals("array")) {
            return "list of " + typeOf(node.path("items"));
        }
        if (text.equals("object") && node.has("additionalProperties")) {
            return "map";
        }
        return text;
    }

    /** Helm values enabling the driver with its example defaults, and the repository entry the chart renders. */
    @SuppressWarnings("unchecked")
    static String install(String name, Map<String, Object> example, ObjectMapper yaml) throws JsonProcessingException {
        Map<String, Object> driver = new LinkedHashMap<>();
        driver.put("enabled", true);
        driver.put("defaultConfiguration", example.get("configuration"));
        List<String> secrets = (List<String>) example.getOrDefault("secretNames", List.of());
        if (!secrets.isEmpty()) {
            driver.put("secretNames", secrets);
        }
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("drivers", Map.of(name, driver));
        values.put("artifactRepositories", Map.of("default", name));
        String configuration = yaml.writeValueAsString(example.get("configuration"));
        StringBuilder b = new StringBuilder()
                .append(
                        "Values for [`charts/argo-artifact-drivers`](../../charts/argo-artifact-drivers/README.md); the chart\n")
                .append(
                        "registers the plugin, passes this operator's configuration to every pod that runs it (the Argo Server's\n")
                .append("sidecar with the strictest policy; `policy` opens more to workflows, see\n")
                .append("[docs/security.md](../../docs/security.md)), lets the workflow, artifact-GC\n")
                .append("and Argo Server service accounts read ")
                .append(
                        secrets.isEmpty()
                                ? "no secret (none is referenced)"
                                : "exactly `" + String.join("`, `", secrets) + "`")
                .append(", and prints what to merge into the argo-workflows chart:\n\n```yaml\n")
                .append(yaml.writeValueAsString(values))
                .append(
                        "```\n\nThe `artifact-repositories` entry it renders (the namespace's default repository; Helm sorts the keys). It\n")
                .append(
                        "repeats the operator's configuration, which the driver accepts: repeating the operator's values is not\n")
                .append("changing them.\n\n```yaml\n")
                .append(name)
                .append(": |\n  archiveLogs: false\n  plugin:\n    name: ")
                .append(name)
                .append("\n    configuration: |\n");
        configuration.lines().forEach(l -> b.append("      ").append(l).append('\n'));
        b.append("```\n\nA complete workflow (file and directory outputs, inputs, garbage collection): ")
                .append("[docs/workflow-example.md](../../docs/workflow-example.md) with `plugin.name: ")
                .append(name)
                .append("`.\n");
        return b.toString();
    }
}
