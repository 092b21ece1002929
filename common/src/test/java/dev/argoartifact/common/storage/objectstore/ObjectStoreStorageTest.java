package dev.argoartifact.common.storage.objectstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argoartifact.common.failure.Failure;
import dev.argoartifact.common.storage.AtomicWrite;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** How a streamed write becomes requests: one request up to a part, parts beyond it. */
class ObjectStoreStorageTest {
    private static final int PART = 1 << 20;

    /** An object store in memory that records the requests it receives. */
    private static final class RecordingStore extends ObjectStoreStorage {
        final Map<String, byte[]> objects = new TreeMap<>();
        final List<String> requests = new ArrayList<>();

        RecordingStore() {
            super(null, PART, 100);
        }

        @Override
        protected Optional<StoredObject> head(String name) {
            return Optional.ofNullable(objects.get(name)).map(b -> new StoredObject(name, b.length, false));
        }

        @Override
        protected void listObjects(String namePrefix, StoredObjectVisitor visitor) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected InputStream read(String name, long offset, long length) {
            throw new UnsupportedOperationException();
        }

        @Override
        protected void putObject(String name, byte[] data, int length) {
            requests.add("put " + length);
            objects.put(name, Arrays.copyOf(data, length));
        }

        @Override
        protected Upload createUpload(String name) {
            requests.add("create upload");
            ByteArrayOutputStream parts = new ByteArrayOutputStream();
            return new Upload() {
                @Override
                public void uploadPart(int number, byte[] data, int length) {
                    requests.add("part " + number + " " + length);
                    parts.write(data, 0, length);
                }

                @Override
                public void complete(int count) {
                    requests.add("complete " + count);
                    objects.put(name, parts.toByteArray());
                }

                @Override
                public void abort() {
                    requests.add("abort");
                }
            };
        }

        @Override
        protected void deleteObject(String name) {
            objects.remove(name);
        }

        @Override
        protected Failure classify(Exception failure) {
            return Failure.PERMANENT;
        }

        @Override
        protected String reason(Exception failure) {
            return String.valueOf(failure.getMessage());
        }

        @Override
        protected String location() {
            return "memory";
        }
    }

    private static byte[] write(RecordingStore store, String key, int size, int chunk) throws Exception {
        byte[] data = new byte[size];
        for (int i = 0; i < size; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        try (AtomicWrite write = store.startWrite(key)) {
            OutputStream out = write.stream();
            for (int off = 0; off < size; off += chunk) {
                out.write(data, off, Math.min(chunk, size - off));
            }
            write.commit();
        }
        return data;
    }

    @Test
    void aWriteOfExactlyOnePartIsOneRequest() throws Exception {
        RecordingStore store = new RecordingStore();
        byte[] data = write(store, "one-part", PART, 8192);
        assertThat(store.requests).containsExactly("put " + PART);
        assertThat(store.objects.get("one-part")).isEqualTo(data);
    }

    @Test
    void aWriteBeyondOnePartGoesInPartsWhoseBytesArriveInOrder() throws Exception {
        RecordingStore store = new RecordingStore();
        byte[] data = write(store, "parts", 2 * PART + 5, 100_000);
        assertThat(store.requests)
                .containsExactly("create upload", "part 1 " + PART, "part 2 " + PART, "part 3 5", "complete 3");
        assertThat(store.objects.get("parts")).isEqualTo(data);
    }

    @Test
    void smallWritesOfAnySizeAreOneRequestWithTheirBytes() throws Exception {
        RecordingStore store = new RecordingStore();
        for (int size : new int[] {0, 1, 65_535, 65_536, 65_537, 300_000}) {
            byte[] data = write(store, "small-" + size, size, 7_000);
            assertThat(store.objects.get("small-" + size)).as("%d bytes", size).isEqualTo(data);
        }
        assertThat(store.requests).allMatch(r -> r.startsWith("put "));
    }
}
