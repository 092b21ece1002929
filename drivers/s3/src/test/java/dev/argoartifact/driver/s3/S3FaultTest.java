package dev.argoartifact.driver.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.conformance.NetworkFaultChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * S3Proxy goes away in the middle of transfers (every connection cut, new ones refused) and comes
 * back; afterwards no multipart upload of the failed transfers remains that the driver could abort.
 */
class S3FaultTest extends NetworkFaultChecks {
    private S3Client admin;
    private Path secret;

    @Override
    protected ArtifactDriver<?> newDriver() {
        return new S3Driver();
    }

    @Override
    protected Backend startBackend(Path work) throws Exception {
        S3ProxyServer server = new S3ProxyServer(work).start();
        admin = server.admin();
        admin.createBucket(r -> r.bucket("faults"));
        secret = Files.writeString(work.resolve("secret-access-key"), S3ProxyServer.SECRET_KEY);
        return new Backend() {
            @Override
            public int port() {
                return server.port();
            }

            @Override
            public long storedSize(String key) {
                try {
                    return admin.headObject(r -> r.bucket("faults").key(key)).contentLength();
                } catch (NoSuchKeyException missing) {
                    return -1;
                }
            }

            @Override
            public void close() throws InterruptedException {
                admin.close();
                server.close();
            }
        };
    }

    @Override
    protected String configuration(int proxyPort) {
        return String.join(
                "\n",
                "endpoint: http://127.0.0.1:" + proxyPort,
                "pathStyle: true",
                "bucket: faults",
                "accessKeyId: " + S3ProxyServer.ACCESS_KEY,
                "secretAccessKey: {file: " + secret + "}",
                "partSize: 5242880",
                "timeout: 10s",
                // The default 5 attempts: each of the directory check's two cuts can cost a file two,
                // the request it cut and then a pooled connection the cut left dead, which the SDK's
                // Apache client hands out unchecked (3 attempts failed a clean-clone CI run).
                "transfer: {initialBackoff: 200ms, maxBackoff: 1s}",
                "");
    }

    @Override
    protected String location() {
        return "S3 bucket 'faults'";
    }

    /** Uploads the outage cut could not abort then (it refused every connection) are the only ones left. */
    @AfterAll
    void noUploadOfASuccessfulTransferIsLeft() {
        assertThat(admin.listMultipartUploads(r -> r.bucket("faults")).uploads())
                .allSatisfy(u -> assertThat(u.key()).isEqualTo("up/big.bin"));
    }
}
