package dev.argoartifact.driver.s3;

import dev.argoartifact.images.DriverImageChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import software.amazon.awssdk.services.s3.S3Client;

/** The s3 driver's image against S3Proxy on the host's loopback (bin/images test). */
class S3ImageIT extends DriverImageChecks {

    /**
     * Under 60 MB compressed (the budget). Its 1 GiB transfers run under the 256 MiB limit
     * like every driver's; no budget of peak resident memory is set for it (Azure's 200 MiB is Azure's).
     */
    S3ImageIT() {
        super("s3", 60, "partSize: lots\n", "field 'partSize' has the wrong type: expected a whole number");
    }

    @Override
    protected String startBackend() throws Exception {
        if (!Files.isRegularFile(S3ProxyServer.JAR)) {
            return null;
        }
        S3ProxyServer server = closeAfterwards(new S3ProxyServer(work).start());
        try (S3Client admin = server.admin()) {
            admin.createBucket(r -> r.bucket("artifacts"));
        }
        Path secret = Files.writeString(work.resolve("secret-access-key"), S3ProxyServer.SECRET_KEY);
        return "endpoint: " + server.endpoint() + "\npathStyle: true\nbucket: artifacts\naccessKeyId: "
                + S3ProxyServer.ACCESS_KEY + "\nsecretAccessKey: {file: " + secret + "}\n";
    }
}
