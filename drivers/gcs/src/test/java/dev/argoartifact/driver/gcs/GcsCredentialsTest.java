package dev.argoartifact.driver.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.storage.StorageOptions;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.sun.net.httpserver.HttpServer;
import dev.argoartifact.common.config.ConfigurationBinder;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.secrets.DefaultSecretResolver;
import dev.argoartifact.common.secrets.KubernetesSecrets;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which credentials the driver builds, decided and checked without any network call. */
class GcsCredentialsTest {
    @TempDir
    Path dir;

    private final ConfigurationBinder<GcsConfiguration> binder = new ConfigurationBinder<>(GcsConfiguration.class);

    /** Opens the driver for a configuration and returns the options it prepared for the client. */
    private StorageOptions.Builder optionsFor(String yaml, DefaultSecretResolver secrets) {
        AtomicReference<StorageOptions.Builder> seen = new AtomicReference<>();
        new GcsDriver(options -> {
                    seen.set(options);
                    return LocalStorageHelper.getOptions().getService();
                })
                .open(binder.bind(yaml), secrets);
        return seen.get();
    }

    @Test
    void aServiceAccountKeyFromEveryKindOfSecretReferenceIsParsedAndUsed() throws Exception {
        String json = ServiceAccountKeys.json("https://oauth2.googleapis.com/token");
        Path file = Files.writeString(dir.resolve("key.json"), json);
        // The Kubernetes API's answer for Secret 'gcs' in namespace 'argo', from a loopback server.
        byte[] secret =
                ("{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"gcs\"},\"data\":{\"key.json\":\""
                                + Base64.getEncoder().encodeToString(json.getBytes(StandardCharsets.UTF_8)) + "\"}}")
                        .getBytes(StandardCharsets.UTF_8);
        HttpServer api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.createContext("/api/v1/namespaces/argo/secrets/gcs", exchange -> {
            exchange.sendResponseHeaders(200, secret.length);
            exchange.getResponseBody().write(secret);
            exchange.close();
        });
        api.start();
        try {
            DefaultSecretResolver secrets = new DefaultSecretResolver(
                    Map.of("GCS_KEY", json)::get,
                    KubernetesSecrets.at(
                            URI.create("http://127.0.0.1:" + api.getAddress().getPort()),
                            "argo",
                            "service-account-token"));
            for (String reference :
                    new String[] {"{file: " + file + "}", "{env: GCS_KEY}", "{secretKeyRef: {name: gcs, key: key.json}}"
                    }) {
                StorageOptions.Builder options =
                        optionsFor("bucket: argo-artifacts\nserviceAccountKey: " + reference, secrets);
                assertThat(options.build().getCredentials())
                        .as(reference)
                        .isInstanceOf(ServiceAccountCredentials.class);
                assertThat(((ServiceAccountCredentials) options.build().getCredentials()).getClientEmail())
                        .isEqualTo(ServiceAccountKeys.CLIENT_EMAIL);
            }
        } finally {
            api.stop(0);
        }
    }

    @Test
    void aMalformedKeyFailsClearlyWithoutEchoingIt() throws Exception {
        Path file = Files.writeString(
                dir.resolve("bad.json"), "{\"type\": \"service_account\", \"private_key\": \"Top-Secret-Bits\"}");
        assertThatThrownBy(() ->
                        optionsFor("bucket: b-1\nserviceAccountKey: {file: " + file + "}", new DefaultSecretResolver()))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("field 'serviceAccountKey' is not a valid service account JSON key")
                .hasMessageNotContaining("Top-Secret-Bits");
    }

    @Test
    void applicationDefaultCredentialsAreSelectedWhenNoKeyIsGiven() {
        GcsConfiguration config = binder.bind("bucket: argo-artifacts");
        assertThat(GcsDriver.authMode(config)).isEqualTo(GcsDriver.AuthMode.APPLICATION_DEFAULT);
        // No credentials are set on the options: the client finds ADC itself, lazily, on first use.
        StorageOptions.Builder options = optionsFor("bucket: argo-artifacts", new DefaultSecretResolver());
        assertThat(options).extracting("credentials").isNull();
    }

    @Test
    void badBucketNamesAndEndpointsAreNamed() {
        assertThatThrownBy(() -> binder.bind("bucket: Bad_Bucket"))
                .hasMessageStartingWith("field 'bucket' must be a valid bucket name");
        assertThatThrownBy(() -> binder.bind("bucket: ab"))
                .hasMessageStartingWith("field 'bucket' must be a valid bucket name");
        assertThatThrownBy(() -> binder.bind("bucket: google-things")).hasMessageContaining("not starting with 'goog'");
        assertThatThrownBy(() -> binder.bind("bucket: a..b")).hasMessageStartingWith("field 'bucket' must be");
        assertThatThrownBy(() -> binder.bind("bucket: " + "a".repeat(64)))
                .as("over 63 characters without dots")
                .hasMessageStartingWith("field 'bucket' must be");
        assertThat(binder.bind("bucket: " + "a".repeat(60) + ".example.com").bucket())
                .as("up to 222 with dots")
                .hasSize(72);
        assertThatThrownBy(() -> binder.bind("bucket: ok-bucket\nendpoint: ftp://x"))
                .hasMessage("field 'endpoint' must be an http(s) URL such as https://storage.example.internal");
        assertThatThrownBy(() -> binder.bind("bucket: ok-bucket\npartSize: 1000"))
                .hasMessage("field 'partSize' must be between 5242880 and 268435456");
        assertThatThrownBy(() -> binder.bind("bucket: ok-bucket\nserviceAccountKey: '{\"type\": \"service_account\"}'"))
                .hasMessageStartingWith("field 'serviceAccountKey' must be a secret reference");
    }
}
