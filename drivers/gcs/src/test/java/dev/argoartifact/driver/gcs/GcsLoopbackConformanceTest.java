package dev.argoartifact.driver.gcs;

import dev.argoartifact.testkit.conformance.ArtifactDriverConformance;
import dev.argoartifact.testkit.conformance.ConformanceFixture;
import dev.argoartifact.testkit.conformance.InProcessFixture;
import java.nio.file.Path;

/**
 * The whole conformance suite over the SDK's real HTTP transport, against the artifacts bucket of
 * {@link GcsLoopbackApi}: OAuth token exchange, single-request and resumable uploads in chunks,
 * listings, ranged media downloads and deletes as HTTP requests. The bucket is ours, not Google's
 * (no batch endpoint, so batchDelete is off); it is what lets the image run round trips too.
 */
class GcsLoopbackConformanceTest extends ArtifactDriverConformance {
  @Override
  protected ConformanceFixture createFixture() throws Exception {
    Path work = scratchDirectory("gcs-loopback-conformance-");
    GcsLoopbackApi api = new GcsLoopbackApi(work.resolve("bucket"));
    // Small chunks and ranges: resumable uploads span several requests, and the 100 MiB check
    // goes through the runtime's parallel ranged download.
    String configuration = api.bucketConfiguration(work).replace("transfer: {maxAttempts: 1}\n", "")
        + "prefix: argo/\nchunkSize: 1048576\n"
        + "transfer: {parallelReadThreshold: 8388608, parallelReadPartSize: 4194304, maxAttempts: 2, initialBackoff: 50ms}\n";
    return InProcessFixture.builder(new GcsDriver(), work)
        .operatorConfiguration(configuration)
        .requiredFields("bucket")
        .hostileDestination("endpoint: http://127.0.0.1:{port}")
        .secretValues(GcsLoopbackApi.TOKEN)
        .closeAfterwards(api)
        .build();
  }
}
