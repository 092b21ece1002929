package dev.argoartifact.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback TCP proxy that can cut every connection and refuse new ones, like a network that
 * drops or a service that goes away, while the server behind it keeps its state; and that can
 * delay every byte by a fixed time each way, like a backend a round trip away, without limiting
 * bandwidth (bytes in flight are not capped), so large transfers and small ones both stay meaningful.
 */
public final class TcpProxy implements AutoCloseable {
    private final ServerSocket listener;
    private final int targetPort;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean refusing = new AtomicBoolean();
    private final AtomicLong bytesUp = new AtomicLong();
    private final AtomicLong bytesDown = new AtomicLong();
    private final Thread acceptor;
    private final long delayNanos;

    public TcpProxy(int targetPort) throws IOException {
        this(targetPort, Duration.ZERO);
    }

    /** @param oneWayDelay added to every byte in each direction: half the round trip it makes */
    public TcpProxy(int targetPort, Duration oneWayDelay) throws IOException {
        this.targetPort = targetPort;
        this.delayNanos = oneWayDelay.toNanos();
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.acceptor = new Thread(this::acceptLoop, "tcp-proxy");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Bytes forwarded from clients to the server so far. */
    public long bytesUp() {
        return bytesUp.get();
    }

    /** Bytes forwarded from the server to clients so far. */
    public long bytesDown() {
        return bytesDown.get();
    }

    /** Cuts every open connection; while refusing, new ones are closed as soon as they arrive. */
    public void cut(boolean keepRefusing) {
        refusing.set(keepRefusing);
        for (Socket s : open) {
            closeQuietly(s);
        }
        open.clear();
    }

    public void restore() {
        refusing.set(false);
    }

    private void acceptLoop() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                if (refusing.get()) {
                    closeQuietly(client);
                    continue;
                }
                Socket server = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                // Each side already decided when to send; the proxy adds no Nagle delay of its own.
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
                open.add(client);
                open.add(server);
                pump(client, server, true);
                pump(server, client, false);
            } catch (IOException e) {
                if (listener.isClosed()) {
                    return;
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean upstream) {
        AtomicLong counter = upstream ? bytesUp : bytesDown;
        if (delayNanos == 0) {
            daemon("tcp-proxy-pump", () -> {
                byte[] buffer = new byte[64 * 1024];
                try (InputStream in = from.getInputStream();
                        OutputStream out = to.getOutputStream()) {
                    int n;
                    while ((n = in.read(buffer)) > 0) {
                        out.write(buffer, 0, n);
                        counter.addAndGet(n);
                    }
                } catch (IOException closed) {
                    // One side went away: close both.
                } finally {
                    closeBoth(from, to);
                }
            });
            return;
        }
        // Delayed: the reader stamps each chunk, the writer sends it when its time comes; the two
        // overlap, so the delay adds latency and no bandwidth limit.
        BlockingQueue<Chunk> queue = new LinkedBlockingQueue<>();
        daemon("tcp-proxy-read", () -> {
            byte[] buffer = new byte[64 * 1024];
            try (InputStream in = from.getInputStream()) {
                int n;
                while ((n = in.read(buffer)) > 0) {
                    queue.add(new Chunk(Arrays.copyOf(buffer, n), System.nanoTime() + delayNanos));
                }
            } catch (IOException closed) {
                // The end of this direction, delayed like its bytes.
            }
            queue.add(new Chunk(null, System.nanoTime() + delayNanos));
        });
        daemon("tcp-proxy-write", () -> {
            try (OutputStream out = to.getOutputStream()) {
                for (Chunk chunk = queue.take(); chunk.bytes() != null; chunk = queue.take()) {
                    long wait = chunk.due() - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    out.write(chunk.bytes());
                    counter.addAndGet(chunk.bytes().length);
                }
            } catch (IOException | InterruptedException closed) {
                // One side went away: close both.
            } finally {
                closeBoth(from, to);
            }
        });
    }

    /** Bytes read at one time, due for writing {@code delayNanos} later; null bytes end the stream. */
    private static final class Chunk {
        private final byte[] bytes;
        private final long due;

        Chunk(byte[] bytes, long due) {
            this.bytes = bytes;
            this.due = due;
        }

        byte[] bytes() {
            return bytes;
        }

        long due() {
            return due;
        }
    }

    private static void daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    private void closeBoth(Socket from, Socket to) {
        closeQuietly(from);
        closeQuietly(to);
        open.remove(from);
        open.remove(to);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // Already closed.
        }
    }

    @Override
    public void close() throws IOException {
        listener.close();
        cut(false);
    }
}
