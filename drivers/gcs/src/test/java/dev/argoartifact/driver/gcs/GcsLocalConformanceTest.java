package dev.argoartifact.driver.gcs;

import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import dev.argoartifact.conformance.ArtifactDriverConformance;
import dev.argoartifact.conformance.ConformanceFixture;
import dev.argoartifact.conformance.InProcessFixture;
import java.nio.file.Path;

/**
 * The whole conformance suite against Google's in-process LocalStorageHelper (google-cloud-nio):
 * no HTTP GCS emulator can be installed on these machines. The fake has no buckets to create, no
 * checksums, no batch API (so batchDelete is off here) and no XML API (so parts are large
 * enough that every write goes in one request); the suite depends on none of them.
 */
class GcsLocalConformanceTest extends ArtifactDriverConformance {
    @Override
    protected ConformanceFixture createFixture() throws Exception {
        Path work = scratchDirectory("gcs-conformance-");
        Storage fake = LocalStorageHelper.getOptions().getService();
        // Small ranges, so the 100 MiB check goes through the runtime's parallel ranged download.
        String configuration = String.join(
                "\n",
                "bucket: argo-artifacts",
                "prefix: argo/",
                "partSize: 134217728",
                "batchDelete: false",
                "transfer: {parallelReadThreshold: 8388608, parallelReadPartSize: 4194304, maxAttempts: 2, initialBackoff: 50ms}",
                "");
        // The child JVM of the lifecycle checks uses the real client; those checks never touch storage.
        return InProcessFixture.builder(new GcsDriver(options -> fake), work)
                .operatorConfiguration(configuration)
                .requiredFields("bucket")
                .build();
    }
}
