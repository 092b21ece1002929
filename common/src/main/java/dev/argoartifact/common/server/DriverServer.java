package dev.argoartifact.common.server;

import dev.argoartifact.common.log.JsonLog;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.grpc.protobuf.services.HealthStatusManager;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Serves artifact.ArtifactService, gRPC health and server reflection on a Unix domain socket.
 *
 * <p>Netty NIO with the JDK's UnixDomainSocketAddress needs no native library, so it works on a
 * read-only or noexec /tmp where Netty's epoll transport cannot unpack its .so. The Netty is
 * grpc-netty-shaded's, private to gRPC, so a storage SDK may bring any Netty of its own.
 */
public final class DriverServer implements AutoCloseable {
    private final Path socket;
    private final Server server;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ArtifactGrpcService service;
    private final DriverRuntime<?> runtime;
    private final HealthStatusManager health;
    private final CountDownLatch firstCallEnded;

    private DriverServer(
            Path socket,
            Server server,
            EventLoopGroup boss,
            EventLoopGroup workers,
            ArtifactGrpcService service,
            DriverRuntime<?> runtime,
            HealthStatusManager health,
            CountDownLatch firstCallEnded) {
        this.socket = socket;
        this.server = server;
        this.boss = boss;
        this.workers = workers;
        this.service = service;
        this.runtime = runtime;
        this.health = health;
        this.firstCallEnded = firstCallEnded;
    }

    /** Prepares the socket path and starts serving; returns once the socket accepts connections. */
    public static DriverServer start(Path socket, DriverRuntime<?> runtime) throws IOException {
        Path absolute = socket.toAbsolutePath();
        prepareSocketPath(absolute);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());
        ArtifactGrpcService service = new ArtifactGrpcService(runtime);
        HealthStatusManager health = new HealthStatusManager();
        CountDownLatch firstCallEnded = new CountDownLatch(1);
        Server server = NettyServerBuilder.forAddress(UnixDomainSocketAddress.of(absolute))
                .channelType(NioServerDomainSocketChannel.class)
                .bossEventLoopGroup(boss)
                .workerEventLoopGroup(workers)
                .addService(service)
                .addService(health.getHealthService())
                .addService(ProtoReflectionServiceV1.newInstance())
                // SaveStream frames are 2 MiB; leave room.
                .maxInboundMessageSize(8 << 20)
                // Argo never closes its connections (a new one per operation): reap idle ones.
                .maxConnectionIdle(5, TimeUnit.MINUTES)
                .intercept(signalOnEnd(firstCallEnded))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            stop(boss, workers);
            throw new IOException("cannot listen on socket '" + absolute + "': " + e.getMessage(), e);
        }
        // Argo Server runs as UID 8737 and workflow containers as whatever the executor says:
        // anyone who can reach the directory may connect.
        Files.setPosixFilePermissions(absolute, PosixFilePermissions.fromString("rwxrwxrwx"));
        health.setStatus("", io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        health.setStatus(
                dev.argoartifact.proto.ArtifactServiceGrpc.SERVICE_NAME,
                io.grpc.health.v1.HealthCheckResponse.ServingStatus.SERVING);
        return new DriverServer(absolute, server, boss, workers, service, runtime, health, firstCallEnded);
    }

    /**
     * Runs {@code task} on a daemon thread once the server is idle: when its first call has ended,
     * or after {@code quiet} if none has come. Work that would compete with the first call for a
     * small container's CPU waits for it; Argo's executor, which looks for the socket only once a
     * second, usually finds that work done.
     */
    public void whenIdle(Duration quiet, Runnable task) {
        Thread.ofPlatform().daemon().name("when-idle").start(() -> {
            try {
                firstCallEnded.await(quiet.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            task.run();
        });
    }

    /** Counts {@code ended} down when a call completes or is cancelled. */
    private static ServerInterceptor signalOnEnd(CountDownLatch ended) {
        return new ServerInterceptor() {
            @Override
            public <Q, R> ServerCall.Listener<Q> interceptCall(
                    ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
                ServerCall.Listener<Q> listener = next.startCall(call, headers);
                if (ended.getCount() == 0) {
                    return listener;
                }
                return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
                    @Override
                    public void onComplete() {
                        try {
                            super.onComplete();
                        } finally {
                            ended.countDown();
                        }
                    }

                    @Override
                    public void onCancel() {
                        try {
                            super.onCancel();
                        } finally {
                            ended.countDown();
                        }
                    }
                };
            }
        };
    }

    /**
     * Creates the socket's directory (Argo may not have yet: argo-workflows#16784) and removes a
     * stale socket file, refusing to steal a socket another live server is listening on.
     */
    static void prepareSocketPath(Path socket) throws IOException {
        Path dir = socket.getParent();
        if (dir != null && !Files.isDirectory(dir)) {
            Files.createDirectories(dir);
        }
        if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            if (Files.isDirectory(socket, LinkOption.NOFOLLOW_LINKS)) {
                throw new IOException("socket path '" + socket + "' is a directory");
            }
            if (isLive(socket)) {
                throw new IOException("socket '" + socket + "' is in use by another running server");
            }
            Files.delete(socket);
            JsonLog.info("removed stale socket", Map.of("socket", socket.toString()));
        }
    }

    private static boolean isLive(Path socket) {
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(socket));
            return true;
        } catch (IOException notListening) {
            return false;
        }
    }

    public Path socket() {
        return socket;
    }

    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /**
     * Stops accepting calls, lets calls in flight finish within {@code grace}, then cancels the
     * rest, removes the socket file and closes the storages.
     */
    public void stop(Duration grace) {
        health.enterTerminalState();
        server.shutdown();
        try {
            if (!server.awaitTermination(grace.toMillis(), TimeUnit.MILLISECONDS)) {
                JsonLog.warn(
                        "calls still running after the grace period; cancelling them",
                        Map.of("graceMs", grace.toMillis()));
                server.shutdownNow();
                server.awaitTermination(2, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        }
        service.shutdown();
        stop(boss, workers);
        runtime.close();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException ignored) {
            // The emptyDir goes away with the pod anyway.
        }
    }

    @Override
    public void close() {
        stop(Duration.ofSeconds(5));
    }

    /** Stops Netty's threads at once; the calls were drained before. */
    private static void stop(EventLoopGroup... groups) {
        for (EventLoopGroup group : groups) {
            var unused = group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
        }
    }
}
