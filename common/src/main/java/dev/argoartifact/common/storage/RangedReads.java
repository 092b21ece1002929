package dev.argoartifact.common.storage;

import java.io.IOException;
import java.io.InputStream;

/**
 * An ability: bounded ranges of an object, read in parallel. For network object stores, where
 * parallel ranges download a large object faster than one stream; local or kernel-copied storage
 * should not have it (one stream or a kernel copy is faster there).
 */
public interface RangedReads extends ArtifactStorage {
    /** Reads {@code length} bytes starting at {@code offset}. */
    InputStream openRange(String key, long offset, long length) throws IOException;
}
