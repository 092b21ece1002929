package dev.argoartifact.common.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.AtomicWrite;
import dev.argoartifact.common.storage.ObjectInfo;
import java.io.InputStream;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The cache of connected storages: one per configuration, and evicted ones closed once unused. */
class DriverRuntimeTest {
    record Empty() {}

    /** A storage that only records whether it was closed. */
    static final class ClosableStorage implements ArtifactStorage {
        volatile boolean closed;

        @Override
        public Optional<ObjectInfo> stat(String key) {
            return Optional.empty();
        }

        @Override
        public void list(String prefix, ObjectVisitor visitor) {}

        @Override
        public InputStream openRead(String key, long offset) {
            return InputStream.nullInputStream();
        }

        @Override
        public AtomicWrite startWrite(String key) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void delete(String key) {}

        @Override
        public void close() {
            closed = true;
        }
    }

    private final List<ClosableStorage> opened = new CopyOnWriteArrayList<>();

    private final ArtifactDriver<Empty> driver = new ArtifactDriver<>("closable", Empty.class, ClosableStorage.class) {
        @Override
        public ArtifactStorage open(Empty configuration, SecretResolver secrets) {
            ClosableStorage storage = new ClosableStorage();
            opened.add(storage);
            return storage;
        }
    };

    @Test
    void oneStoragePerConfigurationAndAnEvictedOneClosesWhenItsLastCallEnds() {
        try (DriverRuntime<Empty> runtime = new DriverRuntime<>(driver, "{}", (field, ref) -> null)) {
            DriverRuntime<Empty>.Use held = runtime.use("# first");
            try (DriverRuntime<Empty>.Use again = runtime.use("# first")) {
                assertThat(again.operations()).isSameAs(held.operations());
            }
            assertThat(opened).hasSize(1);
            // More distinct configurations than the cache keeps: the first is evicted while still in use.
            for (int i = 0; i < 70; i++) {
                runtime.use("# other " + i).close();
            }
            ClosableStorage first = opened.getFirst();
            assertThat(first.closed).as("evicted, but a call still uses it").isFalse();
            assertThat(opened.subList(1, 7)).as("evicted and unused").allMatch(s -> s.closed);
            held.close();
            assertThat(first.closed).as("closed with its last call").isTrue();
            assertThat(opened.getLast().closed).as("still cached").isFalse();
        }
        assertThat(opened).allMatch(s -> s.closed);
    }
}
