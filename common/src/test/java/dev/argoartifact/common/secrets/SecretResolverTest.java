package dev.argoartifact.common.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.config.SecretRef;
import dev.argoartifact.common.log.JsonLog;
import dev.argoartifact.common.log.Redaction;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Secret references against a real file system, an environment and a Kubernetes API server. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SecretResolverTest {
    private KubernetesMockServer apiServer;
    private NamespacedKubernetesClient apiClient;
    private DefaultSecretResolver resolver;

    @TempDir
    Path dir;

    @BeforeAll
    void startApiServer() {
        // The fabric8 mock server in CRUD mode serves the Kubernetes REST API over HTTP.
        apiServer = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        apiServer.init();
        apiClient = apiServer.createClient();
        apiClient
                .secrets()
                .inNamespace(apiClient.getNamespace())
                .resource(new SecretBuilder()
                        .withNewMetadata()
                        .withName("azure-credentials")
                        .endMetadata()
                        .addToData(
                                "account-key",
                                Base64.getEncoder()
                                        .encodeToString("k8s-Account-Key-Value==".getBytes(StandardCharsets.UTF_8)))
                        .addToData(
                                "sas",
                                Base64.getEncoder().encodeToString("sv=2024&sig=abc".getBytes(StandardCharsets.UTF_8)))
                        .build())
                .create();
        resolver = new DefaultSecretResolver(
                Map.of("SFTP_PASSWORD", "env-Password-Value")::get,
                KubernetesSecrets.at(
                        URI.create(apiServer.url("/")), apiClient.getNamespace(), "service-account-token"));
    }

    @AfterAll
    void stopApiServer() {
        apiClient.close();
        apiServer.destroy();
    }

    @Test
    void readsAKeyOfAKubernetesSecretInThePodsNamespace() {
        Secret secret = resolver.resolve("accountKey", SecretRef.ofSecretKey("azure-credentials", "account-key"));
        assertThat(secret.text()).isEqualTo("k8s-Account-Key-Value==");
        assertThat(secret.toString()).isEqualTo("Secret[****]").doesNotContain("k8s");
    }

    @Test
    void explainsMissingSecretsAndKeysWithoutValues() {
        assertThatThrownBy(() -> resolver.resolve("accountKey", SecretRef.ofSecretKey("nope", "k")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage("field 'accountKey' refers to Secret 'nope' in namespace '" + apiClient.getNamespace()
                        + "', which does not exist");
        assertThatThrownBy(
                        () -> resolver.resolve("accountKey", SecretRef.ofSecretKey("azure-credentials", "acount-key")))
                .hasMessage(
                        "field 'accountKey' refers to key 'acount-key' of Secret 'azure-credentials', which has no such key (it has: account-key, sas)");
    }

    @Test
    void explainsAForbiddenSecret() {
        KubernetesMockServer strict = new KubernetesMockServer(false);
        strict.init();
        try (NamespacedKubernetesClient c = strict.createClient()) {
            strict.expect()
                    .get()
                    .withPath("/api/v1/namespaces/" + c.getNamespace() + "/secrets/locked")
                    .andReturn(403, "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\"}")
                    .always();
            DefaultSecretResolver r = new DefaultSecretResolver(
                    name -> null,
                    KubernetesSecrets.at(URI.create(strict.url("/")), c.getNamespace(), "service-account-token"));
            assertThatThrownBy(() -> r.resolve("password", SecretRef.ofSecretKey("locked", "k")))
                    .hasMessageContaining(
                            "which the pod's service account may not read: grant it 'get' on that secret");
        } finally {
            strict.destroy();
        }
    }

    @Test
    void readsFilesAndEnvironmentVariables() throws Exception {
        Path file = Files.writeString(dir.resolve("password"), "file-Password-Value\n");
        assertThat(resolver.resolve("password", SecretRef.ofFile(file.toString()))
                        .text())
                .isEqualTo("file-Password-Value");
        assertThat(resolver.resolve("password", SecretRef.ofFile(file.toString()))
                        .bytes())
                .isEqualTo("file-Password-Value\n".getBytes(StandardCharsets.UTF_8));
        assertThat(resolver.resolve("password", SecretRef.ofEnv("SFTP_PASSWORD"))
                        .text())
                .isEqualTo("env-Password-Value");
        assertThatThrownBy(() -> resolver.resolve("password", SecretRef.ofEnv("UNSET_VARIABLE")))
                .hasMessage("field 'password' refers to environment variable 'UNSET_VARIABLE', which is not set");
        // Missing and unreadable read the same, so an error never tells whether a file exists.
        Path missing = dir.resolve("missing");
        Path unreadable = Files.createDirectories(dir.resolve("a-directory"));
        String missingError = catchThrowable(() -> resolver.resolve("password", SecretRef.ofFile(missing.toString())))
                .getMessage();
        String unreadableError = catchThrowable(
                        () -> resolver.resolve("password", SecretRef.ofFile(unreadable.toString())))
                .getMessage();
        assertThat(missingError)
                .isEqualTo("field 'password' refers to file '" + missing
                        + "', which cannot be read (it is missing, or the driver may not read it)");
        assertThat(unreadableError.replace(unreadable.toString(), "PATH"))
                .isEqualTo(missingError.replace(missing.toString(), "PATH"));
    }

    @Test
    void resolvedSecretsAreMaskedInLogsAndErrors() {
        resolver.resolve("accountKey", SecretRef.ofSecretKey("azure-credentials", "account-key"));
        assertThat(Redaction.apply("SDK said: bad key k8s-Account-Key-Value== for account"))
                .isEqualTo("SDK said: bad key **** for account");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        JsonLog.redirect(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            JsonLog.warn(
                    "request failed: k8s-Account-Key-Value==",
                    Map.of("error", "auth k8s-Account-Key-Value== rejected"));
        } finally {
            JsonLog.redirect(System.out);
        }
        assertThat(captured.toString(StandardCharsets.UTF_8))
                .doesNotContain("k8s-Account-Key-Value")
                .contains("****");
    }
}
