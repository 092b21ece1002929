package dev.argoartifact.common.storage;

import java.io.IOException;
import java.io.InputStream;

/**
 * An ability: reads an object as this storage's own listing or stat just found it, without
 * checking it again. For filesystems, whose walk already saw each entry's type, so a file of a
 * directory Load costs no second lookup (a round trip on a remote filesystem).
 */
public interface ListedReads extends ArtifactStorage {
    /** Reads from byte {@code offset} the object that {@link #list} or {@link #stat} returned as {@code listed}. */
    InputStream openListed(ObjectInfo listed, long offset) throws IOException;
}
