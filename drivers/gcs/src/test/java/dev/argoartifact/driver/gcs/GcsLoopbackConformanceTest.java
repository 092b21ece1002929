package dev.argoartifact.driver.gcs;

import dev.argoartifact.conformance.ArtifactDriverConformance;
import dev.argoartifact.conformance.ConformanceFixture;
import dev.argoartifact.conformance.InProcessFixture;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The whole conformance suite over the SDK's real HTTP transport, against the artifacts bucket of
 * {@link GcsLoopbackApi}: OAuth token exchange, single-request and resumable uploads in chunks,
 * listings, ranged media downloads, XML multipart uploads and batched deletes as HTTP requests.
 * The bucket is ours, not Google's; it is what lets the image run round trips too.
 */
class GcsLoopbackConformanceTest extends ArtifactDriverConformance {
    @Override
    protected ConformanceFixture createFixture() throws Exception {
        Path work = scratchDirectory("gcs-loopback-conformance-");
        GcsLoopbackApi api = new GcsLoopbackApi(work.resolve("bucket"));
        // Small parts and ranges: large writes go as multipart uploads of several parts, and the
        // 100 MiB check goes through the runtime's parallel ranged download.
        String configuration = api.bucketConfiguration(work).replace("transfer: {maxAttempts: 1}\n", "")
                + "prefix: argo/\npartSize: 5242880\n"
                + "transfer: {parallelReadThreshold: 8388608, parallelReadPartSize: 4194304, maxAttempts: 2, initialBackoff: 50ms}\n";
        return InProcessFixture.builder(new GcsDriver(), work)
                .operatorConfiguration(configuration)
                .requiredFields("bucket")
                .hostileDestination("endpoint: http://127.0.0.1:{port}")
                .secretValues(GcsLoopbackApi.TOKEN)
                .backend(new ConformanceFixture.Backend() {
                    @Override
                    public void removeUnder(String keyPrefix) throws Exception {
                        api.removeUnder("argo/" + keyPrefix);
                    }

                    @Override
                    public boolean refuseDeletesUnder(String keyPrefix) {
                        api.refuseDeletesUnder("argo/" + keyPrefix);
                        return true;
                    }

                    @Override
                    public Optional<Set<String>> unfinishedUploads() {
                        return Optional.of(new TreeSet<>(api.openUploads()));
                    }
                })
                .closeAfterwards(api)
                .build();
    }
}
