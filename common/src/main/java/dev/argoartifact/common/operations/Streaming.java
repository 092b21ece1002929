package dev.argoartifact.common.operations;

import dev.argoartifact.common.storage.ObjectInfo;
import dev.argoartifact.common.transfer.TransferEngine;
import dev.argoartifact.common.transfer.TransferMemory;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Argo's OpenStream: a file's bytes, or a tar of the tree under {@code key/} (Argo's built-in
 * drivers cannot stream directories). Everything that can fail before the first byte (the object
 * and its size, the listing, the credentials) is resolved first, so "not found" and "denied"
 * arrive before the Argo Server answers the browser with 200; a transient failure afterwards
 * resumes at the byte reached, so the browser never gets a cut file that looks complete.
 */
final class Streaming {
    /** What {@link #streamTo} sent: a file's bytes, or a tar of a directory. */
    enum Kind {
        FILE,
        DIRECTORY_TAR
    }

    private final TransferEngine engine;

    Streaming(TransferEngine engine) {
        this.engine = engine;
    }

    Kind streamTo(ArtifactKey key, OutputStream sink) throws IOException {
        Optional<ObjectInfo> file = engine.stat(key.value());
        try (TransferMemory.Reservation reserved = engine.reserveTransfer()) {
            if (file.isPresent()) {
                engine.copyTo(file.get(), sink);
                return Kind.FILE;
            }
            List<ObjectInfo> objects = new ArrayList<>();
            String prefix = key.directoryPrefix();
            engine.list(prefix, object -> {
                String problem = ArtifactKey.pathProblem(object.key().substring(prefix.length()));
                if (problem != null) {
                    throw new ArtifactException(
                            "object '" + ArtifactKey.printable(object.key()) + "' has an unsafe name: " + problem);
                }
                objects.add(object);
                return true;
            });
            if (objects.isEmpty()) {
                throw new ArtifactNotFoundException(key);
            }
            objects.sort(Comparator.comparing(ObjectInfo::key));
            TarArchiveOutputStream tar = new TarArchiveOutputStream(sink, 64 * 1024);
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
            tar.setAddPaxHeadersForNonAsciiNames(true);
            for (ObjectInfo object : objects) {
                TarArchiveEntry entry = new TarArchiveEntry(object.key().substring(prefix.length()));
                entry.setSize(object.size());
                entry.setMode(0644);
                tar.putArchiveEntry(entry);
                engine.copyTo(object, tar);
                tar.closeArchiveEntry();
            }
            tar.finish();
            return Kind.DIRECTORY_TAR;
        }
    }
}
