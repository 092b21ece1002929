package dev.argoartifact.driver.s3;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.argoartifact.conformance.InProcessDriver;
import dev.argoartifact.conformance.LocalPorts;
import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;

/** Every way to authenticate, and the bad inputs users will make, against S3Proxy. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class S3AuthenticationTest {
    @TempDir
    static Path work;

    private S3ProxyServer server;
    private S3Client admin;
    private InProcessDriver driver;
    private ArtifactClient client;
    private Path file;
    private String endpoint;

    @BeforeAll
    void start() throws Exception {
        server = new S3ProxyServer(work).start();
        admin = server.admin();
        admin.createBucket(r -> r.bucket("auth"));
        endpoint = "endpoint: " + server.endpoint() + "\npathStyle: true\nbucket: auth\n";
        // Each way to authenticate chosen by one artifact's configuration: the operator opens the
        // fields, with the hosts and secret files workflows may name.
        driver = new InProcessDriver(
                new S3Driver(),
                work.resolve("plugin/socket"),
                String.join(
                        "\n",
                        "bucket: auth",
                        "credential: default",
                        "policy:",
                        "  authorFields: [endpoint, pathStyle, bucket, region, accessKeyId, secretAccessKey,"
                                + " sessionToken, credential, roleArn, externalId, checksums]",
                        "  allowedHosts: [127.0.0.1, example.org, sts.us-east-1.amazonaws.com]",
                        "  secretSources: {files: [" + work + "]}",
                        ""));
        client = new ArtifactClient(driver.socket(), "s3");
        file = Files.writeString(work.resolve("hello.txt"), "hello s3");
    }

    @AfterAll
    void stop() throws Exception {
        if (driver != null) {
            driver.close();
        }
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.close();
        }
    }

    private Path secret(String name, String value) throws Exception {
        return Files.writeString(work.resolve(name), value);
    }

    private String staticKeys(String secretKey) throws Exception {
        // credential: null drops the operator's default chain for these keys.
        return "credential: null\naccessKeyId: " + S3ProxyServer.ACCESS_KEY + "\nsecretAccessKey: {file: "
                + secret("secret-" + secretKey.hashCode(), secretKey) + "}\n";
    }

    private Reply roundTrip(String configuration, String key) throws Exception {
        Path target =
                Files.createDirectories(work.resolve("in-" + key.hashCode())).resolve("a.tmp");
        return client.roundTrip(file, client.artifact(configuration, key), target);
    }

    @Test
    void staticKeysWorkWithEitherChecksumSetting() throws Exception {
        String keys = staticKeys(S3ProxyServer.SECRET_KEY);
        assertThat(roundTrip(endpoint + keys, "static.txt")).isEqualTo(new Reply(true, ""));
        assertThat(roundTrip(endpoint + keys + "checksums: when_required", "required.txt"))
                .isEqualTo(new Reply(true, ""));
        assertThat(admin.headObject(r -> r.bucket("auth").key("required.txt")).contentLength())
                .isEqualTo(8);
    }

    @Test
    void aWrongSecretKeyFailsClearlyWithoutEchoingIt() throws Exception {
        String wrong = "not-the-secret-key-0123456789abcdef";
        Reply reply = client.save(file, client.artifact(endpoint + staticKeys(wrong), "x.txt"));
        assertThat(reply.success()).isFalse();
        assertThat(reply.error())
                .contains("S3 bucket 'auth'")
                .contains("SignatureDoesNotMatch (HTTP 403)")
                .contains("credentials are wrong")
                .doesNotContain(wrong);
    }

    /**
     * roleArn: the driver asks STS (a local stand-in, through the SDK's AWS_ENDPOINT_URL_STS
     * setting) for the role, signing with the static keys, and signs its S3 requests with the
     * session it gets. The same stand-in takes the S3 request: S3Proxy refuses session tokens.
     */
    @Test
    void anAssumedRoleIsAskedForWithTheBaseKeysAndUsed() throws Exception {
        List<String> sts = new CopyOnWriteArrayList<>();
        List<String> s3 = new CopyOnWriteArrayList<>();
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            byte[] reply = new byte[0];
            if (exchange.getRequestMethod().equals("POST")) {
                String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
                sts.add(URLDecoder.decode(body, StandardCharsets.UTF_8) + " " + authorization);
                reply = ("<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
                                + "<AssumeRoleResult><Credentials><AccessKeyId>ROLEKEYID</AccessKeyId>"
                                + "<SecretAccessKey>role-secret</SecretAccessKey><SessionToken>session-token"
                                + "</SessionToken><Expiration>" + Instant.now().plus(Duration.ofHours(1))
                                + "</Expiration></Credentials><AssumedRoleUser><Arn>"
                                + "arn:aws:sts::123456789012:assumed-role/argo/s</Arn><AssumedRoleId>AROA:s"
                                + "</AssumedRoleId></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>")
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Content-Type", "text/xml");
            } else {
                exchange.getRequestBody().readAllBytes();
                s3.add(exchange.getRequestMethod() + " "
                        + exchange.getRequestURI().getPath() + " " + authorization + " token="
                        + exchange.getRequestHeaders().getFirst("X-Amz-Security-Token"));
                exchange.getResponseHeaders().add("ETag", "\"0\"");
            }
            exchange.sendResponseHeaders(200, reply.length == 0 ? -1 : reply.length);
            exchange.getResponseBody().write(reply);
            exchange.close();
        });
        server.start();
        String local = "http://127.0.0.1:" + server.getAddress().getPort();
        System.setProperty("aws.endpointUrlSts", local);
        try {
            String configuration = "endpoint: " + local + "\npathStyle: true\nbucket: auth\n"
                    + "credential: null\naccessKeyId: BASEKEYID\nsecretAccessKey: {file: "
                    + secret("base-secret", "base-secret-value") + "}\n"
                    + "roleArn: arn:aws:iam::123456789012:role/argo\nexternalId: ext-42\n"
                    + "checksums: when_required\n";
            assertThat(client.save(file, client.artifact(configuration, "role.txt")))
                    .isEqualTo(new Reply(true, ""));
        } finally {
            System.clearProperty("aws.endpointUrlSts");
            server.stop(0);
        }
        assertThat(sts).hasSize(1);
        assertThat(sts.getFirst())
                .contains("Action=AssumeRole")
                .contains("RoleArn=arn:aws:iam::123456789012:role/argo")
                .contains("ExternalId=ext-42")
                .contains("RoleSessionName=argo-artifact")
                .contains("Credential=BASEKEYID/");
        assertThat(s3)
                .singleElement()
                .asString()
                .startsWith("PUT /auth/role.txt ")
                .contains("Credential=ROLEKEYID/")
                .endsWith("token=session-token");
    }

    /**
     * Web identity (IRSA) in the default chain, with STS unreachable: one clear line naming the
     * credential source, quickly (not retried), without the token.
     */
    @Test
    void webIdentityWithAnUnreachableStsFailsClearlyAndQuickly() throws Exception {
        String token = "eyJhbGciOiJSUzI1NiJ9.web-identity-token-value.signature";
        Map<String, String> settings = Map.of(
                "aws.webIdentityTokenFile",
                secret("web-identity-token", token).toString(),
                "aws.roleArn",
                "arn:aws:iam::123456789012:role/irsa",
                "aws.endpointUrlSts",
                "http://127.0.0.1:" + LocalPorts.free());
        settings.forEach(System::setProperty);
        try {
            long start = System.nanoTime();
            Reply reply = client.save(file, client.artifact(endpoint + "credential: default", "irsa.txt"));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(reply.success()).isFalse();
            assertThat(reply.error())
                    .contains("the credentials could not be obtained from credential: default")
                    .doesNotContain(token);
            assertThat(took).isLessThan(Duration.ofSeconds(30));
        } finally {
            settings.keySet().forEach(System::clearProperty);
        }
    }

    /**
     * A DeleteObjects the store refuses (S3Proxy's read-only store over the same data answers the
     * whole request with an error, not per key) fails the Delete; nothing is taken for deleted.
     */
    @Test
    void aBatchDeleteTheStoreRefusesIsAnError() throws Exception {
        String keys = staticKeys(S3ProxyServer.SECRET_KEY);
        Path tree = Files.createDirectories(work.resolve("tree"));
        for (String name : List.of("a.txt", "b.txt", "sub/c.txt")) {
            Files.createDirectories(tree.resolve(name).getParent());
            Files.writeString(tree.resolve(name), name);
        }
        assertThat(client.save(tree, client.artifact(endpoint + keys, "kept"))).isEqualTo(new Reply(true, ""));
        try (S3ProxyServer readOnly = new S3ProxyServer(work, true).start()) {
            String refusing = endpoint.replace(server.endpoint(), readOnly.endpoint());
            Reply reply = client.delete(client.artifact(refusing + keys, "kept"));
            assertThat(reply.success()).isFalse();
            assertThat(reply.error())
                    .contains("batch delete")
                    .contains("S3 bucket 'auth'")
                    .contains("(HTTP 501)");
        }
        assertThat(admin.listObjectsV2(r -> r.bucket("auth").prefix("kept/")).keyCount())
                .isEqualTo(3);
    }

    @Test
    void badInputsAreNamed() throws Exception {
        String keys = staticKeys(S3ProxyServer.SECRET_KEY);
        assertThat(client.save(file, client.artifact(endpoint.replace("bucket: auth", "bucket: missing") + keys, "x"))
                        .error())
                .contains("bucket 'missing' does not exist");
        assertThat(client.load(
                                client.artifact(endpoint.replace("bucket: auth", "bucket: missing") + keys, "x"),
                                work.resolve("never"))
                        .error())
                .contains("'missing'");
        assertThat(client.save(file, client.artifact(endpoint.replace("bucket: auth", "bucket: Bad_Name") + keys, "x"))
                        .error())
                .contains("field 'bucket' must be a valid bucket name");
        assertThat(client.save(
                                file,
                                client.artifact(
                                        endpoint + keys.replace("credential: null", "credential: default"), "x"))
                        .error())
                .contains("give only one of 'accessKeyId' and 'credential'");
        assertThat(client.save(file, client.artifact(endpoint + "accessKeyId: " + S3ProxyServer.ACCESS_KEY, "x"))
                        .error())
                .contains("'accessKeyId'")
                .contains("'secretAccessKey'");
        assertThat(client.save(file, client.artifact(endpoint + keys + "roleArn: not-an-arn", "x"))
                        .error())
                .contains("field 'roleArn' must be a role ARN");
        assertThat(client.save(file, client.artifact(endpoint + keys + "checksums: always", "x"))
                        .error())
                .contains("field 'checksums' must be when_supported or when_required");
    }
}
