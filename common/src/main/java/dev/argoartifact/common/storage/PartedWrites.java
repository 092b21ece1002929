package dev.argoartifact.common.storage;

import java.io.IOException;

/**
 * An ability: an object written as numbered parts, uploaded side by side and in any order, that
 * appears whole when completed (Azure blocks, GCS and S3 multipart uploads). The runtime then
 * saves a large file as parallel parts, each retried alone, instead of one stream that a failure
 * restarts; {@link ArtifactStorage#startWrite} remains for streams.
 */
public interface PartedWrites extends ArtifactStorage {
    /** Bytes of every part but the last: what one part holds in memory while it uploads. */
    int partSize();

    /** The most parts one object may have: the backend's limit, none for a file written at offsets. */
    default int maxParts() {
        return Integer.MAX_VALUE;
    }

    /** Starts an upload in parts; nothing is visible under the key until it completes. */
    Upload startUpload(String key) throws IOException;

    /** An upload in parts. */
    interface Upload {
        /**
         * Uploads part {@code number} (from 1); parts may go concurrently, and one may be sent again.
         * The runtime reuses {@code data} once the call returns: copy what must outlive it.
         */
        void uploadPart(int number, byte[] data, int length) throws IOException;

        /** Publishes parts 1 to {@code parts} as the object. */
        void complete(int parts) throws IOException;

        /** Discards the parts uploaded; nothing stays behind. */
        void abort() throws IOException;
    }
}
