package dev.argoartifact.common.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.config.SecretRef;
import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The in-cluster path, as a pod sees it: an HTTPS API server whose certificate is signed by the
 * cluster CA in the service account directory, the token and namespace files beside it, and
 * KUBERNETES_SERVICE_HOST/PORT in the environment.
 */
class InClusterSecretsTest {
    @TempDir
    Path dir;

    @TempDir
    static Path certificates;

    private static Path keystore;
    private static String clusterCa;

    private HttpsServer api;
    private Path serviceAccount;
    private Map<String, String> env;
    private final List<String> tokensSeen = new CopyOnWriteArrayList<>();
    private final AtomicInteger busyAnswersLeft = new AtomicInteger();

    @BeforeAll
    static void makeCertificate() throws Exception {
        // A server certificate for 127.0.0.1, made by the JDK's keytool; its PEM is the "cluster CA".
        keystore = certificates.resolve("api-server.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "api",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=kubernetes",
                "-ext",
                "san=ip:127.0.0.1",
                "-validity",
                "2",
                "-keystore",
                keystore.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit");
        Path pem = certificates.resolve("ca.crt");
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "api",
                "-keystore",
                keystore.toString(),
                "-storepass",
                "changeit",
                "-file",
                pem.toString());
        clusterCa = Files.readString(pem);
    }

    @BeforeEach
    void startApiServer() throws Exception {
        serviceAccount = Files.createDirectories(dir.resolve("serviceaccount"));
        Files.writeString(serviceAccount.resolve("ca.crt"), clusterCa);
        Files.writeString(serviceAccount.resolve("token"), "token-one\n");
        Files.writeString(serviceAccount.resolve("namespace"), "argo");

        KeyStore keys = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(keystore.toFile())) {
            keys.load(in, "changeit".toCharArray());
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, "changeit".toCharArray());
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(kmf.getKeyManagers(), null, null);
        api = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.setHttpsConfigurator(new HttpsConfigurator(tls));
        api.createContext("/api/v1/namespaces/", this::answer);
        api.start();
        env = Map.of(
                "KUBERNETES_SERVICE_HOST",
                "127.0.0.1",
                "KUBERNETES_SERVICE_PORT",
                String.valueOf(api.getAddress().getPort()));
    }

    @AfterEach
    void stopApiServer() {
        api.stop(0);
    }

    private void answer(HttpExchange exchange) throws IOException {
        String auth = exchange.getRequestHeaders().getFirst("Authorization");
        tokensSeen.add(auth);
        String path = exchange.getRequestURI().getPath();
        int status;
        String body;
        if (busyAnswersLeft.getAndDecrement() > 0) {
            status = 503;
            body = "{\"kind\":\"Status\",\"code\":503}";
        } else if (path.equals("/api/v1/namespaces/argo/secrets/sftp")) {
            status = 200;
            body =
                    "{\"kind\":\"Secret\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"sftp\",\"namespace\":\"argo\"},\"data\":{\"password\":\""
                            + Base64.getEncoder().encodeToString("In-Cluster-Password".getBytes(StandardCharsets.UTF_8))
                            + "\"}}";
        } else if (path.equals("/api/v1/namespaces/argo/secrets/locked")) {
            status = 403;
            body = "{\"kind\":\"Status\",\"code\":403,\"reason\":\"Forbidden\"}";
        } else {
            status = 404;
            body = "{\"kind\":\"Status\",\"code\":404,\"reason\":\"NotFound\"}";
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private KubernetesSecrets inCluster() {
        return new KubernetesSecrets(() -> KubernetesSecrets.inCluster(env::get, serviceAccount));
    }

    @Test
    void readsOverTlsWithTheClusterCaAndTheCurrentToken() throws Exception {
        KubernetesSecrets secrets = inCluster();
        assertThat(new String(
                        secrets.read("password", new SecretRef.SecretKeyRef("sftp", "password")),
                        StandardCharsets.UTF_8))
                .isEqualTo("In-Cluster-Password");
        // The kubelet rotates bound tokens in place: the next call must send the new one.
        Files.writeString(serviceAccount.resolve("token"), "token-two\n");
        secrets.read("password", new SecretRef.SecretKeyRef("sftp", "password"));
        assertThat(tokensSeen).containsExactly("Bearer token-one", "Bearer token-two");
    }

    @Test
    void retriesABusyApiServerButNotAForbiddenSecret() {
        busyAnswersLeft.set(2);
        KubernetesSecrets secrets = inCluster();
        assertThat(secrets.read("password", new SecretRef.SecretKeyRef("sftp", "password")))
                .isNotEmpty();
        assertThat(tokensSeen).hasSize(3);

        tokensSeen.clear();
        assertThatThrownBy(() -> secrets.read("password", new SecretRef.SecretKeyRef("locked", "password")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessage(
                        "field 'password' refers to Secret 'locked' in namespace 'argo', which the pod's service account may not read: grant it 'get' on that secret");
        assertThat(tokensSeen).hasSize(1);
        assertThatThrownBy(() -> secrets.read("password", new SecretRef.SecretKeyRef("gone", "password")))
                .hasMessage("field 'password' refers to Secret 'gone' in namespace 'argo', which does not exist");
    }

    @Test
    void refusesAnApiServerTheClusterCaDidNotSign() throws Exception {
        Path other = dir.resolve("other.p12");
        keytool(
                "-genkeypair",
                "-alias",
                "other",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=impostor",
                "-validity",
                "2",
                "-keystore",
                other.toString(),
                "-storetype",
                "PKCS12",
                "-storepass",
                "changeit");
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "other",
                "-keystore",
                other.toString(),
                "-storepass",
                "changeit",
                "-file",
                serviceAccount.resolve("ca.crt").toString());
        assertThatThrownBy(() -> inCluster().read("password", new SecretRef.SecretKeyRef("sftp", "password")))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith(
                        "field 'password' refers to Secret 'sftp' in namespace 'argo', which could not be read from the Kubernetes API: ")
                .hasMessageNotContaining("token-one");
        assertThat(tokensSeen).isEmpty();
    }

    @Test
    void explainsWhereTheApiIsNotReachable() throws Exception {
        SecretRef.SecretKeyRef ref = new SecretRef.SecretKeyRef("sftp", "password");
        assertThatThrownBy(() -> new KubernetesSecrets(() -> KubernetesSecrets.inCluster(name -> null, serviceAccount))
                        .read("password", ref))
                .hasMessage(
                        "secretKeyRef needs the Kubernetes API, which is not reachable from here: "
                                + "KUBERNETES_SERVICE_HOST is not set, so this is not a Kubernetes pod; use {file: ...} or {env: ...} here");
        Files.delete(serviceAccount.resolve("token"));
        assertThatThrownBy(() -> inCluster().read("password", ref))
                .hasMessageContaining("the pod has no service account token at " + serviceAccount.resolve("token")
                        + " (automountServiceAccountToken: false?)");
        assertThatThrownBy(() -> inCluster().read("password", new SecretRef.SecretKeyRef("Not_A_Name", "password")))
                .hasMessage(
                        "field 'password' refers to Secret 'Not_A_Name', which is not a valid Secret name (lower-case letters, digits, '-' and '.')");
    }

    private static void keytool(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException("keytool failed: " + output);
        }
    }
}
