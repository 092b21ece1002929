package dev.argoartifact.driver.azure;

import dev.argoartifact.testkit.conformance.ArtifactDriverConformance;
import dev.argoartifact.testkit.conformance.ConformanceFixture;
import dev.argoartifact.testkit.conformance.InProcessFixture;
import java.nio.file.Files;
import java.nio.file.Path;

/** The whole conformance suite against Azurite, with an account key and a prefix. */
class AzureConformanceTest extends ArtifactDriverConformance {
  @Override
  protected ConformanceFixture createFixture() throws Exception {
    AzuriteServer.assumeInstalled();
    Path work = scratchDirectory("azure-conformance-");
    AzuriteServer azurite = new AzuriteServer(work).start(0);
    azurite.admin().createBlobContainer("artifacts");
    Path key = Files.writeString(work.resolve("account-key"), AzuriteServer.KEY);
    // Small blocks, so that the multi-chunk and 100 MiB checks go through staged parallel blocks.
    String configuration = String.join("\n",
        "endpoint: " + azurite.endpoint(),
        "container: artifacts",
        "prefix: argo/",
        "accountKey: {file: " + key + "}",
        "blockSize: 4194304",
        "maxTries: 2",
        "tryTimeout: 60s",
        "transfer: {maxAttempts: 3, initialBackoff: 100ms, maxBackoff: 1s}",
        "");
    return InProcessFixture.builder(new AzureDriver(), work)
        .operatorConfiguration(configuration)
        .requiredFields("container")
        .hostileDestination("endpoint: http://127.0.0.1:{port}/" + AzuriteServer.ACCOUNT)
        .hostileDestination("endpoint: http://127.0.0.1:{port}/" + AzuriteServer.ACCOUNT + "\naccountKey: null\nsasToken: {file: "
            + key + "}")
        .secretValues(AzuriteServer.KEY)
        .closeAfterwards(azurite)
        .build();
  }
}
