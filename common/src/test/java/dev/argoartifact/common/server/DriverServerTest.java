package dev.argoartifact.common.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.AtomicWrite;
import dev.argoartifact.common.storage.ObjectInfo;
import dev.argoartifact.proto.Artifact;
import dev.argoartifact.proto.ArtifactServiceGrpc;
import dev.argoartifact.proto.OpenStreamRequest;
import dev.argoartifact.proto.OpenStreamResponse;
import dev.argoartifact.proto.PluginArtifact;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.grpc.reflection.v1.ServerReflectionGrpc;
import io.grpc.reflection.v1.ServerReflectionRequest;
import io.grpc.reflection.v1.ServerReflectionResponse;
import io.grpc.reflection.v1.ServiceResponse;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/** The server itself: socket handling, reflection, and OpenStream cancellation reaching storage. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DriverServerTest {
    /** A storage with one endless object, to see whether streaming stops reading when cancelled. */
    static final class EndlessStorage implements ArtifactStorage {
        final AtomicLong bytesRead = new AtomicLong();
        final AtomicBoolean closed = new AtomicBoolean();

        @Override
        public Optional<ObjectInfo> stat(String key) {
            return Optional.of(new ObjectInfo(key, Long.MAX_VALUE));
        }

        @Override
        public void list(String prefix, ObjectVisitor visitor) {}

        @Override
        public InputStream openRead(String key, long offset) {
            return new InputStream() {
                @Override
                public int read() {
                    bytesRead.incrementAndGet();
                    return 'x';
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    java.util.Arrays.fill(b, off, off + len, (byte) 'x');
                    bytesRead.addAndGet(len);
                    return len;
                }

                @Override
                public void close() {
                    closed.set(true);
                }
            };
        }

        @Override
        public AtomicWrite startWrite(String key) throws IOException {
            throw new IOException("read-only");
        }

        @Override
        public void delete(String key) {}
    }

    record Empty() {}

    private final EndlessStorage storage = new EndlessStorage();
    private final EventLoopGroup clientLoop = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private DriverServer server;

    @TempDir
    Path dir;

    /** The servers' sockets, for the whole class. */
    @TempDir
    static Path sockets;

    /** A driver without configuration fields, serving {@link #storage}. */
    private ArtifactDriver<Empty> endlessDriver() {
        return new ArtifactDriver<>("endless", Empty.class, EndlessStorage.class) {
            @Override
            public ArtifactStorage open(Empty configuration, SecretResolver secrets) {
                return storage;
            }
        };
    }

    @BeforeAll
    void start() throws IOException {
        ArtifactDriver<Empty> driver = endlessDriver();
        server = DriverServer.start(
                sockets.resolve("shared/a/b/socket"), new DriverRuntime<>(driver, null, (field, ref) -> {
                    throw new AssertionError("no secrets here");
                }));
    }

    @AfterAll
    void stop() {
        server.close();
        clientLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS);
    }

    private ManagedChannel channel() {
        return channel(server);
    }

    private ManagedChannel channel(DriverServer to) {
        return NettyChannelBuilder.forAddress(UnixDomainSocketAddress.of(to.socket()))
                .channelType(NioDomainSocketChannel.class)
                .eventLoopGroup(clientLoop)
                .usePlaintext()
                .build();
    }

    @Test
    void createsTheSocketDirectoryAndOpensTheSocketToEveryone() throws IOException {
        assertThat(server.socket().getParent()).isDirectory();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(server.socket())))
                .isEqualTo("rwxrwxrwx");
    }

    @Test
    void reflectionListsTheServicesForGrpcurl() throws Exception {
        ManagedChannel channel = channel();
        try {
            CompletableFuture<List<String>> services = new CompletableFuture<>();
            StreamObserver<ServerReflectionRequest> requests = ServerReflectionGrpc.newStub(channel)
                    .serverReflectionInfo(new StreamObserver<>() {
                        @Override
                        public void onNext(ServerReflectionResponse value) {
                            services.complete(value.getListServicesResponse().getServiceList().stream()
                                    .map(ServiceResponse::getName)
                                    .toList());
                        }

                        @Override
                        public void onError(Throwable t) {
                            services.completeExceptionally(t);
                        }

                        @Override
                        public void onCompleted() {}
                    });
            requests.onNext(
                    ServerReflectionRequest.newBuilder().setListServices("*").build());
            assertThat(services.get(10, TimeUnit.SECONDS))
                    .contains(
                            "artifact.ArtifactService", "grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection");
            requests.onCompleted();
        } finally {
            channel.shutdownNow();
        }
    }

    @Test
    void refusesToStealTheSocketOfALiveServer() {
        assertThatThrownBy(() -> DriverServer.prepareSocketPath(server.socket()))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("is in use by another running server");
    }

    @Test
    void cancellingOpenStreamStopsReadingFromStorage() throws Exception {
        ManagedChannel channel = channel();
        Context.CancellableContext context = Context.current().withCancellation();
        try {
            Artifact artifact = Artifact.newBuilder()
                    .setPlugin(PluginArtifact.newBuilder().setName("p").setKey("endless"))
                    .build();
            Context previous = context.attach();
            try {
                Iterator<OpenStreamResponse> stream = ArtifactServiceGrpc.newBlockingStub(channel)
                        .openStream(OpenStreamRequest.newBuilder()
                                .setArtifact(artifact)
                                .build());
                assertThat(stream.next().getData().size()).isEqualTo(1 << 20);
            } finally {
                context.detach(previous);
            }
            context.cancel(null);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (!storage.closed.get() && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(storage.closed)
                    .as("the storage stream is closed after the caller cancels")
                    .isTrue();
            long afterClose = storage.bytesRead.get();
            Thread.sleep(200);
            assertThat(storage.bytesRead.get())
                    .as("no more reads after cancellation")
                    .isEqualTo(afterClose);
            // Flow control bounds what was read ahead of the client: a few chunks, not the endless object.
            assertThat(afterClose).isLessThan(64L << 20);
        } finally {
            channel.shutdownNow();
        }
    }

    /** A server of its own, for tests that need one no other test has called. */
    private DriverServer freshServer() throws IOException {
        return DriverServer.start(
                Files.createTempDirectory(sockets, "fresh-").resolve("socket"),
                new DriverRuntime<>(endlessDriver(), null, null));
    }

    @Test
    void idleWorkWaitsForTheFirstCallToEnd() throws Exception {
        DriverServer fresh = freshServer();
        ManagedChannel channel = channel(fresh);
        try {
            CountDownLatch ran = new CountDownLatch(1);
            fresh.whenIdle(Duration.ofMinutes(5), ran::countDown);
            assertThat(ran.await(300, TimeUnit.MILLISECONDS))
                    .as("no call has ended yet")
                    .isFalse();
            assertThat(HealthGrpc.newBlockingStub(channel)
                            .check(HealthCheckRequest.getDefaultInstance())
                            .getStatus())
                    .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            assertThat(ran.await(10, TimeUnit.SECONDS))
                    .as("runs once the first call has ended, not after 5 minutes")
                    .isTrue();
        } finally {
            channel.shutdownNow();
            fresh.close();
        }
    }

    @Test
    void idleWorkRunsAfterTheQuietPeriodWhenNoCallComes() throws Exception {
        DriverServer fresh = freshServer();
        try {
            CountDownLatch ran = new CountDownLatch(1);
            long start = System.nanoTime();
            fresh.whenIdle(Duration.ofMillis(200), ran::countDown);
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(200));
        } finally {
            fresh.close();
        }
    }

    @Test
    void aDriverWithoutConfigurationFieldsRejectsAnyField() {
        // A configuration record without fields: any field is unknown, and the error names it.
        DriverRuntime<Empty> runtime = new DriverRuntime<>(endlessDriver(), null, null);
        assertThatThrownBy(() -> runtime.operations("bucket: x")).hasMessageStartingWith("unknown field 'bucket'.");
        assertThat(runtime.operations("").storage()).isSameAs(storage);
    }
}
