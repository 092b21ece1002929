package dev.argoartifact.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.argoartifact.common.TransferSettings;
import dev.argoartifact.common.secrets.SecretRef;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigurationBinderTest {

  record Endpoint(String host, Integer port) {
    Endpoint {
      ConfigurationException.require("host", host);
    }
  }

  record SampleConfiguration(String container, String prefix, SecretRef accountKey, Endpoint endpoint,
      List<String> tags, Map<String, String> extra, TransferSettings transfer) {
    SampleConfiguration {
      ConfigurationException.require("container", container);
    }
  }

  private final ConfigurationBinder<SampleConfiguration> binder = new ConfigurationBinder<>(SampleConfiguration.class, null);

  @Test
  void bindsYamlAndJson() {
    SampleConfiguration yaml = binder.bind("""
        container: artifacts
        accountKey: {secretKeyRef: {name: azure, key: account-key}}
        endpoint: {host: example.org, port: 443}
        tags: [a, b]
        extra: {anything.goes: "yes"}
        transfer: {filesInFlight: 4, initialBackoff: 50ms}
        """);
    assertThat(yaml.container()).isEqualTo("artifacts");
    assertThat(yaml.accountKey()).isEqualTo(SecretRef.ofSecretKey("azure", "account-key"));
    assertThat(yaml.endpoint()).isEqualTo(new Endpoint("example.org", 443));
    assertThat(yaml.extra()).containsEntry("anything.goes", "yes");
    assertThat(yaml.transfer().withDefaults().filesInFlight()).isEqualTo(4);
    assertThat(yaml.transfer().withDefaults().maxAttempts()).isEqualTo(TransferSettings.DEFAULTS.maxAttempts());

    SampleConfiguration json = binder.bind("{\"container\": \"artifacts\", \"accountKey\": {\"env\": \"KEY\"}}");
    assertThat(json.accountKey()).isEqualTo(SecretRef.ofEnv("KEY"));
  }

  @Test
  void warmingUpSwallowsTheMissingFieldsAndLeavesBindingAsItWas() {
    assertThatCode(binder::warmUp).doesNotThrowAnyException();
    assertThatThrownBy(() -> binder.bind("")).isInstanceOf(ConfigurationException.class).hasMessageContaining("container");
    assertThat(binder.bind("container: artifacts").container()).isEqualTo("artifacts");
  }

  @Test
  void unknownFieldSuggestsTheClosestKnownField() {
    assertThatThrownBy(() -> binder.bind("contianer: artifacts"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("unknown field 'contianer', did you mean 'container'?")
        .hasMessageContaining("Known fields: accountKey, container, endpoint, extra, prefix, tags, transfer.");
  }

  @Test
  void unknownNestedFieldNamesItsParent() {
    assertThatThrownBy(() -> binder.bind("container: c\ntransfer: {filesInFlihgt: 3}"))
        .hasMessageStartingWith("unknown field 'filesInFlihgt' in 'transfer', did you mean 'filesInFlight'?");
    assertThatThrownBy(() -> binder.bind("container: c\naccountKey: {secretKeyRef: {name: n, kye: k}}"))
        .hasMessageStartingWith("unknown field 'kye' in 'accountKey.secretKeyRef', did you mean 'key'?");
  }

  @Test
  void farFetchedTyposGetNoSuggestion() {
    assertThatThrownBy(() -> binder.bind("container: c\nbananas: 1")).hasMessageStartingWith("unknown field 'bananas'. Known fields:");
  }

  @Test
  void missingRequiredFieldsAreNamedWithTheirPath() {
    assertThatThrownBy(() -> binder.bind("prefix: p")).hasMessage("field 'container' is required");
    assertThatThrownBy(() -> binder.bind("container: c\nendpoint: {port: 1}")).hasMessage("field 'endpoint.host' is required");
  }

  @Test
  void wrongTypesNameTheFieldAndTheExpectedTypeButNotTheValue() {
    assertThatThrownBy(() -> binder.bind("container: c\ntransfer: {filesInFlight: lots-of-S3cr3t}"))
        .hasMessage("field 'transfer.filesInFlight' has the wrong type: expected a whole number");
    assertThatThrownBy(() -> binder.bind("container: c\ntags: {a: b}"))
        .hasMessage("field 'tags' has the wrong type: expected a list");
    assertThatThrownBy(() -> binder.bind("container: c\nendpoint: [1, 2]"))
        .hasMessageStartingWith("field 'endpoint' has the wrong type: expected a mapping");
  }

  @Test
  void invalidValuesAreExplained() {
    assertThatThrownBy(() -> binder.bind("container: c\ntransfer: {filesInFlight: 0}"))
        .hasMessage("field 'transfer.filesInFlight' must be between 1 and 1024");
    assertThatThrownBy(() -> binder.bind("container: c\ntransfer: {maxBackoff: soon}"))
        .hasMessageStartingWith("field 'transfer.maxBackoff' expected a duration");
    assertThatThrownBy(() -> binder.bind("container: c\ntransfer: {maxUnflushedBytes: 4096}"))
        .hasMessage("field 'transfer.maxUnflushedBytes' must be 0 (off) or at least 1048576 (1 MiB)");
    assertThat(binder.bind("container: c\ntransfer: {maxUnflushedBytes: 0}").transfer().withDefaults().maxUnflushedBytes()).isZero();
  }

  @Test
  void syntaxErrorsGiveThePositionButNeverTheText() {
    assertThatThrownBy(() -> binder.bind("container: [unclosed\naccountKey: hunter2-S3cr3t"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageStartingWith("the configuration is not valid YAML or JSON at line")
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void theConfigurationMustBeAMapping() {
    assertThatThrownBy(() -> binder.bind("- a\n- b")).hasMessage("the configuration must be a YAML mapping (field: value), not a list");
    assertThatThrownBy(() -> binder.bind("just-a-string")).hasMessage("the configuration must be a YAML mapping (field: value), not a string");
  }

  @Test
  void duplicateFieldsAreRefused() {
    assertThatThrownBy(() -> binder.bind("container: a\ncontainer: b")).hasMessageContaining("duplicate field 'container'");
  }

  @Test
  void inlineSecretsAreRefusedWithoutEchoingThem() {
    assertThatThrownBy(() -> binder.bind("container: c\naccountKey: hunter2-S3cr3t-value"))
        .hasMessageStartingWith("field 'accountKey' must be a secret reference")
        .hasMessageNotContaining("hunter2");
    assertThatThrownBy(() -> binder.bind("container: c\naccountKey: {env: A, file: /b}"))
        .hasMessageContaining("field 'accountKey' must be a secret reference with exactly one of")
        .hasMessageContaining("(2 given)");
    assertThatThrownBy(() -> binder.bind("container: c\naccountKey: {secretKeyRef: {name: n}}"))
        .hasMessage("field 'accountKey.secretKeyRef.key' is required");
  }

  @Test
  void theArtifactConfigurationIsMergedOverTheOperatorsDefaults() {
    ConfigurationBinder<SampleConfiguration> withDefaults = new ConfigurationBinder<>(SampleConfiguration.class, """
        container: shared
        endpoint: {host: blob.example.org, port: 443}
        transfer: {filesInFlight: 8, maxAttempts: 3}
        """);
    SampleConfiguration onlyDefaults = withDefaults.bind("");
    assertThat(onlyDefaults.container()).isEqualTo("shared");
    SampleConfiguration merged = withDefaults.bind("prefix: team-a\nendpoint: {port: 8443}\ntransfer: {filesInFlight: 2}");
    assertThat(merged.container()).isEqualTo("shared");
    assertThat(merged.prefix()).isEqualTo("team-a");
    assertThat(merged.endpoint()).isEqualTo(new Endpoint("blob.example.org", 8443));
    assertThat(merged.transfer().filesInFlight()).isEqualTo(2);
    assertThat(merged.transfer().maxAttempts()).isEqualTo(3);
  }

  @Test
  void unknownFieldsInTheDefaultsSayWhereTheyCameFrom() {
    ConfigurationBinder<SampleConfiguration> withDefaults = new ConfigurationBinder<>(SampleConfiguration.class, "contaner: x");
    assertThatThrownBy(() -> withDefaults.bind("container: c"))
        .hasMessageStartingWith("unknown field 'contaner' (from the operator's default configuration), did you mean 'container'?");
    assertThatThrownBy(() -> new ConfigurationBinder<>(SampleConfiguration.class, "[not, a, mapping]"))
        .hasMessageContaining("the operator's default configuration must be a YAML mapping");
  }

  @Test
  void typoDistanceCountsTranspositionsAsOneEdit() {
    assertThat(ConfigurationBinder.distance("contianer", "container")).isEqualTo(1);
    assertThat(ConfigurationBinder.distance("root", "rot")).isEqualTo(1);
    assertThat(ConfigurationBinder.closest("endpiont", List.of("endpoint", "prefix"))).isEqualTo("endpoint");
  }
}
