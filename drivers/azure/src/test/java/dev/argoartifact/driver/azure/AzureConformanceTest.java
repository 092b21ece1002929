package dev.argoartifact.driver.azure;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.Block;
import com.azure.storage.blob.models.BlockListType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.specialized.BlobLeaseClientBuilder;
import dev.argoartifact.conformance.ArtifactDriverConformance;
import dev.argoartifact.conformance.ConformanceFixture;
import dev.argoartifact.conformance.InProcessFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

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
        String configuration = String.join(
                "\n",
                "endpoint: " + azurite.endpoint(),
                "container: artifacts",
                "prefix: argo/",
                "accountKey: {file: " + key + "}",
                "blockSize: 4194304",
                "tryTimeout: 60s",
                "transfer: {maxAttempts: 3, initialBackoff: 100ms, maxBackoff: 1s}",
                "");
        return InProcessFixture.builder(new AzureDriver(), work)
                .operatorConfiguration(configuration)
                .requiredFields("container")
                .hostileDestination("endpoint: http://127.0.0.1:{port}/" + AzuriteServer.ACCOUNT)
                .hostileDestination("endpoint: http://127.0.0.1:{port}/" + AzuriteServer.ACCOUNT
                        + "\naccountKey: null\nsasToken: {file: " + key + "}")
                .secretValues(AzuriteServer.KEY)
                .backend(backend(azurite.admin().getBlobContainerClient("artifacts"), "argo/"))
                .closeAfterwards(azurite)
                .build();
    }

    /** The container as its account key sees it; keys are below {@code prefix}. */
    static ConformanceFixture.Backend backend(BlobContainerClient container, String prefix) {
        return new ConformanceFixture.Backend() {
            @Override
            public void removeUnder(String keyPrefix) {
                for (BlobItem blob : container.listBlobs(new ListBlobsOptions().setPrefix(prefix + keyPrefix), null)) {
                    container.getBlobClient(blob.getName()).deleteIfExists();
                }
            }

            /** An infinite lease on each blob: a delete without its lease id is refused (412 LeaseIdMissing). */
            @Override
            public boolean refuseDeletesUnder(String keyPrefix) {
                for (BlobItem blob : container.listBlobs(new ListBlobsOptions().setPrefix(prefix + keyPrefix), null)) {
                    new BlobLeaseClientBuilder()
                            .blobClient(container.getBlobClient(blob.getName()))
                            .buildClient()
                            .acquireLease(-1);
                }
                return true;
            }

            /** Uncommitted blocks, of blobs that exist and of blobs that have nothing else yet. */
            @Override
            public Optional<Set<String>> unfinishedUploads() {
                Set<String> blocks = new TreeSet<>();
                ListBlobsOptions all =
                        new ListBlobsOptions().setDetails(new BlobListDetails().setRetrieveUncommittedBlobs(true));
                for (BlobItem blob : container.listBlobs(all, null)) {
                    List<Block> uncommitted;
                    try {
                        uncommitted = container
                                .getBlobClient(blob.getName())
                                .getBlockBlobClient()
                                .listBlocks(BlockListType.UNCOMMITTED)
                                .getUncommittedBlocks();
                    } catch (BlobStorageException e) {
                        if (e.getStatusCode() != 404) {
                            throw e;
                        }
                        continue; // an abort removed it between the two calls: no blocks left
                    }
                    for (Block block : uncommitted) {
                        blocks.add(blob.getName() + " " + block.getName());
                    }
                }
                return Optional.of(blocks);
            }
        };
    }
}
