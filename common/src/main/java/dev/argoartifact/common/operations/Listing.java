package dev.argoartifact.common.operations;

import dev.argoartifact.common.log.JsonLog;
import dev.argoartifact.common.storage.ObjectInfo;
import dev.argoartifact.common.transfer.TransferEngine;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Argo's ListObjects and IsDirectory, prefix-safe: {@code out} covers {@code out/...}, never {@code out.tgz}. */
final class Listing {
    /** Argo's Go client refuses replies over 4 MiB; keep a margin for framing. */
    static final int MAX_LIST_REPLY_BYTES = 4 * 1024 * 1024 - 64 * 1024;

    private final TransferEngine engine;

    Listing(TransferEngine engine) {
        this.engine = engine;
    }

    /**
     * Full keys of the files at or under the key: the key itself when it is a file, and every file
     * under {@code key/}, recursively. Fails clearly when the reply would exceed Argo's 4 MiB limit.
     */
    List<String> list(ArtifactKey key) throws IOException {
        List<String> keys = new ArrayList<>();
        long[] replyBytes = {0};
        if (engine.stat(key.value()).isPresent()) {
            keys.add(key.value());
            replyBytes[0] += entryBytes(key.value());
        }
        engine.list(key.directoryPrefix(), object -> {
            if (!loadable(key, object)) {
                return true;
            }
            replyBytes[0] += entryBytes(object.key());
            if (replyBytes[0] > MAX_LIST_REPLY_BYTES) {
                throw new ArtifactException(
                        "more objects under '" + key.directoryPrefix() + "' than fit in the 4 MiB reply"
                                + " Argo's client accepts (over " + keys.size() + " keys); list a narrower key");
            }
            keys.add(object.key());
            return true;
        });
        keys.sort(Comparator.naturalOrder());
        return keys;
    }

    /** True iff at least one object that could be loaded exists under {@code key/}. */
    boolean isDirectory(ArtifactKey key) throws IOException {
        boolean[] found = {false};
        engine.list(key.directoryPrefix(), object -> {
            found[0] = loadable(key, object);
            return !found[0];
        });
        return found[0];
    }

    /** Bytes of one repeated-string entry on the wire: tag, length varint, UTF-8 bytes. */
    private static long entryBytes(String key) {
        int n = key.getBytes(StandardCharsets.UTF_8).length;
        return 1L + (32 - Integer.numberOfLeadingZeros(n | 1) + 6) / 7 + n;
    }

    /**
     * Whether an object under {@code key/} has a name Load and OpenStream accept. Another client
     * can store any name ("dir/../../x", a backslash); listing one that Load then refuses would
     * offer the UI a link that cannot work, so it is left out, with a warning.
     */
    static boolean loadable(ArtifactKey key, ObjectInfo object) {
        String relative = object.key().substring(key.directoryPrefix().length());
        String problem = ArtifactKey.pathProblem(relative);
        if (problem == null && object.key().getBytes(StandardCharsets.UTF_8).length <= ArtifactKey.MAX_UTF8_LENGTH) {
            return true;
        }
        JsonLog.warn(
                "left out of the listing: an object whose name Load would refuse",
                Map.of(
                        "key",
                        ArtifactKey.printable(object.key()),
                        "reason",
                        problem != null ? problem : "it is too long"));
        return false;
    }
}
