package dev.argoartifact.common.storage;

import java.io.IOException;
import java.util.Collection;

/** An ability: deleting many objects in few requests, up to {@link StorageLimits#maxBatchDeleteSize()} keys a call. */
public interface BatchDelete extends ArtifactStorage {
    /**
     * Deletes the objects; missing ones are not an error. A key the backend refused (denied, say) is
     * an error: a {@link BatchDeleteException} naming the keys, never a silent success.
     */
    void deleteBatch(Collection<String> keys) throws IOException;
}
