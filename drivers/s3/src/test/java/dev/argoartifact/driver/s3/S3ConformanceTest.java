package dev.argoartifact.driver.s3;

import dev.argoartifact.conformance.ArtifactDriverConformance;
import dev.argoartifact.conformance.ConformanceFixture;
import dev.argoartifact.conformance.InProcessFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.MultipartUpload;
import software.amazon.awssdk.services.s3.model.S3Object;

/** The whole conformance suite against S3Proxy, with static keys and a prefix. */
class S3ConformanceTest extends ArtifactDriverConformance {
    @Override
    protected ConformanceFixture createFixture() throws Exception {
        Path work = scratchDirectory("s3-conformance-");
        S3ProxyServer server = new S3ProxyServer(work).start();
        S3Client admin = server.admin();
        admin.createBucket(r -> r.bucket("artifacts"));
        Path secret = Files.writeString(work.resolve("secret-access-key"), S3ProxyServer.SECRET_KEY);
        // Parts of the smallest size S3 allows, so the multi-part and 100 MiB checks go through
        // multipart uploads in parallel parts.
        String configuration = String.join(
                "\n",
                "endpoint: " + server.endpoint(),
                "pathStyle: true",
                "bucket: artifacts",
                "prefix: argo/",
                "accessKeyId: " + S3ProxyServer.ACCESS_KEY,
                "secretAccessKey: {file: " + secret + "}",
                "partSize: 5242880",
                "transfer: {maxAttempts: 3, initialBackoff: 100ms, maxBackoff: 1s}",
                "");
        return InProcessFixture.builder(new S3Driver(), work)
                .operatorConfiguration(configuration)
                .requiredFields("bucket")
                .hostileDestination("endpoint: http://127.0.0.1:{port}")
                .hostileDestination("endpoint: http://127.0.0.1:{port}\naccessKeyId: {file: " + secret + "}")
                .secretValues(S3ProxyServer.SECRET_KEY)
                .backend(backend(admin, "artifacts", "argo/"))
                .closeAfterwards(admin)
                .closeAfterwards(server)
                .build();
    }

    /** The bucket as its owner sees it; keys are below {@code prefix}. */
    static ConformanceFixture.Backend backend(S3Client admin, String bucket, String prefix) {
        return new ConformanceFixture.Backend() {
            @Override
            public void removeUnder(String keyPrefix) {
                for (S3Object object : admin.listObjectsV2Paginator(
                                r -> r.bucket(bucket).prefix(prefix + keyPrefix))
                        .contents()) {
                    admin.deleteObject(r -> r.bucket(bucket).key(object.key()));
                }
            }

            /** Multipart uploads started and neither completed nor aborted. */
            @Override
            public Optional<Set<String>> unfinishedUploads() {
                Set<String> uploads = new TreeSet<>();
                for (MultipartUpload upload :
                        admin.listMultipartUploads(r -> r.bucket(bucket)).uploads()) {
                    uploads.add(upload.key() + " " + upload.uploadId());
                }
                return Optional.of(uploads);
            }
        };
    }
}
