package dev.argoartifact.common.operations;

import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.AtomicWrite;
import dev.argoartifact.common.storage.BatchDelete;
import dev.argoartifact.common.storage.FileTransfers;
import dev.argoartifact.common.storage.ObjectInfo;
import dev.argoartifact.common.storage.ObjectNotFoundException;
import dev.argoartifact.common.storage.PartedWrites;
import dev.argoartifact.common.storage.RangedReads;
import dev.argoartifact.common.storage.StorageLimits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * An object store in memory for unit tests of the shared semantics: it lets tests inject
 * failures and names no real backend would produce on request. Its subclasses add one ability
 * each. Drivers are tested against real servers through the conformance suite instead.
 */
class MemoryStorage implements ArtifactStorage {
    final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();

    void put(String key, byte[] bytes) {
        objects.put(key, bytes);
    }

    byte[] bytes(String key) throws ObjectNotFoundException {
        byte[] b = objects.get(key);
        if (b == null) {
            throw new ObjectNotFoundException(key);
        }
        return b;
    }

    @Override
    public Optional<ObjectInfo> stat(String key) throws IOException {
        byte[] b = objects.get(key);
        return b == null ? Optional.empty() : Optional.of(new ObjectInfo(key, b.length));
    }

    @Override
    public void list(String prefix, ObjectVisitor visitor) throws IOException {
        for (Map.Entry<String, byte[]> e : objects.tailMap(prefix).entrySet()) {
            if (!e.getKey().startsWith(prefix)) {
                break;
            }
            if (!visitor.visit(new ObjectInfo(e.getKey(), e.getValue().length))) {
                return;
            }
        }
    }

    @Override
    public InputStream openRead(String key, long offset) throws IOException {
        byte[] b = bytes(key);
        return new ByteArrayInputStream(b, (int) offset, b.length - (int) offset);
    }

    @Override
    public AtomicWrite startWrite(String key) {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        return new AtomicWrite() {
            @Override
            public OutputStream stream() {
                return buffer;
            }

            @Override
            public void commit() {
                objects.put(key, buffer.toByteArray());
            }

            @Override
            public void close() {}
        };
    }

    @Override
    public void delete(String key) throws IOException {
        objects.remove(key);
    }

    /** With native whole-file transfers. */
    static class WithFileTransfers extends MemoryStorage implements FileTransfers {
        @Override
        public void writeFile(String key, Path source) throws IOException {
            objects.put(key, Files.readAllBytes(source));
        }

        @Override
        public void readToFile(String key, Path target) throws IOException {
            Files.write(target, bytes(key));
        }
    }

    /** With ranged reads. */
    static class WithRangedReads extends MemoryStorage implements RangedReads {
        @Override
        public InputStream openRange(String key, long offset, long length) throws IOException {
            byte[] b = bytes(key);
            return new ByteArrayInputStream(b, (int) offset, (int) Math.min(length, b.length - offset));
        }
    }

    /** With batch deletes of three keys at most. */
    static class WithBatchDelete extends MemoryStorage implements BatchDelete {
        @Override
        public void deleteBatch(Collection<String> keys) throws IOException {
            keys.forEach(objects::remove);
        }

        @Override
        public StorageLimits limits() {
            return StorageLimits.DEFAULT.withMaxBatchDeleteSize(3);
        }
    }

    /** With uploads in parts of {@code partSize} bytes; records what happened to them. */
    static class WithPartedWrites extends MemoryStorage implements PartedWrites {
        final java.util.List<Integer> uploadedParts = new java.util.concurrent.CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger aborted = new java.util.concurrent.atomic.AtomicInteger();
        private final int partSize;

        WithPartedWrites(int partSize) {
            this.partSize = partSize;
        }

        @Override
        public int partSize() {
            return partSize;
        }

        @Override
        public int maxParts() {
            return 10_000;
        }

        /** Where a test injects failures. */
        void beforePart(String key, int number) throws IOException {}

        @Override
        public Upload startUpload(String key) {
            java.util.Map<Integer, byte[]> parts = new java.util.concurrent.ConcurrentHashMap<>();
            return new Upload() {
                @Override
                public void uploadPart(int number, byte[] data, int length) throws IOException {
                    beforePart(key, number);
                    parts.put(number, java.util.Arrays.copyOf(data, length));
                    uploadedParts.add(number);
                }

                @Override
                public void complete(int count) {
                    ByteArrayOutputStream whole = new ByteArrayOutputStream();
                    for (int i = 1; i <= count; i++) {
                        whole.writeBytes(parts.get(i));
                    }
                    objects.put(key, whole.toByteArray());
                }

                @Override
                public void abort() {
                    aborted.incrementAndGet();
                    parts.clear();
                }
            };
        }
    }
}
