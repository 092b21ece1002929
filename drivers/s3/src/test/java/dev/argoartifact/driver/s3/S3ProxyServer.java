package dev.argoartifact.driver.s3;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.argoartifact.conformance.LocalPorts;
import dev.argoartifact.conformance.LocalServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * S3Proxy (org.gaul:s3proxy, copied to target/s3proxy by the pom) serving its filesystem store
 * under a work directory, as a process on a free loopback port, signing checked with one key pair.
 * Chosen over s3rver (npm), which answers DeleteObjects and multipart listings with NotImplemented;
 * S3Proxy implements multipart uploads with abort and listing, ranged GETs, DeleteObjects with
 * per-key results and ListObjectsV2 pagination.
 */
final class S3ProxyServer extends LocalServer {
    static final String ACCESS_KEY = "argo-test-access";
    /** Not a secret, but treated as one by the tests (never in a log or an error). */
    static final String SECRET_KEY = "argo-test-secret-7c1f0e9a52d4b3";

    static final Path JAR = Path.of("target/s3proxy/s3proxy.jar");

    private final Path workDir;
    private final boolean readOnly;

    S3ProxyServer(Path workDir) {
        this(workDir, false);
    }

    /** @param readOnly refuse every write and delete (S3Proxy's read-only store), over the same data */
    S3ProxyServer(Path workDir, boolean readOnly) {
        this.workDir = workDir;
        this.readOnly = readOnly;
    }

    S3ProxyServer start() throws IOException, InterruptedException {
        assumeTrue(Files.isRegularFile(JAR), "S3Proxy is missing: run the build (mvn test copies it to " + JAR + ")");
        port = port == 0 ? LocalPorts.free() : port; // a restart keeps its port
        Path data = Files.createDirectories(workDir.resolve("s3proxy-data"));
        String name = readOnly ? "s3proxy-read-only" : "s3proxy";
        Path properties = Files.writeString(
                workDir.resolve(name + ".properties"),
                String.join(
                        "\n",
                        "s3proxy.endpoint=http://127.0.0.1:" + port,
                        "s3proxy.authorization=aws-v2-or-v4",
                        "s3proxy.identity=" + ACCESS_KEY,
                        "s3proxy.credential=" + SECRET_KEY,
                        "jclouds.provider=filesystem-nio2",
                        "jclouds.filesystem.basedir=" + data,
                        "s3proxy.read-only-blobstore=" + readOnly,
                        ""));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        started(LocalPorts.startListening(
                List.of(
                        java,
                        "-Xmx512m",
                        "-jar",
                        JAR.toAbsolutePath().toString(),
                        "--properties",
                        properties.toString()),
                workDir.resolve(name + ".log"),
                port,
                Duration.ofSeconds(60),
                "S3Proxy"));
        return this;
    }

    String endpoint() {
        return "http://127.0.0.1:" + port;
    }

    /** A client as the store's owner, for the checks that look behind the driver. */
    S3Client admin() {
        return S3Client.builder()
                .endpointOverride(URI.create(endpoint()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .build();
    }
}
