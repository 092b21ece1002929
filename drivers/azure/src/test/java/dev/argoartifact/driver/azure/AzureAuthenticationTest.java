package dev.argoartifact.driver.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.sas.BlobContainerSasPermission;
import com.azure.storage.blob.sas.BlobServiceSasSignatureValues;
import dev.argoartifact.conformance.DriverLauncher;
import dev.argoartifact.conformance.InProcessDriver;
import dev.argoartifact.conformance.JavaDriverLauncher;
import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** Every way to authenticate, and the bad inputs users will make, against Azurite. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AzureAuthenticationTest {
    // Static: JUnit makes it before the @BeforeAll below and removes it after the class.
    @TempDir
    static Path work;

    private AzuriteServer azurite;
    private InProcessDriver driver;
    private ArtifactClient client;
    private BlobContainerClient container;
    private Path file;

    @BeforeAll
    void start() throws Exception {
        AzuriteServer.assumeInstalled();
        azurite = new AzuriteServer(work).start(0);
        container = azurite.admin().createBlobContainer("auth");
        // Every way to authenticate, each chosen by the configuration of one artifact: the operator
        // opens the fields for it, with the hosts and the secret files workflows may name.
        driver = new InProcessDriver(
                new AzureDriver(),
                work.resolve("plugin/socket"),
                String.join(
                        "\n",
                        "container: auth",
                        "policy:",
                        "  authorFields: [endpoint, accountName, container, accountKey, sasToken, connectionString, credential]",
                        "  allowedHosts: [127.0.0.1, example.org]",
                        "  secretSources: {files: [" + work + "], envPrefixes: [SAS]}",
                        ""));
        client = new ArtifactClient(driver.socket(), "azure");
        file = Files.writeString(work.resolve("hello.txt"), "hello azure");
    }

    @AfterAll
    void stop() throws Exception {
        if (driver != null) {
            driver.close();
        }
        if (azurite != null) {
            azurite.close();
        }
    }

    private Path secret(String name, String value) throws Exception {
        return Files.writeString(work.resolve(name), value);
    }

    private Reply roundTrip(String configuration, String key) throws Exception {
        Path target =
                Files.createDirectories(work.resolve("in-" + key.hashCode())).resolve("a.tmp");
        return client.roundTrip(file, client.artifact(configuration, key), target);
    }

    private String sas(OffsetDateTime expiry) {
        return container.generateSas(
                new BlobServiceSasSignatureValues(expiry, BlobContainerSasPermission.parse("racwdl")));
    }

    @Test
    void accountKeySasTokenAndConnectionStringAllWork() throws Exception {
        String endpoint = "endpoint: " + azurite.endpoint() + "\ncontainer: auth\n";
        assertThat(roundTrip(endpoint + "accountKey: {file: " + secret("key", AzuriteServer.KEY) + "}", "with-key.txt"))
                .isEqualTo(new Reply(true, ""));
        assertThat(roundTrip(
                        endpoint + "sasToken: {file: "
                                + secret("sas", sas(OffsetDateTime.now().plusHours(1))) + "}",
                        "with-sas.txt"))
                .isEqualTo(new Reply(true, ""));
        assertThat(roundTrip(
                        "container: auth\nconnectionString: {file: " + secret("cs", azurite.connectionString()) + "}",
                        "with-connection-string.txt"))
                .isEqualTo(new Reply(true, ""));
        assertThat(container.getBlobClient("with-sas.txt").exists()).isTrue();
    }

    @Test
    void anExpiredSasFailsClearlyWithoutEchoingIt() throws Exception {
        String expired = sas(OffsetDateTime.now().minusHours(1));
        Reply reply = client.save(
                file,
                client.artifact(
                        "endpoint: " + azurite.endpoint() + "\ncontainer: auth\nsasToken: {file: "
                                + secret("expired", expired) + "}",
                        "expired.txt"));
        assertThat(reply.success()).isFalse();
        assertThat(reply.error())
                .contains("container 'auth'")
                .contains("HTTP 403")
                .contains("expired");
        String signature = expired.replaceAll(".*sig=([^&]+).*", "$1");
        assertThat(reply.error()).doesNotContain(signature).doesNotContain(expired);
    }

    @Test
    void aWrongAccountKeyFailsClearly() throws Exception {
        String wrong =
                java.util.Base64.getEncoder().encodeToString("not-the-key-not-the-key-not-the-key-1234".getBytes());
        Reply reply = client.save(
                file,
                client.artifact(
                        "endpoint: " + azurite.endpoint() + "\ncontainer: auth\naccountKey: {file: "
                                + secret("wrong", wrong) + "}",
                        "x.txt"));
        assertThat(reply.error())
                .contains("HTTP 403")
                .contains("AuthorizationFailure", "credential")
                .doesNotContain(wrong);
    }

    @Test
    void anAccountKeyThatIsNotBase64NamesTheFieldButNoByteOfIt() throws Exception {
        // '-' and '!' are not base64: a decoder's error would quote them ("Illegal base64 character 2d").
        Path bad = secret("not-base64", "S3cr3t-Key!not-base64-at-all==");
        Reply reply = client.save(
                file,
                client.artifact(
                        "endpoint: " + azurite.endpoint() + "\ncontainer: auth\naccountKey: {file: " + bad + "}",
                        "x.txt"));
        assertThat(reply.success()).isFalse();
        assertThat(reply.error())
                .contains("field 'accountKey' is not a valid account key (expected base64)")
                .doesNotContain("2d")
                .doesNotContain("21")
                .doesNotContain("S3cr3t")
                .doesNotContainIgnoringCase("illegal base64 character");
    }

    @Test
    void badInputsAreNamed() throws Exception {
        String key = "accountKey: {file: " + secret("key2", AzuriteServer.KEY) + "}";
        assertThat(client.save(
                                file,
                                client.artifact(
                                        "endpoint: " + azurite.endpoint() + "\ncontainer: missing-container\n" + key,
                                        "x"))
                        .error())
                .contains("container 'missing-container' does not exist");
        assertThat(client.load(
                                client.artifact(
                                        "endpoint: " + azurite.endpoint() + "\ncontainer: missing-container\n" + key,
                                        "x"),
                                work.resolve("never"))
                        .error())
                .contains("container 'missing-container' does not exist");
        assertThat(client.save(
                                file,
                                client.artifact(
                                        "endpoint: " + azurite.endpoint() + "\ncontainer: Bad_Name\n" + key, "x"))
                        .error())
                .contains("field 'container' must be a valid container name");
        assertThat(client.save(file, client.artifact("endpoint: not a url\ncontainer: auth\n" + key, "x"))
                        .error())
                .contains("field 'endpoint'");
        assertThat(client.save(file, client.artifact("endpoint: ftp://example.org\ncontainer: auth\n" + key, "x"))
                        .error())
                .contains("field 'endpoint' must be an http(s) URL");
        assertThat(client.save(
                                file,
                                client.artifact(
                                        "endpoint: " + azurite.endpoint() + "\ncontainer: auth\n" + key
                                                + "\nsasToken: {env: SAS}",
                                        "x"))
                        .error())
                .contains("give only one of 'accountKey' and 'sasToken'");
        assertThat(client.save(file, client.artifact("container: auth\n" + key, "x"))
                        .error())
                .contains("one of 'endpoint' and 'accountName' is required");
        assertThat(client.save(
                                file,
                                client.artifact(
                                        "container: auth\nconnectionString: {file: " + secret("bad-cs", "nonsense")
                                                + "}",
                                        "x"))
                        .error())
                .contains("field 'connectionString' is not valid");
        assertThat(client.save(
                                file,
                                client.artifact(
                                        "endpoint: " + azurite.endpoint() + "\ncontainer: auth\ncredential: default",
                                        "x"))
                        .error())
                .contains("bearer tokens, which Azure accepts only over https");
    }

    @Test
    void defaultCredentialReadsAServicePrincipalFromTheEnvironmentAndFailsClearlyAgainstAnUnreachableAuthority()
            throws Exception {
        // A service principal in the environment, as a secret-mounted SP would give.
        assertDefaultCredentialFailsClearly(
                "service-principal",
                Map.of(
                        "AZURE_CLIENT_ID", "00000000-0000-0000-0000-000000000001",
                        "AZURE_TENANT_ID", "00000000-0000-0000-0000-000000000002",
                        "AZURE_CLIENT_SECRET", "Sp-Secret-Never-Shown"),
                "EnvironmentCredential");
    }

    @Test
    void defaultCredentialReadsWorkloadIdentityAndFailsClearlyAgainstAnUnreachableAuthority() throws Exception {
        // What the workload identity webhook injects: client and tenant ids, and a projected token file.
        Path token = Files.writeString(work.resolve("azure-identity-token"), "Federated-Token-Never-Shown");
        assertDefaultCredentialFailsClearly(
                "workload-identity",
                Map.of(
                        "AZURE_CLIENT_ID", "00000000-0000-0000-0000-000000000001",
                        "AZURE_TENANT_ID", "00000000-0000-0000-0000-000000000002",
                        "AZURE_FEDERATED_TOKEN_FILE", token.toString()),
                "WorkloadIdentityCredential");
    }

    /**
     * Every identity endpoint points at a closed loopback port, and the driver's JVM resolves names
     * from a hosts file (no DNS), so nothing leaves the host: MSAL's instance discovery would
     * otherwise look up login.microsoftonline.com.
     */
    private void assertDefaultCredentialFailsClearly(String name, Map<String, String> identity, String credential)
            throws Exception {
        Path hosts = Files.writeString(
                work.resolve("hosts"),
                String.join(
                        "\n",
                        "127.0.0.1 localhost",
                        "127.0.0.1 login.microsoftonline.com",
                        "127.0.0.1 login.microsoft.com",
                        "127.0.0.1 login.windows.net",
                        ""));
        Map<String, String> environment = new HashMap<>(identity);
        environment.putAll(Map.of(
                "JAVA_TOOL_OPTIONS", "-Djdk.net.hosts.file=" + hosts,
                "AZURE_AUTHORITY_HOST", "https://127.0.0.1:9/",
                "IDENTITY_ENDPOINT", "http://127.0.0.1:9/msi/token",
                "IDENTITY_HEADER", "unused",
                "MSI_ENDPOINT", "http://127.0.0.1:9/msi/token",
                "MSI_SECRET", "unused"));
        // The operator chose the pod's identity; the workflow says nothing.
        environment.put(
                "ARGO_ARTIFACT_DEFAULT_CONFIGURATION",
                "endpoint: https://127.0.0.1:9/devstoreaccount1"
                        + "\ncontainer: auth\ncredential: default\ntransfer: {maxAttempts: 1}");
        Path socket = work.resolve(name + "/socket");
        Process process = new JavaDriverLauncher("azure", environment, work.resolve(name + ".log")).start(socket);
        try {
            DriverLauncher.awaitConnectable(socket, process, Duration.ofSeconds(30));
            ArtifactClient processClient = new ArtifactClient(socket, "azure");
            long started = System.nanoTime();
            // Bearer tokens go only over https; the token request fails before any storage request is sent.
            Reply reply = processClient.save(file, processClient.artifact("", "default.txt"));
            Duration took = Duration.ofNanos(System.nanoTime() - started);
            assertThat(reply.success()).isFalse();
            assertThat(reply.error())
                    .containsIgnoringCase("authentication")
                    .contains(credential)
                    .doesNotContain("Sp-Secret-Never-Shown")
                    .doesNotContain("Federated-Token-Never-Shown");
            assertThat(took).as("fails, does not hang").isLessThan(Duration.ofSeconds(60));
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
