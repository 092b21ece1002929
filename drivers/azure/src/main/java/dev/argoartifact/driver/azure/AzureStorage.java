package dev.argoartifact.driver.azure;

import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.TRUNCATE_EXISTING;
import static java.nio.file.StandardOpenOption.WRITE;

import com.azure.core.exception.ClientAuthenticationException;
import com.azure.core.http.rest.Response;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.identity.CredentialUnavailableException;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobRange;
import com.azure.storage.blob.models.BlobRequestConditions;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.BlockBlobItem;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobInputStreamOptions;
import com.azure.storage.blob.options.BlockBlobCommitBlockListOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import dev.argoartifact.common.failure.Failure;
import dev.argoartifact.common.failure.HttpStatuses;
import dev.argoartifact.common.failure.NetworkFailures;
import dev.argoartifact.common.storage.FileTransfers;
import dev.argoartifact.common.storage.StorageLimits;
import dev.argoartifact.common.storage.objectstore.ObjectStoreStorage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Blobs in one container, written as blocks committed as a block list. Directory markers of
 * accounts with a hierarchical namespace ({@code hdi_isfolder}) are never files.
 */
final class AzureStorage extends ObjectStoreStorage implements FileTransfers {
    /** Azure's limit of blocks per blob. */
    static final int MAX_BLOCKS = 50_000;
    /** Marks the empty blob an abort commits to discard its blocks (see {@link BlockUpload#abort}). */
    static final String ABORTED = "argoartifactaborted";

    private final BlobContainerClient container;
    private final int partsPerFile;

    AzureStorage(BlobContainerClient container, String prefix, int blockSize, int partsPerFile) {
        super(prefix, blockSize, MAX_BLOCKS);
        this.container = container;
        this.partsPerFile = partsPerFile;
    }

    private BlockBlobClient blob(String name) {
        return container.getBlobClient(name).getBlockBlobClient();
    }

    /** ADLS Gen2 (and tools emulating it) mark directories with an empty blob and hdi_isfolder. */
    private static boolean marker(Map<String, String> metadata) {
        return metadata != null
                && ("true".equalsIgnoreCase(metadata.get("hdi_isfolder")) || metadata.containsKey(ABORTED));
    }

    @Override
    protected Optional<StoredObject> head(String name) {
        BlobProperties p = blob(name).getProperties();
        return Optional.of(new StoredObject(name, p.getBlobSize(), marker(p.getMetadata())));
    }

    @Override
    protected void listObjects(String namePrefix, StoredObjectVisitor visitor) throws IOException {
        ListBlobsOptions options = new ListBlobsOptions()
                .setPrefix(namePrefix)
                .setDetails(new BlobListDetails().setRetrieveMetadata(true));
        for (BlobItem item : container.listBlobs(options, null)) {
            if (Boolean.TRUE.equals(item.isPrefix())) {
                continue;
            }
            Long size =
                    item.getProperties() == null ? null : item.getProperties().getContentLength();
            if (!visitor.visit(new StoredObject(item.getName(), size == null ? 0 : size, marker(item.getMetadata()))))
                return;
        }
    }

    /** OpenStream and resumed reads; whole files go through {@link #readToFile}. */
    @Override
    protected InputStream read(String name, long offset, long length) {
        return blob(name)
                .openInputStream(
                        new BlobInputStreamOptions().setRange(new BlobRange(offset, length < 0 ? null : length)));
    }

    /**
     * The SDK sends a file's content to the connection without copying it through the heap, in
     * blocks committed at the end: 16 files of 64 MiB peaked at 139 MiB under a 256 MiB limit this
     * way, 227 MiB in the runtime's parts (each block held in the heap and again by the transport).
     */
    @Override
    public void writeFile(String key, Path source) throws IOException {
        String name = name(key);
        try {
            call("upload of", name, () -> {
                container.getBlobClient(name).uploadFromFile(source.toString(), blocks(), null, null, null, null, null);
                return null;
            });
        } catch (IOException | RuntimeException e) {
            abortQuietly(name, createUpload(name)); // the blocks the SDK staged before it failed
            throw e;
        }
    }

    /** Blocks (and ranges) of the configured size, transfer.partsPerFile at once, as the runtime would. */
    @SuppressWarnings("deprecation") // these file transfers still take the blob package's options
    private ParallelTransferOptions blocks() {
        return new ParallelTransferOptions()
                .setBlockSizeLong((long) partSize())
                .setMaxSingleUploadSizeLong((long) partSize())
                .setMaxConcurrency(partsPerFile);
    }

    /**
     * The SDK writes the connection's buffers straight to the file (a stream copied every byte into
     * the heap) and resumes a cut body at the offset reached: this path's one retry layer.
     */
    @Override
    public void readToFile(String key, Path target) throws IOException {
        String name = name(key);
        Set<OpenOption> overwrite = Set.of(CREATE, TRUNCATE_EXISTING, WRITE, READ); // a retry starts afresh
        call(
                "download of",
                name,
                () -> blob(name)
                        .downloadToFileWithResponse(
                                target.toString(), null, blocks(), null, null, false, overwrite, null, Context.NONE));
    }

    @Override
    protected void putObject(String name, byte[] data, int length) {
        blob(name).upload(BinaryData.fromByteBuffer(ByteBuffer.wrap(data, 0, length)), true);
    }

    @Override
    protected Upload createUpload(String name) {
        return new BlockUpload(blob(name), UUID.randomUUID().toString());
    }

    @Override
    protected void deleteObject(String name) {
        blob(name).deleteIfExistsWithResponse(DeleteSnapshotsOptionType.INCLUDE, null, null, Context.NONE);
    }

    /** Blocks staged under the blob, invisible until their list is committed; ids carry the upload. */
    private record BlockUpload(BlockBlobClient blob, String upload) implements Upload {
        private String id(int number) {
            return Base64.getEncoder()
                    .encodeToString((upload + "-" + String.format("%08d", number)).getBytes(StandardCharsets.UTF_8));
        }

        @Override
        public void uploadPart(int number, byte[] data, int length) {
            // As bytes, not a stream: the SDK would copy a stream into buffers of its own first.
            blob.stageBlock(id(number), BinaryData.fromByteBuffer(ByteBuffer.wrap(data, 0, length)));
        }

        @Override
        public void complete(int parts) {
            List<String> ids = new ArrayList<>(parts);
            for (int i = 1; i <= parts; i++) {
                ids.add(id(i));
            }
            blob.commitBlockList(ids, true);
        }

        /**
         * Azure has no call that drops uncommitted blocks, but committing a block list discards every
         * block not in it. So where the blob did not exist, an empty list is committed (only if it
         * still does not exist), marked so that no listing takes it for a file, and deleted at once.
         * Under an existing blob, the blocks stay until Azure discards them (within a week).
         */
        @Override
        public void abort() {
            Response<BlockBlobItem> made;
            try {
                made = blob.commitBlockListWithResponse(
                        new BlockBlobCommitBlockListOptions(List.of())
                                .setMetadata(Map.of(ABORTED, "true"))
                                .setRequestConditions(new BlobRequestConditions().setIfNoneMatch("*")),
                        null,
                        Context.NONE);
            } catch (BlobStorageException e) {
                if (e.getStatusCode() == 409 || e.getStatusCode() == 412) {
                    return; // the blob exists: committing anything would change it
                }
                throw e;
            }
            blob.deleteIfExistsWithResponse(
                    DeleteSnapshotsOptionType.INCLUDE,
                    new BlobRequestConditions().setIfMatch(made.getValue().getETag()),
                    null,
                    Context.NONE);
        }
    }

    /** A streamed block is held twice: the part buffer, and the transport's direct copy of it. */
    @Override
    public StorageLimits limits() {
        return StorageLimits.DEFAULT.withHeapBytesPerTransfer(2L * partSize() + (1L << 20), 2L * partSize());
    }

    @Override
    protected Failure classify(Exception e) {
        if (e instanceof BlobStorageException b) {
            // A missing container is the configuration's fault, never a missing object.
            return BlobErrorCode.CONTAINER_NOT_FOUND.equals(b.getErrorCode())
                    ? Failure.INVALID
                    : HttpStatuses.of(b.getStatusCode());
        }
        if (e instanceof ClientAuthenticationException || e instanceof CredentialUnavailableException) {
            return Failure.DENIED;
        }
        return NetworkFailures.isTransportFailure(e) ? Failure.TRANSIENT : Failure.of(e);
    }

    @Override
    protected String reason(Exception e) {
        if (e instanceof BlobStorageException b) {
            if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(b.getErrorCode())) {
                return "container '" + container.getBlobContainerName()
                        + "' does not exist (create it, or fix 'container')";
            }
            return (b.getErrorCode() != null ? b.getErrorCode() + " " : "") + "(HTTP " + b.getStatusCode() + ")";
        }
        return firstLine(e);
    }

    @Override
    protected String location() {
        return "Azure container '" + container.getBlobContainerName() + "'";
    }
}
