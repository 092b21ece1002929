package dev.argoartifact.driver.s3;

import dev.argoartifact.common.failure.Failure;
import dev.argoartifact.common.failure.HttpStatuses;
import dev.argoartifact.common.failure.NetworkFailures;
import dev.argoartifact.common.storage.BatchDelete;
import dev.argoartifact.common.storage.BatchDeleteException;
import dev.argoartifact.common.storage.StorageLimits;
import dev.argoartifact.common.storage.objectstore.ObjectStoreStorage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.ChecksumAlgorithm;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.ListObjectsV2Response;
import software.amazon.awssdk.services.s3.model.ObjectIdentifier;
import software.amazon.awssdk.services.s3.model.S3Error;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Objects in one bucket. Uploads larger than one part are multipart uploads, aborted when not
 * completed; directories go in DeleteObjects batches of up to 1,000 keys, each key's error counted.
 */
final class S3Storage extends ObjectStoreStorage implements BatchDelete {
    /** S3's limit of parts per multipart upload. */
    static final int MAX_PARTS = 10_000;

    /** Error codes of a missing or refused credential: the configuration's, not the object's. */
    private static final Set<String> DENIED = Set.of(
            "AccessDenied",
            "InvalidAccessKeyId",
            "SignatureDoesNotMatch",
            "ExpiredToken",
            "InvalidToken",
            "TokenRefreshRequired",
            "AllAccessDisabled",
            "AccountProblem");

    /** Codes S3-compatible stores answer the AWS SDKs' newer checksum headers with. */
    private static final Set<String> CHECKSUM_REFUSALS =
            Set.of("NotImplemented", "InvalidArgument", "InvalidRequest", "BadDigest", "XAmzContentSHA256Mismatch");

    private final S3Client s3;
    private final List<AutoCloseable> resources;
    private final String bucket;
    private final boolean checksums;
    private final DirectReads direct;

    /**
     * resources: what the client does not close itself; checksums: CRC32 on uploads (when_supported);
     * direct: reads without the client's pipeline, or null.
     */
    S3Storage(
            S3Client s3,
            List<AutoCloseable> resources,
            String bucket,
            String prefix,
            int partSize,
            boolean checksums,
            DirectReads direct) {
        super(prefix, partSize, MAX_PARTS);
        this.s3 = s3;
        this.direct = direct;
        this.resources = resources;
        this.bucket = bucket;
        this.checksums = checksums;
    }

    @Override
    protected Optional<StoredObject> head(String name) throws IOException {
        Long size = direct == null ? null : direct.size(name);
        if (size != null) {
            return size == DirectReads.MISSING ? Optional.empty() : Optional.of(new StoredObject(name, size, false));
        }
        HeadObjectResponse head = s3.headObject(r -> r.bucket(bucket).key(name));
        return Optional.of(new StoredObject(name, head.contentLength(), false));
    }

    /**
     * ListObjectsV2, every page, directly when it can (through the client for the error of anything
     * but a success). The first page is short (20 keys): a directory's transfers start once it is
     * parsed, and in a fresh JVM the first GET then went out 160 ms after the Load began, not 340
     * ms (2,000 files; docs/benchmarks.md, S3).
     */
    @Override
    protected void listObjects(String namePrefix, StoredObjectVisitor visitor) throws IOException {
        String token = null;
        int max = 20;
        do {
            DirectReads.Page page = direct == null ? null : direct.list(namePrefix, token, max);
            if (page == null) {
                String after = token;
                int keys = max;
                ListObjectsV2Response reply = s3.listObjectsV2(r -> r.bucket(bucket)
                        .prefix(namePrefix)
                        .continuationToken(after)
                        .maxKeys(keys));
                page = new DirectReads.Page(
                        reply.contents().stream().map(S3Object::key).toList(),
                        reply.contents().stream().map(S3Object::size).toList(),
                        Boolean.TRUE.equals(reply.isTruncated()),
                        reply.nextContinuationToken());
            }
            for (int i = 0; i < page.names().size(); i++) {
                if (!visitor.visit(
                        new StoredObject(page.names().get(i), page.sizes().get(i), false))) {
                    return;
                }
            }
            token = page.truncated() ? page.nextToken() : null;
            if (page.truncated() && token == null) { // never a cut listing taken for the whole
                throw new IllegalStateException("the store said more keys follow but gave no continuation token");
            }
            max = 1000;
        } while (token != null);
    }

    /** Directly when it can; through the client for the error of anything but a success. */
    @Override
    protected InputStream read(String name, long offset, long length) throws IOException {
        if (length == 0) {
            return InputStream.nullInputStream();
        }
        String range = offset == 0 && length < 0
                ? null
                : "bytes=" + offset + "-" + (length < 0 ? "" : Long.toString(offset + length - 1));
        InputStream in = direct == null ? null : direct.get(name, range);
        return in != null ? in : s3.getObject(r -> r.bucket(bucket).key(name).range(range));
    }

    /** The part's bytes as they are, read again on a retry: no copy into the SDK. */
    private static RequestBody body(byte[] data, int length) {
        return RequestBody.fromContentProvider(
                () -> new ByteArrayInputStream(data, 0, length), length, "application/octet-stream");
    }

    @Override
    protected void putObject(String name, byte[] data, int length) {
        s3.putObject(r -> r.bucket(bucket).key(name), body(data, length));
    }

    @Override
    protected Upload createUpload(String name) {
        String upload = s3.createMultipartUpload(
                        r -> r.bucket(bucket).key(name).checksumAlgorithm(checksums ? ChecksumAlgorithm.CRC32 : null))
                .uploadId();
        Map<Integer, CompletedPart> parts = new ConcurrentSkipListMap<>(); // parts arrive in parallel
        return new Upload() {
            @Override
            public void uploadPart(int number, byte[] data, int length) {
                UploadPartResponse part = s3.uploadPart(
                        r -> r.bucket(bucket)
                                .key(name)
                                .uploadId(upload)
                                .partNumber(number)
                                .checksumAlgorithm(checksums ? ChecksumAlgorithm.CRC32 : null),
                        body(data, length));
                parts.put(
                        number,
                        CompletedPart.builder()
                                .partNumber(number)
                                .eTag(part.eTag())
                                .checksumCRC32(part.checksumCRC32())
                                .build());
            }

            @Override
            public void complete(int count) {
                s3.completeMultipartUpload(
                        r -> r.bucket(bucket).key(name).uploadId(upload).multipartUpload(m -> m.parts(parts.values())));
            }

            @Override
            public void abort() {
                s3.abortMultipartUpload(r -> r.bucket(bucket).key(name).uploadId(upload));
            }
        };
    }

    @Override
    protected void deleteObject(String name) {
        s3.deleteObject(r -> r.bucket(bucket).key(name));
    }

    /** Each key's own answer counts: NoSuchKey is "already gone", any other error a refusal. */
    @Override
    public void deleteBatch(Collection<String> keys) throws IOException {
        List<ObjectIdentifier> objects = keys.stream()
                .map(key -> ObjectIdentifier.builder().key(name(key)).build())
                .toList();
        List<S3Error> errors = call(
                "batch delete under",
                null,
                () -> s3.deleteObjects(r ->
                                r.bucket(bucket).delete(d -> d.objects(objects).quiet(true)))
                        .errors());
        List<String> refused = new ArrayList<>();
        S3Error first = null;
        for (S3Error error : errors) {
            if (!"NoSuchKey".equals(error.code())) {
                refused.add(key(error.key()));
                first = first == null ? error : first;
            }
        }
        if (first != null) {
            Failure failure = DENIED.contains(first.code()) ? Failure.DENIED : Failure.PERMANENT;
            throw new BatchDeleteException(refused, first.code() + " in " + location(), failure);
        }
    }

    @Override
    protected Failure classify(Exception e) {
        if (credentialFailure(e) != null) {
            return Failure.DENIED;
        }
        if (e instanceof AwsServiceException aws) {
            String code =
                    aws.awsErrorDetails() == null ? null : aws.awsErrorDetails().errorCode();
            if ("NoSuchBucket".equals(code)) {
                return Failure.INVALID; // the configuration's fault, never a missing object
            }
            return DENIED.contains(code) ? Failure.DENIED : HttpStatuses.of(aws.statusCode());
        }
        return NetworkFailures.isTransportFailure(e) ? Failure.TRANSIENT : Failure.of(e);
    }

    private static S3Driver.CredentialsUnavailable credentialFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof S3Driver.CredentialsUnavailable unavailable) {
                return unavailable;
            }
        }
        return null;
    }

    /** The error code and status, never S3's message text, which can carry the signed request. */
    @Override
    protected String reason(Exception e) {
        S3Driver.CredentialsUnavailable unavailable = credentialFailure(e);
        if (unavailable != null) {
            Throwable cause = unavailable.getCause();
            return unavailable.getMessage() + ": "
                    + (cause instanceof AwsServiceException sts ? reason(sts) : firstLine((Exception) cause));
        }
        if (e instanceof AwsServiceException aws) {
            String code =
                    aws.awsErrorDetails() == null ? null : aws.awsErrorDetails().errorCode();
            if ("NoSuchBucket".equals(code)) {
                return "bucket '" + bucket + "' does not exist (create it, or fix 'bucket')";
            }
            String hint = checksums && CHECKSUM_REFUSALS.contains(code)
                    ? " (if this store rejects the AWS SDKs' checksum headers, set checksums: when_required)"
                    : aws.statusCode() == 404 ? " (does the bucket '" + bucket + "' exist?)" : "";
            return (code == null ? "" : code + " ") + "(HTTP " + aws.statusCode() + ")" + hint;
        }
        return firstLine(e);
    }

    @Override
    protected String location() {
        return "S3 bucket '" + bucket + "'";
    }

    @Override
    public StorageLimits limits() {
        return super.limits().withMaxBatchDeleteSize(1000);
    }

    @Override
    public void close() throws IOException {
        try (s3) {
            for (AutoCloseable resource : resources) {
                resource.close();
            }
        } catch (Exception e) {
            throw e instanceof IOException io ? io : new IOException(e);
        }
    }
}
