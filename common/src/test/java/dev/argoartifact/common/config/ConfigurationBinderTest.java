package dev.argoartifact.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.argoartifact.common.transfer.TransferSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigurationBinderTest {

    record Endpoint(String host, Integer port) {
        Endpoint {
            ConfigurationException.require("host", host);
        }
    }

    record SampleConfiguration(
            String container,
            String prefix,
            SecretRef accountKey,
            Endpoint endpoint,
            List<String> tags,
            Map<String, String> extra,
            TransferSettings transfer) {
        SampleConfiguration {
            ConfigurationException.require("container", container);
        }
    }

    private final ConfigurationBinder<SampleConfiguration> binder =
            new ConfigurationBinder<>(SampleConfiguration.class);

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
        assertThat(yaml.transfer().filesInFlight()).isEqualTo(4);
        assertThat(yaml.transfer().initialBackoff()).isEqualTo(Duration.ofMillis(50));
        assertThat(yaml.transfer().maxAttempts())
                .as("the declared default, filled in")
                .isEqualTo(5);

        SampleConfiguration json = binder.bind("{\"container\": \"artifacts\", \"accountKey\": {\"env\": \"KEY\"}}");
        assertThat(json.accountKey()).isEqualTo(SecretRef.ofEnv("KEY"));
    }

    @Test
    void warmingUpSwallowsTheMissingFieldsAndLeavesBindingAsItWas() {
        assertThatCode(binder::warmUp).doesNotThrowAnyException();
        assertThatThrownBy(() -> binder.bind(""))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("container");
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
        assertThatThrownBy(() -> binder.bind("container: c\nbananas: 1"))
                .hasMessageStartingWith("unknown field 'bananas'. Known fields:");
    }

    @Test
    void missingRequiredFieldsAreNamedWithTheirPath() {
        assertThatThrownBy(() -> binder.bind("prefix: p")).hasMessage("field 'container' is required");
        assertThatThrownBy(() -> binder.bind("container: c\nendpoint: {port: 1}"))
                .hasMessage("field 'endpoint.host' is required");
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
        assertThat(binder.bind("container: c\ntransfer: {maxUnflushedBytes: 0}")
                        .transfer()
                        .withDefaults()
                        .maxUnflushedBytes())
                .isZero();
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
        assertThatThrownBy(() -> binder.bind("- a\n- b"))
                .hasMessage("the configuration must be a YAML mapping (field: value), not a list");
        assertThatThrownBy(() -> binder.bind("just-a-string"))
                .hasMessage("the configuration must be a YAML mapping (field: value), not a string");
    }

    @Test
    void duplicateFieldsAreRefused() {
        assertThatThrownBy(() -> binder.bind("container: a\ncontainer: b"))
                .hasMessageContaining("duplicate field 'container'");
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

    /** Defaults and bounds come from the records' annotations: nothing states them twice. */
    record Tuned(
            @Default("7") @Range(min = "2", max = "9") Integer parts,
            @Default("2s") @Range(max = "1m") Duration pause,
            @Range(min = "10") Long size,
            TransferSettings transfer) {}

    @Test
    void declaredDefaultsAreFilledInAndRangesEnforced() {
        ConfigurationBinder<Tuned> tuned = new ConfigurationBinder<>(Tuned.class);
        Tuned empty = tuned.bind("");
        assertThat(empty.parts()).isEqualTo(7);
        assertThat(empty.pause()).isEqualTo(Duration.ofSeconds(2));
        assertThat(empty.size()).as("no default: unset").isNull();
        assertThat(empty.transfer())
                .as("a nested record with defaults is there even when not given")
                .isNotNull();
        assertThat(empty.transfer().filesInFlight()).isEqualTo(16);
        assertThatThrownBy(() -> tuned.bind("parts: 1")).hasMessage("field 'parts' must be between 2 and 9");
        assertThatThrownBy(() -> tuned.bind("parts: 10")).hasMessage("field 'parts' must be between 2 and 9");
        assertThatThrownBy(() -> tuned.bind("pause: 2m")).hasMessage("field 'pause' must be at most 1m");
        assertThatThrownBy(() -> tuned.bind("size: 9")).hasMessage("field 'size' must be at least 10");
        assertThat(tuned.bind("pause: PT30S").pause()).isEqualTo(Duration.ofSeconds(30));
    }

    record Prefixed(@How(subPath = true) String prefix) {}

    @Test
    void aSubPathFieldIsCheckedAsAKeyPrefix() {
        ConfigurationBinder<Prefixed> prefixed = new ConfigurationBinder<>(Prefixed.class);
        assertThat(prefixed.bind("prefix: team-a/runs/").prefix()).isEqualTo("team-a/runs/");
        for (String bad : new String[] {"../other", "/abs", "a//b", "a/./b"}) {
            assertThatThrownBy(() -> prefixed.bind("prefix: '" + bad + "'"))
                    .as(bad)
                    .hasMessage("field 'prefix' must be a relative path without empty, '.' or '..' segments");
        }
    }

    @Test
    void anOversizedConfigurationIsRefusedBeforeParsing() {
        String huge = "container: " + "x".repeat(7 << 20);
        long start = System.nanoTime();
        assertThatThrownBy(() -> binder.bind(huge))
                .hasMessage("the configuration is " + huge.length() + " characters long; at most 262144 are read "
                        + "(a configuration names a location and references, not data)");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(500));
    }

    record Loose(String container, Map<String, Object> extra) {}

    @Test
    void deepNestingAndAliasesCannotBlowUp() {
        String deep = "container: c\nextra: " + "{a: ".repeat(200) + "b" + "}".repeat(200);
        assertThatThrownBy(() -> binder.bind(deep))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("the configuration is not valid YAML or JSON");
        // A "billion laughs": aliases are not expanded into copies, so nine levels cost nothing.
        StringBuilder laughs =
                new StringBuilder("container: c\nextra:\n  a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (int i = 1; i < 10; i++) {
            laughs.append("  a")
                    .append(i)
                    .append(": &a")
                    .append(i)
                    .append(" [")
                    .append(String.join(", ", java.util.Collections.nCopies(9, "*a" + (i - 1))))
                    .append("]\n");
        }
        long start = System.nanoTime();
        Loose bound = new ConfigurationBinder<>(Loose.class).bind(laughs.toString());
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
        assertThat(bound.extra().toString().length()).isLessThan(10_000);
    }

    @Test
    void aLongUnknownFieldNameIsCutInTheError() {
        String name = "z".repeat(1000);
        assertThatThrownBy(() -> binder.bind("container: c\n" + name + ": 1"))
                .satisfies(e -> assertThat(e.getMessage().length()).isLessThan(400))
                .hasMessageStartingWith("unknown field '" + "z".repeat(64) + "...(1000 characters)'");
        // YAML itself refuses longer keys, without quoting them.
        assertThatThrownBy(() -> binder.bind("container: c\n" + "z".repeat(10_000) + ": 1"))
                .hasMessageStartingWith("the configuration is not valid YAML or JSON at line");
    }

    @Test
    void typoDistanceCountsTranspositionsAsOneEdit() {
        assertThat(ConfigurationBinder.distance("contianer", "container")).isEqualTo(1);
        assertThat(ConfigurationBinder.distance("root", "rot")).isEqualTo(1);
        assertThat(ConfigurationBinder.closest("endpiont", List.of("endpoint", "prefix")))
                .isEqualTo("endpoint");
    }
}
