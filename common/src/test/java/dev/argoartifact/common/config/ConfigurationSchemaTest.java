package dev.argoartifact.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.argoartifact.common.transfer.TransferSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigurationSchemaTest {

    record Target(
            @Required @JsonPropertyDescription("Where.") String host, Integer port) {}

    record Sample(
            @Required @JsonPropertyDescription("The bucket.")
            String bucket,

            @JsonPropertyDescription("A key.") SecretRef key,

            @Matches(value = "[a-z]+(-[a-z]+)*", means = "lowercase words joined by '-'")
            String zone,

            Target target,
            List<String> tags,
            Map<String, String> extra,
            TransferSettings transfer) {}

    private final ObjectNode schema = ConfigurationSchema.generate(Sample.class, "sample");

    @Test
    void describesFieldsTypesDescriptionsAndRequiredFields() {
        assertThat(schema.get("title").asText()).isEqualTo("sample");
        assertThat(schema.get("$schema").asText()).contains("2020-12");
        assertThat(schema.get("additionalProperties").asBoolean())
                .as("unknown fields are refused")
                .isFalse();
        assertThat(schema.get("required")).extracting(JsonNode::asText).containsExactly("bucket");
        JsonNode props = schema.get("properties");
        assertThat(props.get("bucket").get("type").asText()).isEqualTo("string");
        assertThat(props.get("bucket").get("description").asText()).isEqualTo("The bucket.");
        assertThat(props.get("tags").get("type").asText()).isEqualTo("array");
        // A free-form map takes any key (unlike records, which refuse unknown fields).
        String ref = props.get("extra").get("$ref").asText();
        JsonNode map = schema.get("$defs").get(ref.substring("#/$defs/".length()));
        assertThat(map.get("type").asText()).isEqualTo("object");
        assertThat(map.get("additionalProperties").get("type").asText()).isEqualTo("string");
    }

    @Test
    void nestedRecordsAndSecretReferencesKeepTheirRules() {
        JsonNode defs = schema.get("$defs");
        assertThat(defs.get("Target").get("required"))
                .extracting(JsonNode::asText)
                .containsExactly("host");
        assertThat(defs.get("Target").get("additionalProperties").asBoolean()).isFalse();
        JsonNode secret = defs.get("SecretRef");
        assertThat(secret.get("properties").fieldNames())
                .toIterable()
                .containsExactlyInAnyOrder("secretKeyRef", "file", "env");
        assertThat(secret.get("minProperties").asInt()).isEqualTo(1);
        assertThat(secret.get("maxProperties").asInt()).isEqualTo(1);
        assertThat(defs.get("TransferSettings").get("properties").has("filesInFlight"))
                .isTrue();
    }

    @Test
    void theBinderEnforcesTheSameRequiredFields() {
        ConfigurationBinder<Sample> binder = new ConfigurationBinder<>(Sample.class);
        assertThatThrownBy(() -> binder.bind("tags: [a]")).hasMessage("field 'bucket' is required");
        assertThatThrownBy(() -> binder.bind("bucket: b\ntarget: {port: 1}"))
                .hasMessage("field 'target.host' is required");
        assertThatThrownBy(() -> binder.bind("bucket: '  '")).hasMessage("field 'bucket' is required");
        assertThat(binder.bind("bucket: b\ntarget: {host: h}").target().host()).isEqualTo("h");
    }

    @Test
    void aFieldsFormIsPublishedAnchoredAndEnforcedByTheBinder() {
        assertThat(schema.get("properties").get("zone").get("pattern").asText())
                .as("JSON Schema matches anywhere unless anchored")
                .isEqualTo("^(?:[a-z]+(-[a-z]+)*)$");
        ConfigurationBinder<Sample> binder = new ConfigurationBinder<>(Sample.class);
        assertThat(binder.bind("bucket: b\nzone: eu-west").zone()).isEqualTo("eu-west");
        assertThatThrownBy(() -> binder.bind("bucket: b\nzone: eu-west-1"))
                .hasMessage("field 'zone' must be lowercase words joined by '-'");
        assertThatThrownBy(() -> binder.bind("bucket: b\nzone: 'x eu'"))
                .as("the whole value must match, not a part of it")
                .hasMessage("field 'zone' must be lowercase words joined by '-'");
    }
}
