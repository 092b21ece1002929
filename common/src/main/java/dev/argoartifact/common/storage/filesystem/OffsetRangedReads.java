package dev.argoartifact.common.storage.filesystem;

import com.google.common.io.ByteStreams;
import dev.argoartifact.common.storage.RangedReads;
import java.io.IOException;
import java.io.InputStream;

/**
 * Ranged reads for a remote filesystem whose reads start at any offset and whose single stream is
 * capped by round trips (SFTP: a window of requests per channel). A range is a read from its
 * offset, stopped after its length; several go side by side on their own channels.
 */
public interface OffsetRangedReads extends RangedReads {
    @Override
    default InputStream openRange(String key, long offset, long length) throws IOException {
        return ByteStreams.limit(openRead(key, offset), length);
    }
}
