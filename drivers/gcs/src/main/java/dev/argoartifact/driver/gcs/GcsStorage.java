package dev.argoartifact.driver.gcs;

import com.google.cloud.BatchResult;
import com.google.cloud.ReadChannel;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.BlobInfo;
import com.google.cloud.storage.HttpStorageOptions;
import com.google.cloud.storage.MultipartUploadClient;
import com.google.cloud.storage.MultipartUploadSettings;
import com.google.cloud.storage.RequestBody;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.Storage.BlobListOption;
import com.google.cloud.storage.StorageBatch;
import com.google.cloud.storage.StorageException;
import com.google.cloud.storage.multipartupload.model.AbortMultipartUploadRequest;
import com.google.cloud.storage.multipartupload.model.CompleteMultipartUploadRequest;
import com.google.cloud.storage.multipartupload.model.CompletedMultipartUpload;
import com.google.cloud.storage.multipartupload.model.CompletedPart;
import com.google.cloud.storage.multipartupload.model.CreateMultipartUploadRequest;
import com.google.cloud.storage.multipartupload.model.UploadPartRequest;
import dev.argoartifact.common.failure.Failure;
import dev.argoartifact.common.failure.HttpStatuses;
import dev.argoartifact.common.failure.NetworkFailures;
import dev.argoartifact.common.storage.BatchDelete;
import dev.argoartifact.common.storage.BatchDeleteException;
import dev.argoartifact.common.storage.StorageLimits;
import dev.argoartifact.common.storage.objectstore.ObjectStoreStorage;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * Objects in one bucket, over the JSON API; uploads larger than one part go as XML multipart
 * uploads, which can be aborted (a resumable session cannot be cancelled through the SDK,
 * googleapis/java-storage#2510), so an aborted write leaves nothing behind.
 */
class GcsStorage extends ObjectStoreStorage {
    /** The XML API's limit of parts per multipart upload. */
    static final int MAX_PARTS = 10_000;

    private final Storage storage;
    private final String bucket;
    private final String userProject;
    private volatile MultipartUploadClient multipart;

    GcsStorage(Storage storage, String bucket, String prefix, int partSize, String userProject) {
        super(prefix, partSize, MAX_PARTS);
        this.storage = storage;
        this.bucket = bucket;
        this.userProject = userProject;
    }

    private BlobId id(String name) {
        return BlobId.of(bucket, name);
    }

    private Storage.BlobSourceOption[] sourceOptions() {
        return userProject == null
                ? new Storage.BlobSourceOption[0]
                : new Storage.BlobSourceOption[] {Storage.BlobSourceOption.userProject(userProject)};
    }

    /**
     * A finalized object always has a size; some GCS emulators (LocalStorageHelper among them) show
     * an upload in progress as an object without one. It is not an artifact yet.
     */
    @Override
    protected Optional<StoredObject> head(String name) {
        Blob blob = storage.get(
                id(name),
                userProject == null
                        ? new Storage.BlobGetOption[0]
                        : new Storage.BlobGetOption[] {Storage.BlobGetOption.userProject(userProject)});
        return blob == null || blob.getSize() == null
                ? Optional.empty()
                : Optional.of(new StoredObject(name, blob.getSize(), false));
    }

    /** Every page, without a time limit (Argo's built-in driver stops after 30 s). */
    @Override
    protected void listObjects(String namePrefix, StoredObjectVisitor visitor) throws IOException {
        List<BlobListOption> options = new ArrayList<>(List.of(BlobListOption.prefix(namePrefix)));
        if (userProject != null) {
            options.add(BlobListOption.userProject(userProject));
        }
        for (Blob blob :
                storage.list(bucket, options.toArray(new BlobListOption[0])).iterateAll()) {
            if (blob.getSize() != null && !visitor.visit(new StoredObject(blob.getName(), blob.getSize(), false))) {
                return;
            }
        }
    }

    @Override
    protected InputStream read(String name, long offset, long length) throws IOException {
        ReadChannel reader = storage.reader(id(name), sourceOptions());
        // Unbuffered: the runtime reads in its own buffers, and the SDK's 2 MiB chunk buffer per
        // reader cost a small-file Load twice the CPU of TransferManager's.
        reader.setChunkSize(0);
        if (offset > 0) {
            reader.seek(offset);
        }
        if (length >= 0) {
            reader.limit(offset + length);
        }
        return Channels.newInputStream(reader);
    }

    @Override
    protected void putObject(String name, byte[] data, int length) {
        storage.create(
                BlobInfo.newBuilder(id(name)).build(),
                data,
                0,
                length,
                userProject == null
                        ? new Storage.BlobTargetOption[0]
                        : new Storage.BlobTargetOption[] {Storage.BlobTargetOption.userProject(userProject)});
    }

    @Override
    protected void deleteObject(String name) {
        storage.delete(id(name), sourceOptions());
    }

    /** Made at the first upload of more than one part: it needs the SDK's HTTP transport. */
    private MultipartUploadClient multipart() {
        MultipartUploadClient client = multipart;
        if (client == null) {
            client =
                    MultipartUploadClient.create(MultipartUploadSettings.of((HttpStorageOptions) storage.getOptions()));
            multipart = client;
        }
        return client;
    }

    @Override
    protected Upload createUpload(String name) {
        String upload = multipart()
                .createMultipartUpload(CreateMultipartUploadRequest.builder()
                        .bucket(bucket)
                        .key(name)
                        .userProject(userProject)
                        .build())
                .uploadId();
        List<CompletedPart> parts = new java.util.concurrent.CopyOnWriteArrayList<>();
        return new Upload() {
            @Override
            public void uploadPart(int number, byte[] data, int length) {
                String etag = multipart()
                        .uploadPart(
                                UploadPartRequest.builder()
                                        .bucket(bucket)
                                        .key(name)
                                        .uploadId(upload)
                                        .partNumber(number)
                                        .userProject(userProject)
                                        .build(),
                                RequestBody.of(ByteBuffer.wrap(data, 0, length)))
                        .eTag();
                parts.add(new CompletedPart.Builder()
                        .partNumber(number)
                        .eTag(etag)
                        .build());
            }

            @Override
            public void complete(int count) {
                multipart()
                        .completeMultipartUpload(CompleteMultipartUploadRequest.builder()
                                .bucket(bucket)
                                .key(name)
                                .uploadId(upload)
                                .userProject(userProject)
                                .multipartUpload(CompletedMultipartUpload.builder()
                                        .parts(parts.stream()
                                                .sorted(java.util.Comparator.comparingInt(CompletedPart::partNumber))
                                                .toList())
                                        .build())
                                .build());
            }

            @Override
            public void abort() {
                multipart()
                        .abortMultipartUpload(AbortMultipartUploadRequest.builder()
                                .bucket(bucket)
                                .key(name)
                                .uploadId(upload)
                                .userProject(userProject)
                                .build());
            }
        };
    }

    @Override
    protected Failure classify(Exception e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof StorageException gcs && gcs.getCode() > 0) {
                return HttpStatuses.of(gcs.getCode());
            }
            if (t instanceof com.google.api.client.http.HttpResponseException http) {
                return HttpStatuses.of(http.getStatusCode());
            }
        }
        return NetworkFailures.isTransportFailure(e) ? Failure.TRANSIENT : Failure.of(e);
    }

    /**
     * GCS's own message says what is wrong ("The specified bucket does not exist.", which
     * permission is missing); the reason code alone ("notFound") does not.
     */
    @Override
    protected String reason(Exception e) {
        String message = firstLine(e);
        if (e instanceof StorageException gcs && gcs.getCode() > 0) {
            String hint = gcs.getCode() == 403
                    ? " (or the bucket is requester-pays: set userProject)"
                    : gcs.getCode() == 404 ? " (does the bucket '" + bucket + "' exist?)" : "";
            return (gcs.getReason() == null ? "" : gcs.getReason() + ": ") + message + " (HTTP " + gcs.getCode() + ")"
                    + hint;
        }
        return message;
    }

    @Override
    protected String location() {
        return "GCS bucket '" + bucket + "'";
    }

    /** A read channel buffers 2 MiB (the SDK's default chunk) per stream; a write one part. */
    @Override
    public StorageLimits limits() {
        return super.limits()
                .withHeapBytesPerTransfer(
                        super.limits().heapBytesPerTransfer() + (2L << 20),
                        super.limits().objectBufferBytes())
                .withMaxBatchDeleteSize(100);
    }

    @Override
    public void close() throws IOException {
        try {
            storage.close();
        } catch (Exception e) {
            throw new IOException(e);
        }
    }

    /** With the JSON API's batch endpoint: deletes of up to 100 objects in one request. */
    static final class Batched extends GcsStorage implements BatchDelete {
        Batched(Storage storage, String bucket, String prefix, int partSize, String userProject) {
            super(storage, bucket, prefix, partSize, userProject);
        }

        /** Each object's own answer counts: false is "already gone", an error (403, say) is a refusal. */
        @Override
        public void deleteBatch(Collection<String> keys) throws IOException {
            List<String> refused = new ArrayList<>();
            Exception[] first = new Exception[1];
            call("batch delete under", null, () -> {
                StorageBatch batch = super.storage.batch();
                for (String key : keys) {
                    batch.delete(super.id(name(key)), super.sourceOptions()).notify(new BatchResult.Callback<>() {
                        @Override
                        public void success(Boolean deleted) {}

                        @Override
                        public void error(StorageException e) {
                            if (classify(e) != Failure.NOT_FOUND) {
                                synchronized (refused) {
                                    refused.add(key);
                                    if (first[0] == null) {
                                        first[0] = e;
                                    }
                                }
                            }
                        }
                    });
                }
                batch.submit();
                return null;
            });
            if (!refused.isEmpty()) {
                throw new BatchDeleteException(refused, reason(first[0]), classify(first[0]));
            }
        }
    }
}
