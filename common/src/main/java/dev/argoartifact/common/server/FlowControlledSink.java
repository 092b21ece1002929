package dev.argoartifact.common.server;

import com.google.protobuf.ByteString;
import dev.argoartifact.proto.OpenStreamResponse;
import io.grpc.stub.ServerCallStreamObserver;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;

/**
 * An OutputStream that sends OpenStream data messages of at most {@code chunkSize} bytes, and
 * only when the transport is ready for more, so a 1 GiB stream holds at most a few chunks in
 * memory. Writing fails as soon as the caller cancels, which stops reading from storage.
 */
final class FlowControlledSink extends OutputStream {
    static final class CancelledException extends InterruptedIOException {
        private static final long serialVersionUID = 1L;

        CancelledException() {
            super("the caller cancelled the stream");
        }
    }

    private final ServerCallStreamObserver<OpenStreamResponse> observer;
    private final byte[] buffer;
    private final Object lock = new Object();
    private int filled;
    private long sent;
    private volatile boolean cancelled;

    FlowControlledSink(ServerCallStreamObserver<OpenStreamResponse> observer, int chunkSize) {
        this.observer = observer;
        this.buffer = new byte[chunkSize];
        observer.setOnReadyHandler(this::wake);
        observer.setOnCancelHandler(() -> {
            cancelled = true;
            wake();
        });
    }

    private void wake() {
        synchronized (lock) {
            lock.notifyAll();
        }
    }

    boolean cancelled() {
        return cancelled;
    }

    long bytesSent() {
        return sent;
    }

    @Override
    public void write(int b) throws IOException {
        if (filled == buffer.length) {
            sendBuffer();
        }
        buffer[filled++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        while (len > 0) {
            if (filled == buffer.length) {
                sendBuffer();
            }
            int n = Math.min(len, buffer.length - filled);
            System.arraycopy(b, off, buffer, filled, n);
            filled += n;
            off += n;
            len -= n;
        }
    }

    /** Sends what is buffered; the final is_end message is sent by the caller, always empty. */
    @Override
    public void flush() throws IOException {
        if (filled > 0) {
            sendBuffer();
        }
    }

    private void sendBuffer() throws IOException {
        awaitReady();
        observer.onNext(OpenStreamResponse.newBuilder()
                .setData(ByteString.copyFrom(buffer, 0, filled))
                .build());
        sent += filled;
        filled = 0;
    }

    void awaitReady() throws IOException {
        synchronized (lock) {
            while (!observer.isReady() && !cancelled) {
                try {
                    lock.wait(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while streaming");
                }
            }
        }
        if (cancelled || observer.isCancelled()) {
            cancelled = true;
            throw new CancelledException();
        }
    }
}
