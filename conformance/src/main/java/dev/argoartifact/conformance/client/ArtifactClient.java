package dev.argoartifact.conformance.client;

import com.google.protobuf.ByteString;
import dev.argoartifact.proto.Artifact;
import dev.argoartifact.proto.ArtifactServiceGrpc;
import dev.argoartifact.proto.DeleteArtifactRequest;
import dev.argoartifact.proto.DeleteArtifactResponse;
import dev.argoartifact.proto.GetCapabilitiesRequest;
import dev.argoartifact.proto.IsDirectoryRequest;
import dev.argoartifact.proto.IsDirectoryResponse;
import dev.argoartifact.proto.ListObjectsRequest;
import dev.argoartifact.proto.ListObjectsResponse;
import dev.argoartifact.proto.LoadArtifactRequest;
import dev.argoartifact.proto.LoadArtifactResponse;
import dev.argoartifact.proto.OpenStreamRequest;
import dev.argoartifact.proto.OpenStreamResponse;
import dev.argoartifact.proto.PluginArtifact;
import dev.argoartifact.proto.SaveArtifactRequest;
import dev.argoartifact.proto.SaveArtifactResponse;
import dev.argoartifact.proto.SaveStreamArtifactRequest;
import io.grpc.ConnectivityState;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.nio.NioIoHandler;
import io.grpc.netty.shaded.io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * Talks to a driver exactly as Argo's Go client does (workflow/artifacts/plugin/plugin.go): a
 * new connection per operation, the 4 MiB inbound limit, success flags that must be set, the
 * OpenStream framing rules, and SaveStream in 2 MiB frames after a metadata-only first frame.
 */
public final class ArtifactClient {
    /** grpc-go's default maximum received message size, which Argo's client keeps. */
    public static final int MAX_INBOUND_BYTES = 4 * 1024 * 1024;
    /** Argo's saveStreamChunkSize. */
    public static final int SAVE_STREAM_CHUNK_BYTES = 2 * 1024 * 1024;

    /**
     * grpc-netty asks every channel for SO_KEEPALIVE, which a Unix socket has not: Netty then warns
     * on each call. Held here, as java.util.logging keeps loggers only weakly.
     */
    @SuppressWarnings("UnusedVariable") // held, never read: the level lasts while the logger lives
    private static final java.util.logging.Logger BOOTSTRAP_WARNINGS = quiet("io.grpc.netty.shaded.io.netty.bootstrap");

    private static java.util.logging.Logger quiet(String name) {
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
        logger.setLevel(java.util.logging.Level.SEVERE);
        return logger;
    }

    private static final EventLoopGroup EVENT_LOOP = new MultiThreadIoEventLoopGroup(
            2,
            r -> {
                Thread t = new Thread(r, "artifact-client");
                t.setDaemon(true);
                return t;
            },
            NioIoHandler.newFactory());

    private final Path socket;
    private final String pluginName;
    private final Duration connectionTimeout;

    public ArtifactClient(Path socket, String pluginName) {
        this(socket, pluginName, Duration.ofSeconds(5));
    }

    public ArtifactClient(Path socket, String pluginName, Duration connectionTimeout) {
        this.socket = socket;
        this.pluginName = pluginName;
        this.connectionTimeout = connectionTimeout;
    }

    public Path socket() {
        return socket;
    }

    /** The artifact Argo would send for a plugin location. */
    public Artifact artifact(String configuration, String key) {
        return Artifact.newBuilder()
                .setName("conformance")
                .setPlugin(PluginArtifact.newBuilder()
                        .setName(pluginName)
                        .setConfiguration(configuration)
                        .setKey(key)
                        .setConnectionTimeoutSeconds((int) connectionTimeout.toSeconds()))
                .build();
    }

    /** Result of Load, Save, Delete and SaveStream as Argo sees it: success, or one error string. */
    public record Reply(boolean success, String error) {
        static Reply of(boolean success, String error) {
            // Argo fails on success=false even when error is empty.
            return new Reply(
                    success, success ? "" : (error.isEmpty() ? "(success=false without an error message)" : error));
        }
    }

    public record ListReply(List<String> objects, String error) {
        public boolean ok() {
            return error.isEmpty();
        }
    }

    public record DirectoryReply(boolean isDirectory, String error) {
        public boolean ok() {
            return error.isEmpty();
        }
    }

    /** What an OpenStream delivered, with the framing facts the conformance suite checks. */
    public record StreamReport(
            long bytes,
            int dataMessages,
            int largestDataMessage,
            boolean endSeen,
            boolean dataInEndMessage,
            boolean messagesAfterEnd,
            String error,
            Status.Code status) {
        public boolean ok() {
            return error.isEmpty();
        }
    }

    /**
     * Stops the event loop every client shares, for a tool about to exit: an exiting JVM waits up to
     * 300 ms for threads blocked in native calls, as the loop's idle selectors are. No client works
     * afterwards.
     */
    public static void stopSharedEventLoop() {
        EVENT_LOOP.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).awaitUninterruptibly(1, TimeUnit.SECONDS);
    }

    private <T> T withChannel(Function<ManagedChannel, T> call) {
        ManagedChannel channel = NettyChannelBuilder.forAddress(UnixDomainSocketAddress.of(socket))
                .channelType(NioDomainSocketChannel.class)
                .eventLoopGroup(EVENT_LOOP)
                .usePlaintext()
                .maxInboundMessageSize(MAX_INBOUND_BYTES)
                .build();
        try {
            awaitReady(channel);
            return call.apply(channel);
        } finally {
            channel.shutdownNow();
            try {
                channel.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Like Argo: connect, then wait up to the connection timeout for READY. */
    private void awaitReady(ManagedChannel channel) {
        long deadline = System.nanoTime() + connectionTimeout.toNanos();
        ConnectivityState state = channel.getState(true);
        while (state != ConnectivityState.READY) {
            if (System.nanoTime() > deadline) {
                throw Status.UNAVAILABLE
                        .withDescription("socket " + socket + " not ready within " + connectionTimeout + " (state "
                                + state + ")")
                        .asRuntimeException();
            }
            CompletableFuture<Void> changed = new CompletableFuture<>();
            channel.notifyWhenStateChanged(state, () -> changed.complete(null));
            try {
                changed.get(Math.max(1, (deadline - System.nanoTime()) / 1_000_000), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException ignored) {
                // Loop re-checks the deadline.
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw Status.CANCELLED.asRuntimeException();
            }
            state = channel.getState(true);
        }
    }

    private static String describe(StatusRuntimeException e) {
        return e.getStatus().getCode() + ": "
                + (e.getStatus().getDescription() == null ? "" : e.getStatus().getDescription());
    }

    public Reply load(Artifact artifact, Path path) {
        try {
            LoadArtifactResponse r = withChannel(ch -> ArtifactServiceGrpc.newBlockingStub(ch)
                    .load(LoadArtifactRequest.newBuilder()
                            .setInputArtifact(artifact)
                            .setPath(path.toString())
                            .build()));
            return Reply.of(r.getSuccess(), r.getError());
        } catch (StatusRuntimeException e) {
            return Reply.of(false, describe(e));
        }
    }

    public Reply save(Path path, Artifact artifact) {
        try {
            SaveArtifactResponse r = withChannel(ch -> ArtifactServiceGrpc.newBlockingStub(ch)
                    .save(SaveArtifactRequest.newBuilder()
                            .setPath(path.toString())
                            .setOutputArtifact(artifact)
                            .build()));
            return Reply.of(r.getSuccess(), r.getError());
        } catch (StatusRuntimeException e) {
            return Reply.of(false, describe(e));
        }
    }

    /**
     * Saves the file {@code path} as the artifact and loads it back into {@code target}: the first
     * reply that failed, else a failure when the file loaded back differs, else success.
     */
    public Reply roundTrip(Path path, Artifact artifact, Path target) throws IOException {
        Reply save = save(path, artifact);
        if (!save.success()) {
            return save;
        }
        Reply load = load(artifact, target);
        if (load.success() && Files.mismatch(path, target) != -1) {
            return Reply.of(false, "the file loaded back differs from the one saved");
        }
        return load;
    }

    public Reply delete(Artifact artifact) {
        try {
            DeleteArtifactResponse r = withChannel(ch -> ArtifactServiceGrpc.newBlockingStub(ch)
                    .delete(DeleteArtifactRequest.newBuilder()
                            .setArtifact(artifact)
                            .build()));
            return Reply.of(r.getSuccess(), r.getError());
        } catch (StatusRuntimeException e) {
            return Reply.of(false, describe(e));
        }
    }

    public ListReply listObjects(Artifact artifact) {
        try {
            ListObjectsResponse r = withChannel(ch -> ArtifactServiceGrpc.newBlockingStub(ch)
                    .listObjects(ListObjectsRequest.newBuilder()
                            .setArtifact(artifact)
                            .build()));
            return new ListReply(List.copyOf(r.getObjectsList()), r.getError());
        } catch (StatusRuntimeException e) {
            return new ListReply(List.of(), describe(e));
        }
    }

    public DirectoryReply isDirectory(Artifact artifact) {
        try {
            IsDirectoryResponse r = withChannel(ch -> ArtifactServiceGrpc.newBlockingStub(ch)
                    .isDirectory(IsDirectoryRequest.newBuilder()
                            .setArtifact(artifact)
                            .build()));
            return new DirectoryReply(r.getIsDirectory(), r.getError());
        } catch (StatusRuntimeException e) {
            return new DirectoryReply(false, describe(e));
        }
    }

    /** GetCapabilities; UNIMPLEMENTED means "no SaveStream", as in Argo. */
    public boolean supportsSaveStream() {
        try {
            return withChannel(ch -> ArtifactServiceGrpc.newBlockingStub(ch)
                    .getCapabilities(GetCapabilitiesRequest.getDefaultInstance())
                    .getSupportsSaveStream());
        } catch (StatusRuntimeException e) {
            if (e.getStatus().getCode() == Status.Code.UNIMPLEMENTED) {
                return false;
            }
            throw e;
        }
    }

    /** The gRPC health status of the whole server ("" service). */
    public HealthCheckResponse.ServingStatus health() {
        return withChannel(ch -> HealthGrpc.newBlockingStub(ch)
                .check(HealthCheckRequest.getDefaultInstance())
                .getStatus());
    }

    /**
     * OpenStream, applying Argo's reader rules (data in an error or is_end message is discarded),
     * writing the bytes to {@code sink}. With {@code cancelAfterMessages > 0} the client cancels
     * after that many data messages, as the Argo Server does when a browser goes away.
     */
    public StreamReport openStream(Artifact artifact, OutputStream sink, int cancelAfterMessages) {
        long bytes = 0;
        int messages = 0;
        int largest = 0;
        boolean end = false;
        boolean dataInEnd = false;
        boolean afterEnd = false;
        Context.CancellableContext context = Context.current().withCancellation();
        Context previous = context.attach();
        try {
            return withChannel(ch -> {
                long b = 0;
                int m = 0;
                int l = 0;
                boolean e = false;
                boolean de = false;
                boolean ae = false;
                try {
                    Iterator<OpenStreamResponse> it = ArtifactServiceGrpc.newBlockingStub(ch)
                            .openStream(OpenStreamRequest.newBuilder()
                                    .setArtifact(artifact)
                                    .build());
                    while (it.hasNext()) {
                        OpenStreamResponse r = it.next();
                        if (e) {
                            ae = true;
                            continue;
                        }
                        if (!r.getError().isEmpty()) {
                            return new StreamReport(b, m, l, false, false, false, r.getError(), Status.Code.UNKNOWN);
                        }
                        if (r.getIsEnd()) {
                            e = true;
                            de = !r.getData().isEmpty();
                            continue;
                        }
                        if (!r.getData().isEmpty()) {
                            m++;
                            l = Math.max(l, r.getData().size());
                            r.getData().writeTo(sink);
                            b += r.getData().size();
                            if (cancelAfterMessages > 0 && m >= cancelAfterMessages) {
                                context.cancel(null);
                                return new StreamReport(
                                        b, m, l, false, false, false, "cancelled by the client", Status.Code.CANCELLED);
                            }
                        }
                    }
                    return new StreamReport(b, m, l, e, de, ae, "", Status.Code.OK);
                } catch (StatusRuntimeException ex) {
                    return new StreamReport(
                            b, m, l, e, de, ae, describe(ex), ex.getStatus().getCode());
                } catch (IOException ex) {
                    return new StreamReport(
                            b, m, l, e, de, ae, "local write failed: " + ex.getMessage(), Status.Code.UNKNOWN);
                }
            });
        } catch (StatusRuntimeException ex) {
            return new StreamReport(
                    bytes,
                    messages,
                    largest,
                    end,
                    dataInEnd,
                    afterEnd,
                    describe(ex),
                    ex.getStatus().getCode());
        } finally {
            context.detach(previous);
            context.cancel(null);
        }
    }

    /**
     * SaveStream as Argo's server sends it: a metadata-only first frame, then 2 MiB chunk frames.
     * With {@code abortAfterBytes >= 0} the client cancels the call after sending that many bytes
     * instead of completing it.
     */
    public Reply saveStream(Artifact artifact, InputStream data, long abortAfterBytes) {
        try {
            return withChannel(ch -> {
                CompletableFuture<Reply> result = new CompletableFuture<>();
                CompletableFuture<ClientCallStreamObserver<SaveStreamArtifactRequest>> requestStream =
                        new CompletableFuture<>();
                ArtifactServiceGrpc.newStub(ch)
                        .saveStream(new ClientResponseObserver<SaveStreamArtifactRequest, SaveArtifactResponse>() {
                            @Override
                            public void beforeStart(ClientCallStreamObserver<SaveStreamArtifactRequest> stream) {
                                requestStream.complete(stream);
                            }

                            @Override
                            public void onNext(SaveArtifactResponse value) {
                                result.complete(Reply.of(value.getSuccess(), value.getError()));
                            }

                            @Override
                            public void onError(Throwable t) {
                                result.complete(Reply.of(
                                        false, t instanceof StatusRuntimeException s ? describe(s) : t.toString()));
                            }

                            @Override
                            public void onCompleted() {
                                result.complete(Reply.of(false, "SaveStream completed without a response"));
                            }
                        });
                ClientCallStreamObserver<SaveStreamArtifactRequest> out = requestStream.join();
                out.onNext(SaveStreamArtifactRequest.newBuilder()
                        .setOutputArtifact(artifact)
                        .build());
                byte[] chunk = new byte[SAVE_STREAM_CHUNK_BYTES];
                long sent = 0;
                try {
                    int n;
                    while (!result.isDone() && (n = data.readNBytes(chunk, 0, chunk.length)) > 0) {
                        if (abortAfterBytes >= 0 && sent + n > abortAfterBytes) {
                            int partial = (int) (abortAfterBytes - sent);
                            if (partial > 0) {
                                out.onNext(SaveStreamArtifactRequest.newBuilder()
                                        .setChunk(ByteString.copyFrom(chunk, 0, partial))
                                        .build());
                            }
                            awaitDrained(out, result);
                            out.cancel("aborted by the client", null);
                            return result.getNow(Reply.of(false, "aborted by the client"));
                        }
                        awaitDrained(out, result);
                        out.onNext(SaveStreamArtifactRequest.newBuilder()
                                .setChunk(ByteString.copyFrom(chunk, 0, n))
                                .build());
                        sent += n;
                    }
                } catch (IOException e) {
                    out.cancel("local read failed", e);
                    return Reply.of(false, "local read failed: " + e.getMessage());
                }
                if (abortAfterBytes >= 0) {
                    awaitDrained(out, result);
                    out.cancel("aborted by the client", null);
                    return result.getNow(Reply.of(false, "aborted by the client"));
                }
                if (!result.isDone()) {
                    out.onCompleted();
                }
                try {
                    return result.get(10, TimeUnit.MINUTES);
                } catch (InterruptedException | ExecutionException | TimeoutException e) {
                    return Reply.of(false, "no SaveStream response: " + e);
                }
            });
        } catch (StatusRuntimeException e) {
            return Reply.of(false, describe(e));
        }
    }

    /**
     * Simple outbound flow control: wait until the transport wants more, or the server has already
     * answered (a refused stream is never ready again; Argo's client sees EOF on its next Send).
     */
    private static void awaitDrained(ClientCallStreamObserver<?> out, CompletableFuture<?> answered) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
        while (!out.isReady() && !answered.isDone() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
