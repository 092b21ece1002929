package dev.argoartifact.common.server;

import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.operations.ArtifactException;
import dev.argoartifact.common.operations.ArtifactKey;
import dev.argoartifact.common.operations.ArtifactNotFoundException;
import dev.argoartifact.common.operations.ArtifactOperations;
import dev.argoartifact.common.storage.AtomicWrite;
import dev.argoartifact.proto.Artifact;
import dev.argoartifact.proto.ArtifactServiceGrpc;
import dev.argoartifact.proto.DeleteArtifactRequest;
import dev.argoartifact.proto.DeleteArtifactResponse;
import dev.argoartifact.proto.GetCapabilitiesRequest;
import dev.argoartifact.proto.GetCapabilitiesResponse;
import dev.argoartifact.proto.IsDirectoryRequest;
import dev.argoartifact.proto.IsDirectoryResponse;
import dev.argoartifact.proto.ListObjectsRequest;
import dev.argoartifact.proto.ListObjectsResponse;
import dev.argoartifact.proto.LoadArtifactRequest;
import dev.argoartifact.proto.LoadArtifactResponse;
import dev.argoartifact.proto.OpenStreamRequest;
import dev.argoartifact.proto.OpenStreamResponse;
import dev.argoartifact.proto.SaveArtifactRequest;
import dev.argoartifact.proto.SaveArtifactResponse;
import dev.argoartifact.proto.SaveStreamArtifactRequest;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * artifact.ArtifactService over the shared semantics. Unary replies always set {@code success}
 * explicitly (Argo reads an unset flag as failure) and carry a one-line error naming the
 * operation, the key and the cause.
 */
public final class ArtifactGrpcService extends ArtifactServiceGrpc.ArtifactServiceImplBase {
    /** Argo's client accepts 4 MiB messages; the sample plugin sends 1 MiB, and so do we. */
    public static final int STREAM_CHUNK_BYTES = 1 << 20;

    /** OpenStreams that run at once; more wait in line. Each also holds one transfer's memory. */
    static final int MAX_OPEN_STREAMS = 64;

    private final DriverRuntime<?> runtime;
    /**
     * OpenStream runs off the gRPC callback thread: flow-control and cancel callbacks for a call are
     * delivered on that thread, so blocking it while waiting for readiness would deadlock. Bounded,
     * so a burst of downloads from the UI queues instead of starting a thread each.
     */
    private final ThreadPoolExecutor streams;

    public ArtifactGrpcService(DriverRuntime<?> runtime) {
        this.runtime = runtime;
        AtomicInteger n = new AtomicInteger();
        this.streams = new ThreadPoolExecutor(
                MAX_OPEN_STREAMS, MAX_OPEN_STREAMS, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "open-stream-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.streams.allowCoreThreadTimeOut(true);
    }

    /** A hold on the artifact's storage for the call; closing it lets an evicted storage close. */
    private DriverRuntime<?>.Use use(Artifact artifact) {
        if (!artifact.hasPlugin()) {
            throw new ArtifactException("the artifact has no plugin location (plugin: {name, configuration, key})");
        }
        return runtime.use(artifact.getPlugin().getConfiguration());
    }

    /** One operation on the artifact's storage, held for its duration. */
    @FunctionalInterface
    private interface Operation<T> {
        T run(ArtifactOperations operations) throws Exception;
    }

    private <T> T on(Artifact artifact, Operation<T> operation) throws Exception {
        try (DriverRuntime<?>.Use use = use(artifact)) {
            return operation.run(use.operations());
        }
    }

    private static ArtifactKey key(Artifact artifact) {
        return ArtifactKey.parse(artifact.hasPlugin() ? artifact.getPlugin().getKey() : "");
    }

    private static Path localPath(String path) {
        if (path.isEmpty()) {
            throw new ArtifactException("the request has no local path");
        }
        return Path.of(path);
    }

    /** One unit of work of a unary call; returns bytes moved (or -1) and fills {@code extra}. */
    @FunctionalInterface
    private interface Work {
        long run(Map<String, Object> extra) throws Exception;
    }

    /** Runs the work, logs it, and returns null on success or the one-line error for the reply. */
    private static String attempt(CallLog call, Work work) {
        try {
            Map<String, Object> extra = new java.util.LinkedHashMap<>();
            long bytes = work.run(extra);
            call.succeeded(bytes, extra);
            return null;
        } catch (Throwable t) {
            return call.failed(t);
        }
    }

    private static <R> void reply(StreamObserver<R> observer, R response) {
        observer.onNext(response);
        observer.onCompleted();
    }

    @Override
    public void load(LoadArtifactRequest request, StreamObserver<LoadArtifactResponse> observer) {
        Artifact artifact = request.getInputArtifact();
        String error = attempt(
                new CallLog("load", artifact),
                extra -> on(artifact, ops -> ops.load(key(artifact), localPath(request.getPath()))));
        reply(
                observer,
                error == null
                        ? LoadArtifactResponse.newBuilder().setSuccess(true).build()
                        : LoadArtifactResponse.newBuilder()
                                .setSuccess(false)
                                .setError(error)
                                .build());
    }

    @Override
    public void save(SaveArtifactRequest request, StreamObserver<SaveArtifactResponse> observer) {
        Artifact artifact = request.getOutputArtifact();
        String error = attempt(
                new CallLog("save", artifact),
                extra -> on(artifact, ops -> ops.save(key(artifact), localPath(request.getPath()))));
        reply(
                observer,
                error == null
                        ? SaveArtifactResponse.newBuilder().setSuccess(true).build()
                        : SaveArtifactResponse.newBuilder()
                                .setSuccess(false)
                                .setError(error)
                                .build());
    }

    @Override
    public void delete(DeleteArtifactRequest request, StreamObserver<DeleteArtifactResponse> observer) {
        Artifact artifact = request.getArtifact();
        String error = attempt(new CallLog("delete", artifact), extra -> {
            extra.put("objects", on(artifact, ops -> ops.delete(key(artifact))));
            return -1;
        });
        reply(
                observer,
                error == null
                        ? DeleteArtifactResponse.newBuilder().setSuccess(true).build()
                        : DeleteArtifactResponse.newBuilder()
                                .setSuccess(false)
                                .setError(error)
                                .build());
    }

    @Override
    public void listObjects(ListObjectsRequest request, StreamObserver<ListObjectsResponse> observer) {
        Artifact artifact = request.getArtifact();
        List<List<String>> keys = new java.util.ArrayList<>(1);
        String error = attempt(new CallLog("list", artifact), extra -> {
            keys.add(on(artifact, ops -> ops.list(key(artifact))));
            extra.put("objects", keys.get(0).size());
            return -1;
        });
        reply(
                observer,
                error == null
                        ? ListObjectsResponse.newBuilder()
                                .addAllObjects(keys.get(0))
                                .build()
                        : ListObjectsResponse.newBuilder().setError(error).build());
    }

    @Override
    public void isDirectory(IsDirectoryRequest request, StreamObserver<IsDirectoryResponse> observer) {
        Artifact artifact = request.getArtifact();
        boolean[] directory = {false};
        String error = attempt(new CallLog("is-directory", artifact), extra -> {
            directory[0] = on(artifact, ops -> ops.isDirectory(key(artifact)));
            extra.put("isDirectory", directory[0]);
            return -1;
        });
        reply(
                observer,
                error == null
                        ? IsDirectoryResponse.newBuilder()
                                .setIsDirectory(directory[0])
                                .build()
                        : IsDirectoryResponse.newBuilder()
                                .setIsDirectory(false)
                                .setError(error)
                                .build());
    }

    @Override
    public void getCapabilities(GetCapabilitiesRequest request, StreamObserver<GetCapabilitiesResponse> observer) {
        // Every driver streams uploads natively through AtomicWrite, so this is always true.
        reply(
                observer,
                GetCapabilitiesResponse.newBuilder().setSupportsSaveStream(true).build());
    }

    @Override
    public void openStream(OpenStreamRequest request, StreamObserver<OpenStreamResponse> raw) {
        ServerCallStreamObserver<OpenStreamResponse> observer = (ServerCallStreamObserver<OpenStreamResponse>) raw;
        Artifact artifact = request.getArtifact();
        CallLog call = new CallLog("open-stream", artifact);
        FlowControlledSink sink = new FlowControlledSink(observer, STREAM_CHUNK_BYTES);
        streams.execute(() -> {
            try {
                String kind = on(artifact, ops -> ops.streamTo(key(artifact), sink));
                sink.flush();
                sink.awaitReady();
                // Argo discards data in the is_end message, so it is always sent empty.
                observer.onNext(OpenStreamResponse.newBuilder().setIsEnd(true).build());
                observer.onCompleted();
                call.succeeded(sink.bytesSent(), Map.of("kind", kind));
            } catch (Throwable t) {
                if (sink.cancelled()) {
                    call.cancelled(sink.bytesSent());
                    return;
                }
                String message = call.failed(t);
                Status status = t instanceof ArtifactNotFoundException
                        ? Status.NOT_FOUND
                        : t instanceof ConfigurationException || t instanceof ArtifactException
                                ? Status.INVALID_ARGUMENT
                                : Status.INTERNAL;
                try {
                    observer.onError(status.withDescription(message).asRuntimeException());
                } catch (IllegalStateException alreadyClosed) {
                    // The call ended meanwhile; nothing left to tell the caller.
                }
            }
        });
    }

    @Override
    public StreamObserver<SaveStreamArtifactRequest> saveStream(StreamObserver<SaveArtifactResponse> observer) {
        return new StreamObserver<>() {
            private CallLog call;
            private DriverRuntime<?>.Use use;
            private AtomicWrite write;
            private OutputStream out;
            private long bytes;
            private boolean done;

            @Override
            public void onNext(SaveStreamArtifactRequest request) {
                if (done) {
                    return;
                }
                try {
                    if (write == null) {
                        if (!request.hasOutputArtifact()) {
                            call = new CallLog("save-stream", Artifact.getDefaultInstance());
                            throw new ArtifactException("the first SaveStream message must carry output_artifact");
                        }
                        Artifact artifact = request.getOutputArtifact();
                        call = new CallLog("save-stream", artifact);
                        use = use(artifact);
                        write = use.operations().startStreamingSave(key(artifact));
                        out = write.stream();
                    }
                    if (!request.getChunk().isEmpty()) {
                        request.getChunk().writeTo(out);
                        bytes += request.getChunk().size();
                    }
                } catch (Throwable t) {
                    fail(t);
                }
            }

            @Override
            public void onError(Throwable t) {
                // The client went away (or cancelled): abort, leaving nothing under the key.
                abort();
                if (call != null && !done) {
                    call.cancelled(bytes);
                }
                done = true;
            }

            @Override
            public void onCompleted() {
                if (done) {
                    return;
                }
                try {
                    if (write == null) {
                        call = new CallLog("save-stream", Artifact.getDefaultInstance());
                        throw new ArtifactException("the SaveStream carried no output_artifact");
                    }
                    out.close();
                    write.commit();
                    write.close();
                    use.close();
                    call.succeeded(bytes, Map.of());
                    done = true;
                    observer.onNext(
                            SaveArtifactResponse.newBuilder().setSuccess(true).build());
                    observer.onCompleted();
                } catch (Throwable t) {
                    fail(t);
                }
            }

            // Replies at once, so the client's next Send sees EOF and CloseAndRecv reads this error. */
            private void fail(Throwable t) {
                abort();
                done = true;
                observer.onNext(SaveArtifactResponse.newBuilder()
                        .setSuccess(false)
                        .setError(call.failed(t))
                        .build());
                observer.onCompleted();
            }

            private void abort() {
                if (write != null) {
                    try {
                        write.close();
                    } catch (IOException | RuntimeException ignored) {
                        // Best effort: the storage's own cleanup already ran or will time out.
                    }
                }
                if (use != null) {
                    use.close();
                }
            }
        };
    }

    void shutdown() {
        streams.shutdownNow();
    }
}
