package dev.argoartifact.common.secrets;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.config.SecretRef;
import dev.argoartifact.common.failure.Failure;
import dev.argoartifact.common.failure.HttpStatuses;
import dev.argoartifact.common.failure.StorageException;
import dev.argoartifact.common.log.Printable;
import dev.argoartifact.common.transfer.Retrier;
import dev.argoartifact.common.transfer.TransferSettings;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Reads keys of Kubernetes Secrets with the pod's service account, in the pod's own namespace
 * (Argo sends no namespace, and the configuration is not trusted to pick one).
 *
 * <p>This is one call, {@code GET /api/v1/namespaces/{namespace}/secrets/{name}}, made the way
 * every in-cluster client makes it: to {@code KUBERNETES_SERVICE_HOST:PORT}, trusting the cluster
 * CA and sending the service account token that the kubelet mounts. The JDK's HTTP client and TLS
 * and Jackson do the work; a Kubernetes client library for this one call put 4.7 MB and nine jars
 * into every image. The token is read again for every call, because bound tokens rotate. The API
 * server is reached on first use, so drivers that never see a secretKeyRef never touch it.
 */
public final class KubernetesSecrets {
    /** Where the kubelet mounts the service account's token, CA bundle and namespace. */
    static final Path SERVICE_ACCOUNT = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");

    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    /** What only a read needs, made on the first one: every driver start creates this class. */
    private static final class OnFirstRead {
        // Secret names are DNS subdomains (RFC 1123): anything else cannot exist, so say so up front.
        static final Pattern SECRET_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
        static final ObjectMapper JSON = new ObjectMapper();
        // Connection failures and 429/5xx answers are retried; a missing or forbidden Secret is not.
        static final TransferSettings RETRIES = new TransferSettings(
                        1, 4, Duration.ofMillis(250), Duration.ofSeconds(4), null, null, null, null)
                .withDefaults();
    }

    /** How to reach the API server: its address, the pod's namespace and token, a client trusting it. */
    record ApiServer(URI base, String namespace, Supplier<String> token, HttpClient http) {}

    private final Supplier<ApiServer> connect;
    private volatile ApiServer server;

    /** The API server of the cluster this pod runs in, with the pod's service account. */
    public KubernetesSecrets() {
        this(() -> inCluster(System::getenv, SERVICE_ACCOUNT));
    }

    KubernetesSecrets(Supplier<ApiServer> connect) {
        this.connect = connect;
    }

    /**
     * An API server at {@code base} (plain HTTP, or HTTPS with the JDK's default trust), acting in
     * {@code namespace} with {@code token}: for tests and local development against a proxy.
     */
    public static KubernetesSecrets at(URI base, String namespace, String token) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
        return new KubernetesSecrets(() -> new ApiServer(base, namespace, () -> token, http));
    }

    byte[] read(String field, SecretRef.SecretKeyRef ref) {
        if (!OnFirstRead.SECRET_NAME.matcher(ref.name()).matches()) {
            throw new ConfigurationException(
                    field,
                    "refers to Secret '" + Printable.of(ref.name(), 100)
                            + "', which is not a valid Secret name (lower-case letters, digits, '-' and '.')");
        }
        ApiServer api = server();
        String where = "Secret '" + ref.name() + "' in namespace '" + api.namespace() + "'";
        HttpResponse<byte[]> response;
        try {
            response = new Retrier(OnFirstRead.RETRIES).call("read " + where, () -> get(api, ref.name()));
        } catch (IOException e) {
            throw new ConfigurationException(
                    field,
                    "refers to " + where + ", which could not be read from the Kubernetes API: " + e.getMessage());
        }
        switch (response.statusCode()) {
            case 200 -> {}
            case 404 -> throw new ConfigurationException(field, "refers to " + where + ", which does not exist");
            case 403 ->
                throw new ConfigurationException(
                        field,
                        "refers to " + where
                                + ", which the pod's service account may not read: grant it 'get' on that secret");
            case 401 ->
                throw new ConfigurationException(
                        field,
                        "refers to " + where
                                + ", but the Kubernetes API rejected the pod's service account token (HTTP 401)");
            default ->
                throw new ConfigurationException(
                        field,
                        "refers to " + where + ", which could not be read from the Kubernetes API (HTTP "
                                + response.statusCode() + ")");
        }
        JsonNode secret;
        try {
            secret = OnFirstRead.JSON.readTree(response.body());
        } catch (IOException e) {
            throw new ConfigurationException(
                    field, "refers to " + where + ", but the Kubernetes API answered with something other than JSON");
        }
        JsonNode data = secret.path("data");
        if (data.path(ref.key()).isTextual()) {
            try {
                return Base64.getDecoder().decode(data.path(ref.key()).asText());
            } catch (IllegalArgumentException e) {
                throw new ConfigurationException(
                        field,
                        "refers to key '" + Printable.of(ref.key(), 100) + "' of Secret '" + ref.name()
                                + "', which is not valid base64");
            }
        }
        JsonNode stringData = secret.path("stringData");
        if (stringData.path(ref.key()).isTextual()) {
            return stringData.path(ref.key()).asText().getBytes(StandardCharsets.UTF_8);
        }
        TreeSet<String> keys = new TreeSet<>();
        for (Iterator<String> names = data.fieldNames(); names.hasNext(); ) {
            keys.add(names.next());
        }
        throw new ConfigurationException(
                field,
                "refers to key '" + Printable.of(ref.key(), 100) + "' of Secret '" + ref.name()
                        + "', which has no such key (it has: " + String.join(", ", keys) + ")");
    }

    private static HttpResponse<byte[]> get(ApiServer api, String name) throws IOException {
        HttpRequest request = HttpRequest.newBuilder(
                        api.base().resolve("/api/v1/namespaces/" + api.namespace() + "/secrets/" + name))
                .header("Authorization", "Bearer " + api.token().get())
                .header("Accept", "application/json")
                .timeout(TIMEOUT)
                .GET()
                .build();
        HttpResponse<byte[]> response;
        try {
            response = api.http().send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            // The JDK's client reports a connection the API server dropped as a plain IOException.
            throw e.getClass() == IOException.class ? new StorageException(e.getMessage(), e, Failure.TRANSIENT) : e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while reading a Secret");
        }
        int status = response.statusCode();
        if (HttpStatuses.of(status) == Failure.TRANSIENT) {
            throw new StorageException("HTTP " + status, null, Failure.TRANSIENT); // overloaded or restarting
        }
        return response;
    }

    private ApiServer server() {
        ApiServer s = server;
        if (s == null) {
            synchronized (this) {
                if (server == null) {
                    server = connect.get();
                }
                s = server;
            }
        }
        return s;
    }

    /** The in-cluster API server, from the service's environment and the mounted service account. */
    static ApiServer inCluster(Function<String, String> env, Path serviceAccount) {
        String host = env.apply("KUBERNETES_SERVICE_HOST");
        if (host == null || host.isBlank()) {
            throw unreachable(
                    "KUBERNETES_SERVICE_HOST is not set, so this is not a Kubernetes pod; use {file: ...} or {env: ...} here");
        }
        String port = env.apply("KUBERNETES_SERVICE_PORT");
        URI base = URI.create("https://" + (host.contains(":") ? "[" + host + "]" : host) + ":"
                + (port == null || port.isBlank() ? "443" : port.trim()));
        Path tokenFile = serviceAccount.resolve("token");
        if (!Files.isReadable(tokenFile)) {
            throw unreachable(
                    "the pod has no service account token at " + tokenFile + " (automountServiceAccountToken: false?)");
        }
        String namespace;
        try {
            namespace = Files.readString(serviceAccount.resolve("namespace")).trim();
        } catch (IOException e) {
            namespace = "default";
        }
        SSLContext tls;
        try (InputStream ca = Files.newInputStream(serviceAccount.resolve("ca.crt"))) {
            KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
            trusted.load(null, null);
            int i = 0;
            for (Certificate certificate :
                    CertificateFactory.getInstance("X.509").generateCertificates(ca)) {
                trusted.setCertificateEntry("cluster-ca-" + i++, certificate);
            }
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(trusted);
            tls = SSLContext.getInstance("TLS");
            tls.init(null, trust.getTrustManagers(), null);
        } catch (NoSuchFileException e) {
            throw unreachable("the pod has no cluster CA at " + serviceAccount.resolve("ca.crt"));
        } catch (IOException | GeneralSecurityException e) {
            throw unreachable(
                    "the cluster CA at " + serviceAccount.resolve("ca.crt") + " cannot be used: " + e.getMessage());
        }
        HttpClient http =
                HttpClient.newBuilder().sslContext(tls).connectTimeout(TIMEOUT).build();
        return new ApiServer(base, namespace, () -> readToken(tokenFile), http);
    }

    private static String readToken(Path tokenFile) {
        try {
            return Files.readString(tokenFile).trim();
        } catch (IOException e) {
            throw unreachable("the service account token at " + tokenFile + " cannot be read: "
                    + e.getClass().getSimpleName());
        }
    }

    private static ConfigurationException unreachable(String why) {
        return new ConfigurationException(
                null, "secretKeyRef needs the Kubernetes API, which is not reachable from here: " + why);
    }
}
