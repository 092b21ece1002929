package dev.argoartifact.common.trust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.Destination;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.config.Default;
import dev.argoartifact.common.config.How;
import dev.argoartifact.common.config.Range;
import dev.argoartifact.common.config.Required;
import dev.argoartifact.common.config.SecretRef;
import dev.argoartifact.common.config.Where;
import dev.argoartifact.common.config.Who;
import dev.argoartifact.common.secrets.DefaultSecretResolver;
import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.server.DriverRuntime;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.transfer.TransferSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's configuration against a hostile workflow's, field class by field class. */
class TrustBoundaryTest {
    record Login(@Required String user, SecretRef password) {}

    record Sample(
            @Required @Where(destination = true) String endpoint,
            @Required @Where String bucket,
            @How(subPath = true) String prefix,
            @Who SecretRef key,
            @Who Login login,
            @Where(operatorOnly = true) Map<String, String> raw,
            @How @Default("8") @Range(min = "1", max = "64") Integer parts,
            @How @Default("30s") Duration timeout,
            @How Integer replication,
            @How TransferSettings transfer)
            implements TransferSettings.Tunable {
        Sample {
            if (endpoint != null && !endpoint.startsWith("http")) {
                throw new ConfigurationException("endpoint", "must be an http(s) URL");
            }
        }
    }

    /** Opens nothing real: counts how often a storage would have been opened. */
    static final class SampleDriver extends ArtifactDriver<Sample> {
        final AtomicInteger opened = new AtomicInteger();

        SampleDriver() {
            super("sample", Sample.class, ArtifactStorage.class);
        }

        @Override
        public ArtifactStorage open(Sample configuration, SecretResolver secrets) {
            opened.incrementAndGet();
            throw new IllegalStateException("not reached in these tests");
        }

        @Override
        public List<Destination> destinations(Sample c) {
            return List.of(Destination.host(URI.create(c.endpoint()).getHost()));
        }
    }

    static final String OPERATOR = """
      endpoint: https://storage.example.org
      bucket: artifacts
      prefix: argo/
      key: {env: OPERATOR_KEY}
      login: {user: argo, password: {file: /var/run/secrets/operator/password}}
      """;

    @TempDir
    Path dir;

    private static TrustBoundary<Sample> boundary(String operator) {
        return new TrustBoundary<>(new SampleDriver(), operator);
    }

    private static String refusal(TrustBoundary<Sample> boundary, String workflow) {
        Throwable t = catchThrowable(() -> boundary.bind(workflow));
        assertThat(t).as("refused: %s", workflow).isInstanceOf(ConfigurationException.class);
        assertThat(t.getMessage()).doesNotContain("\n");
        return t.getMessage();
    }

    @Test
    void aWorkflowSetsHowFieldsAndItsPrefixGoesBelowTheOperators() {
        TrustBoundary<Sample> b = boundary(OPERATOR);
        Sample plain = b.bind("");
        assertThat(plain.bucket()).isEqualTo("artifacts");
        assertThat(plain.prefix()).isEqualTo("argo/");
        Sample tuned = b.bind("prefix: team-a\nparts: 4\ntransfer: {filesInFlight: 2, maxBackoff: 1s}");
        assertThat(tuned.prefix()).isEqualTo("argo/team-a/");
        assertThat(tuned.parts()).isEqualTo(4);
        assertThat(tuned.transfer().filesInFlight()).isEqualTo(2);
        assertThat(tuned.transfer().maxBackoff()).isEqualTo(Duration.ofSeconds(1));
        assertThat(b.bind("prefix: argo/").prefix())
                .as("repeating the operator's prefix is not a sub-path of itself")
                .isEqualTo("argo/");
        assertThat(refusal(b, "prefix: ../other-team")).startsWith("field 'prefix' must be a relative path");
        assertThat(refusal(b, "prefix: /etc")).startsWith("field 'prefix' must be a relative path");
    }

    @Test
    void everyLockedFieldIsRefusedWithOneLineNamingIt() {
        TrustBoundary<Sample> b = boundary(OPERATOR);
        assertThat(refusal(b, "bucket: other-team"))
                .isEqualTo("field 'bucket' is fixed by the operator of this driver, so a "
                        + "workflow's configuration cannot change it; it may set only prefix, parts, timeout, replication, transfer "
                        + "(the operator can open more in policy.authorFields)");
        assertThat(refusal(b, "endpoint: http://127.0.0.1:9/")).startsWith("field 'endpoint' is fixed by the operator");
        assertThat(refusal(b, "key: {file: /var/run/secrets/kubernetes.io/serviceaccount/token}"))
                .startsWith("field 'key' is fixed");
        assertThat(refusal(b, "key: {env: null, file: /etc/hostname}")).startsWith("field 'key' is fixed");
        assertThat(refusal(b, "login: {user: root}")).startsWith("field 'login.user' is fixed");
        assertThat(refusal(b, "login: {password: {env: HOME}}")).startsWith("field 'login.password' is fixed");
        assertThat(refusal(b, "raw: {fs.defaultFS: hdfs://evil:8020}"))
                .startsWith("field 'raw' is fixed by the operator of this driver" + " (who leaves it unset)");
        assertThat(refusal(b, "bucket: null"))
                .as("removing the operator's value is changing it")
                .startsWith("field 'bucket' is fixed");
        TrustBoundary<Sample> noLogin = boundary(
                OPERATOR.replace("login: {user: argo, password: {file: /var/run/secrets/operator/password}}\n", ""));
        assertThat(refusal(noLogin, "login: {}"))
                .as("an empty mapping brings the record in: that is setting it")
                .startsWith("field 'login' is fixed by the operator of this driver (who leaves it unset)");
        assertThat(refusal(b, "policy: {authorFields: [bucket]}"))
                .startsWith("field 'policy' is the operator's to set");
    }

    @Test
    void theOperatorsOwnValuesMayBeRepeated() {
        TrustBoundary<Sample> b = boundary(OPERATOR);
        // A workflow that copies the repository's configuration (the chart renders the operator's) changes nothing.
        Sample same = b.bind(OPERATOR);
        assertThat(same.bucket()).isEqualTo("artifacts");
        assertThat(same.prefix()).isEqualTo("argo/");
        assertThat(b.bind("parts: 8").parts())
                .as("the default, stated by the workflow")
                .isEqualTo(8);
    }

    @Test
    void aSecretReferenceInALockedFieldIsRefusedAlikeWhetherItsTargetExistsOrNot() throws Exception {
        TrustBoundary<Sample> b = boundary(OPERATOR);
        Path existing = Files.writeString(dir.resolve("exists"), "content");
        String there = refusal(b, "key: {file: " + existing + "}");
        String notThere = refusal(b, "key: {file: " + dir.resolve("missing") + "}");
        assertThat(there).isEqualTo(notThere).doesNotContain(existing.toString());
        assertThat(refusal(b, "key: {env: PATH}"))
                .isEqualTo(refusal(b, "key: {env: NO_SUCH_VARIABLE_ANYWHERE}"))
                .isEqualTo(there);
    }

    @Test
    void tuningStaysWithinTheOperatorsMaxima() {
        TrustBoundary<Sample> defaults = boundary(OPERATOR);
        assertThat(refusal(defaults, "parts: 9"))
                .isEqualTo("field 'parts' may be at most 8 in a workflow's configuration: the "
                        + "operator's maximum (it can raise it with policy.authorMaxima.parts)");
        assertThat(refusal(defaults, "timeout: 31s")).startsWith("field 'timeout' may be at most 30s");
        assertThat(refusal(defaults, "transfer: {filesInFlight: 17}"))
                .startsWith("field 'transfer.filesInFlight' may be at most 16");
        assertThat(refusal(defaults, "transfer: {maxAttempts: 100, maxBackoff: 10m}"))
                .startsWith("field 'transfer.maxAttempts' may be at most 5");
        assertThat(refusal(defaults, "replication: 3"))
                .isEqualTo("field 'replication' cannot be set by a workflow here: the operator "
                        + "gives it no value and no maximum (policy.authorMaxima.replication)");
        assertThat(refusal(defaults, "transfer: {maxUnflushedBytes: 0}"))
                .as("0 is no limit, above any maximum")
                .startsWith("field 'transfer.maxUnflushedBytes'");
        assertThat(defaults.bind("parts: 1").parts()).isEqualTo(1);

        TrustBoundary<Sample> raised = boundary(
                OPERATOR + "parts: 16\npolicy: {authorMaxima: {transfer.filesInFlight: '64', replication: '3'}}\n");
        assertThat(raised.bind("parts: 16").parts())
                .as("up to the operator's own value")
                .isEqualTo(16);
        assertThat(raised.bind("transfer: {filesInFlight: 64}").transfer().filesInFlight())
                .isEqualTo(64);
        assertThat(raised.bind("replication: 2").replication()).isEqualTo(2);
        assertThat(refusal(raised, "replication: 4")).startsWith("field 'replication' may be at most 3");
    }

    @Test
    void anOpenedFieldIsTheWorkflowsToSet() {
        TrustBoundary<Sample> b = boundary(OPERATOR + "policy: {authorFields: [bucket, login.user]}\n");
        assertThat(b.bind("bucket: team-a").bucket()).isEqualTo("team-a");
        assertThat(b.bind("login: {user: team-a}").login())
                .isEqualTo(new Login("team-a", SecretRef.ofFile("/var/run/secrets/operator/password")));
        assertThat(refusal(b, "login: {password: {env: HOME}}")).startsWith("field 'login.password' is fixed");
        assertThat(b.workflowFields())
                .containsExactly("prefix", "parts", "timeout", "replication", "transfer", "bucket", "login.user");
    }

    @Test
    void anOpenedDestinationIsBoundByTheAllowListBeforeAnythingIsSent() {
        assertThatThrownBy(() -> boundary(OPERATOR + "policy: {authorFields: [endpoint]}\n"))
                .hasMessageStartingWith(
                        "the operator's configuration is invalid: field 'policy.authorFields' opens a field that says "
                                + "where requests and their credentials go");
        SampleDriver driver = new SampleDriver();
        DriverRuntime<Sample> runtime = new DriverRuntime<>(
                driver,
                OPERATOR + "policy: {authorFields: [endpoint], allowedHosts: ['*.example.org', 10.0.0.7]}\n",
                new DefaultSecretResolver());
        assertThat(runtime.configuration("endpoint: https://team-a.storage.example.org")
                        .endpoint())
                .contains("team-a");
        assertThat(runtime.configuration("endpoint: http://10.0.0.7:9000").endpoint())
                .contains("10.0.0.7");
        for (String hostile : List.of(
                "endpoint: http://127.0.0.1:9/",
                "endpoint: https://example.org.evil.net/",
                "endpoint: https://example.org/")) {
            assertThatThrownBy(() -> runtime.operations(hostile))
                    .as(hostile)
                    .isInstanceOf(ConfigurationException.class)
                    .hasMessageContaining(
                            "which this driver's operator does not allow workflows to choose (policy.allowedHosts)");
        }
        assertThat(driver.opened)
                .as("no storage was opened for a refused destination")
                .hasValue(0);
    }

    @Test
    void aWorkflowsSecretReferencesStayWithinTheAllowedSources() throws Exception {
        Path allowed = Files.createDirectories(dir.resolve("team-secrets"));
        Files.writeString(allowed.resolve("key"), "team-Key-Value");
        Path outside = Files.writeString(dir.resolve("operator-key"), "operator-Key-Value");
        Files.createSymbolicLink(allowed.resolve("link"), outside);
        TrustBoundary<Sample> b = boundary(OPERATOR + "policy: {authorFields: [key], secretSources: {files: [" + allowed
                + "]," + " envPrefixes: [TEAM_], secretNames: [team-credentials]}}\n");
        assertThat(b.bind("key: {file: " + allowed.resolve("key") + "}").key())
                .isEqualTo(SecretRef.ofFile(allowed.resolve("key").toString()));
        assertThat(b.bind("key: {env: TEAM_KEY}").key()).isEqualTo(SecretRef.ofEnv("TEAM_KEY"));
        assertThat(b.bind("key: {secretKeyRef: {name: team-credentials, key: k}}")
                        .key())
                .isNotNull();

        String outsideFile =
                "field 'key' refers to a file outside the directories that this driver's operator allows for "
                        + "workflows' secrets (policy.secretSources.files)";
        assertThat(refusal(b, "key: {file: " + outside + "}")).isEqualTo(outsideFile);
        assertThat(refusal(b, "key: {file: " + dir.resolve("no-such-file") + "}"))
                .as("the same whether it exists")
                .isEqualTo(outsideFile);
        assertThat(refusal(b, "key: {file: " + allowed + "/../operator-key}")).isEqualTo(outsideFile);
        assertThat(refusal(b, "key: {file: " + allowed.resolve("link") + "}"))
                .as("after symbolic links")
                .isEqualTo(outsideFile);
        assertThat(refusal(b, "key: {file: relative/key}")).isEqualTo(outsideFile);
        assertThat(refusal(b, "key: {env: PATH}"))
                .isEqualTo(refusal(b, "key: {env: NOT_SET_ANYWHERE}"))
                .isEqualTo(
                        "field 'key' refers to an environment variable that this driver's operator does not allow for workflows' "
                                + "secrets (policy.secretSources.envPrefixes)");
        assertThat(refusal(b, "key: {secretKeyRef: {name: argo-server-token, key: token}}"))
                .endsWith("(policy.secretSources.secretNames)");

        // The resolver a storage gets reads the operator's references as they are, a workflow's only within the
        // sources.
        SecretResolver guarded = b.guard(
                new DefaultSecretResolver(Map.of("OPERATOR_KEY", "operator-Env-Value", "TEAM_KEY", "t")::get, null));
        assertThat(guarded.resolve("key", SecretRef.ofEnv("OPERATOR_KEY")).text())
                .isEqualTo("operator-Env-Value");
        assertThat(guarded.resolve(
                                "key", SecretRef.ofFile(allowed.resolve("key").toString()))
                        .text())
                .isEqualTo("team-Key-Value");
        assertThatThrownBy(() -> guarded.resolve("key", SecretRef.ofFile(outside.toString())))
                .hasMessage(outsideFile);
        assertThatThrownBy(() -> guarded.resolve("login.password", SecretRef.ofEnv("OPERATOR_KEY")))
                .as("the operator's reference is trusted in its own field, not in another")
                .hasMessageContaining("envPrefixes");
    }

    @Test
    void tokenMountsAreNeverCoveredByABroaderAllowance() {
        Path token = Path.of("/var/run/secrets/kubernetes.io/serviceaccount/token");
        assertThat(ProtectedPaths.covers(Path.of("/var/run/secrets"), token)).isFalse();
        assertThat(ProtectedPaths.covers(Path.of("/"), token)).isFalse();
        assertThat(ProtectedPaths.covers(Path.of("/var/run/secrets/kubernetes.io/serviceaccount"), token))
                .as("named")
                .isTrue();
        assertThat(ProtectedPaths.covers(Path.of("/var/run/secrets"), Path.of("/var/run/secrets/team/key")))
                .isTrue();
        assertThat(ProtectedPaths.systemPathOf(Path.of("/"))).isPresent();
        assertThat(ProtectedPaths.systemPathOf(Path.of("/proc/self"))).isPresent();
        assertThat(ProtectedPaths.systemPathOf(Path.of("/mnt/artifacts"))).isEmpty();
    }

    @Test
    void aPolicyWithAMistakeFailsAtStartUpNamingIt() {
        assertThatThrownBy(() -> boundary(OPERATOR + "policy: {authorFeilds: [bucket]}\n"))
                .hasMessageStartingWith(
                        "the operator's configuration is invalid: unknown field 'authorFeilds' in 'policy', "
                                + "did you mean 'authorFields'?");
        assertThatThrownBy(() -> boundary(OPERATOR + "policy: {authorFields: [bukcet]}\n"))
                .hasMessage(
                        "the operator's configuration is invalid: field 'policy.authorFields' names 'bukcet', which is no field "
                                + "of the sample configuration");
        assertThatThrownBy(() -> boundary(OPERATOR + "policy: {authorFields: [parts]}\n"))
                .hasMessageContaining("a how field, which workflows may always set");
        assertThatThrownBy(() -> boundary(OPERATOR + "policy: {authorFields: [raw]}\n"))
                .hasMessageContaining("which only the operator may ever set");
        assertThatThrownBy(() -> boundary(OPERATOR + "policy: {authorMaxima: {bucket: '3'}}\n"))
                .hasMessageEndingWith("field 'policy.authorMaxima.bucket' is not a number or duration how field");
        assertThatThrownBy(() -> boundary(OPERATOR + "policy: {authorMaxima: {timeout: soon}}\n"))
                .hasMessageEndingWith("field 'policy.authorMaxima.timeout' must be a duration such as '10s'");
        assertThatThrownBy(
                        () -> boundary(OPERATOR + "policy: {authorFields: [endpoint], allowedHosts: ['http://x/']}\n"))
                .hasMessageContaining("which is not a host name");
        assertThatThrownBy(() -> boundary(OPERATOR + "policy: {secretSources: {envPrefixes: ['']}}\n"))
                .hasMessageContaining("must hold non-empty prefixes");
    }

    @Test
    void aBrokenOperatorConfigurationFailsAtStartUpUnlessWorkflowsCompleteIt() {
        assertThatThrownBy(() -> boundary("endpoint: https://storage.example.org\n"))
                .hasMessage("the operator's configuration is invalid: field 'bucket' is required");
        assertThatThrownBy(() -> boundary("endpoint: ftp://x\nbucket: b\n"))
                .hasMessage("the operator's configuration is invalid: field 'endpoint' must be an http(s) URL");
        assertThatThrownBy(() -> boundary("bucket: b\nendpiont: x\n"))
                .hasMessageStartingWith(
                        "the operator's configuration is invalid: unknown field 'endpiont', did you mean 'endpoint'?");
        assertThatThrownBy(() -> boundary("bucket: [b\n"))
                .hasMessageStartingWith(
                        "the operator's configuration is invalid: it is not " + "valid YAML or JSON at line");
        TrustBoundary<Sample> completed =
                boundary("endpoint: https://storage.example.org\npolicy: {authorFields: [bucket]}\n");
        assertThat(completed.bind("bucket: team-b").bucket()).isEqualTo("team-b");
        assertThat(refusal(completed, "")).isEqualTo("field 'bucket' is required");
    }

    @Test
    void withoutAnOperatorConfigurationNothingIsOpen() {
        TrustBoundary<Sample> none = boundary(null);
        assertThat(none.configured()).isFalse();
        assertThat(refusal(none, "endpoint: https://storage.example.org\nbucket: b\n"))
                .startsWith("field 'endpoint' is fixed by the operator of this driver (who leaves it unset)");
        assertThat(refusal(none, "")).isEqualTo("field 'endpoint' is required");
        assertThatCode(() -> boundary("  \n")).doesNotThrowAnyException();
        assertThat(boundary(OPERATOR).configured()).isTrue();
    }
}
