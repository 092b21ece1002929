package dev.argoartifact.common.trust;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argoartifact.common.config.ConfigurationSchema;
import java.util.List;
import java.util.Map;

/**
 * What the operator lets workflows choose, under {@code policy:} in the operator's configuration
 * (never in a workflow's). Secure by default: with no policy, a workflow's configuration may set
 * only the how fields, within the operator's own values.
 */
public record OperatorPolicy(
        @JsonPropertyDescription(
                "Where and who fields a workflow's configuration may set too, by name or dotted path "
                        + "(how fields are always open). Opening a field that says where requests go needs allowedHosts or allowedRoots.")
        List<String> authorFields,

        @JsonPropertyDescription(
                "The most a workflow may ask for, per number or duration how field (e.g. "
                        + "'transfer.filesInFlight: 64'). Without one, a workflow may ask at most for the operator's own value or the default.")
        Map<String, String> authorMaxima,

        @JsonPropertyDescription(
                "Hosts a workflow-chosen destination may name: exact names or IP addresses, or '*.example.org' "
                        + "for any name below example.org. Checked before anything is sent.")
        List<String> allowedHosts,

        @JsonPropertyDescription(
                "Local directories a workflow-chosen root may lie in (the volume driver's root), after symbolic links.")
        List<String> allowedRoots,

        @JsonPropertyDescription(
                "Where a workflow's secret references may point, for the who fields authorFields opens.")
        SecretSources secretSources) {

    public static final OperatorPolicy STRICT = new OperatorPolicy(
            List.of(), Map.of(), List.of(), List.of(), new SecretSources(List.of(), List.of(), List.of()));

    /**
     * The JSON Schema of an operator's configuration for a driver: the driver's own fields, and
     * {@code policy}, which only the operator's configuration may hold ({@code x-argo-artifact-class:
     * operator}).
     */
    public static ObjectNode operatorSchema(Class<?> configuration, String title) {
        ObjectNode schema = ConfigurationSchema.generate(configuration, title);
        ObjectNode policy = ConfigurationSchema.generate(OperatorPolicy.class, "policy");
        ObjectNode defs = schema.has("$defs") ? (ObjectNode) schema.get("$defs") : schema.putObject("$defs");
        if (policy.has("$defs")) {
            defs.setAll((ObjectNode) policy.get("$defs"));
        }
        ObjectNode definition = defs.putObject("OperatorPolicy");
        policy.fieldNames().forEachRemaining(name -> {
            if (!name.equals("$defs") && !name.equals("$schema") && !name.equals("title")) {
                definition.set(name, policy.get(name));
            }
        });
        ObjectNode property = ((ObjectNode) schema.get("properties")).putObject(TrustBoundary.POLICY);
        property.put("$ref", "#/$defs/OperatorPolicy");
        property.put(
                "description", "What workflows may choose; only in the operator's configuration (docs/security.md).");
        property.put(ConfigurationSchema.CLASS_KEYWORD, "operator");
        return schema;
    }

    public OperatorPolicy {
        authorFields = authorFields == null ? List.of() : List.copyOf(authorFields);
        authorMaxima = authorMaxima == null ? Map.of() : Map.copyOf(authorMaxima);
        allowedHosts = allowedHosts == null ? List.of() : List.copyOf(allowedHosts);
        allowedRoots = allowedRoots == null ? List.of() : List.copyOf(allowedRoots);
        secretSources = secretSources == null ? new SecretSources(null, null, null) : secretSources;
    }

    /** The sources a workflow's secret reference may name. */
    public record SecretSources(
            @JsonPropertyDescription("Directories whose files ({file: PATH}) workflows may name, after symbolic links. "
                    + "The service-account mounts are never included unless listed themselves.")
            List<String> files,

            @JsonPropertyDescription(
                    "Prefixes of the environment variables ({env: NAME}) workflows may name, e.g. 'TEAM_SECRET_'.")
            List<String> envPrefixes,

            @JsonPropertyDescription(
                    "Kubernetes Secrets ({secretKeyRef: {name, key}}) workflows may name; the chart grants "
                            + "the service accounts 'get' on the same names.")
            List<String> secretNames) {

        public SecretSources {
            files = files == null ? List.of() : List.copyOf(files);
            envPrefixes = envPrefixes == null ? List.of() : List.copyOf(envPrefixes);
            secretNames = secretNames == null ? List.of() : List.copyOf(secretNames);
        }

        boolean none() {
            return files.isEmpty() && envPrefixes.isEmpty() && secretNames.isEmpty();
        }
    }
}
