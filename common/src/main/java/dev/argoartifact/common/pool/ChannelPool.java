package dev.argoartifact.common.pool;

import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One session to a server and a bounded pool of channels multiplexed on it (SFTP channels on one
 * SSH connection, say), shared by the transfers of a configuration. A session that dropped is
 * replaced at the next lease; one left idle is closed, so connections last about as long as the
 * operations that use them.
 *
 * @param <S> the session (one connection, authenticated once)
 * @param <C> a channel on it (one per concurrent call)
 */
public final class ChannelPool<S, C> implements Closeable {
    /** How sessions and channels are made and checked. */
    public interface Connector<S, C> {
        S connect() throws IOException;

        C openChannel(S session) throws IOException;

        boolean isSessionOpen(S session);

        boolean isChannelOpen(C channel);

        void closeChannel(C channel);

        void closeSession(S session);
    }

    private final Connector<S, C> connector;
    private final Semaphore permits;
    private final Deque<C> idle = new ArrayDeque<>();
    private final ScheduledExecutorService reaper;
    private final long idleCloseNanos;
    private S session;
    private int leased;
    private long lastUsedNanos = System.nanoTime();
    private boolean closed;

    public ChannelPool(String name, int maxChannels, Duration idleClose, Connector<S, C> connector) {
        this.connector = connector;
        this.permits = new Semaphore(maxChannels, true);
        this.idleCloseNanos = idleClose.toNanos();
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-idle");
            t.setDaemon(true);
            return t;
        });
        long check = Math.max(1, idleClose.toSeconds() / 6);
        var unused = reaper.scheduleWithFixedDelay(this::closeIfIdle, check, check, TimeUnit.SECONDS);
    }

    /** A channel for one thread, waiting while all are leased; give it back with {@link Lease#close()}. */
    public Lease lease() throws IOException {
        try {
            permits.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a channel");
        }
        try {
            return new Lease(channel());
        } catch (IOException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private C channel() throws IOException {
        S current;
        synchronized (this) {
            if (closed) {
                throw new IOException("the connection is closed");
            }
            while (!idle.isEmpty()) {
                C channel = idle.pop();
                if (connector.isChannelOpen(channel) && session != null && connector.isSessionOpen(session)) {
                    leased++;
                    return channel;
                }
                connector.closeChannel(channel);
            }
            if (session == null || !connector.isSessionOpen(session)) {
                session = connector.connect();
            }
            current = session;
            leased++;
        }
        try {
            return connector.openChannel(current);
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                leased--;
            }
            throw e;
        }
    }

    private synchronized void release(C channel) {
        leased--;
        lastUsedNanos = System.nanoTime();
        if (!closed && connector.isChannelOpen(channel) && session != null && connector.isSessionOpen(session)) {
            idle.push(channel);
        } else {
            connector.closeChannel(channel);
        }
        permits.release();
    }

    private synchronized void closeIfIdle() {
        if (session != null && leased == 0 && System.nanoTime() - lastUsedNanos > idleCloseNanos) {
            closeAll();
        }
    }

    private void closeAll() {
        idle.forEach(connector::closeChannel);
        idle.clear();
        if (session != null) {
            connector.closeSession(session);
            session = null;
        }
    }

    /** Work done on a leased channel. */
    @FunctionalInterface
    public interface ChannelWork<C, T> {
        T run(C channel) throws IOException;
    }

    /** Runs {@code work} on a channel leased for its duration. */
    public <T> T withChannel(ChannelWork<C, T> work) throws IOException {
        try (Lease lease = lease()) {
            return work.run(lease.channel());
        }
    }

    /** Opens a stream on a leased channel, which stays leased until the stream is closed. */
    public InputStream input(ChannelWork<C, InputStream> open) throws IOException {
        Lease lease = lease();
        try {
            return new FilterInputStream(open.run(lease.channel())) {
                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        lease.close();
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /** Opens a stream on a leased channel, which stays leased until the stream is closed. */
    public OutputStream output(ChannelWork<C, OutputStream> open) throws IOException {
        Lease lease = lease();
        try {
            return new FilterOutputStream(open.run(lease.channel())) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                }

                @Override
                public void close() throws IOException {
                    try {
                        super.close();
                    } finally {
                        lease.close();
                    }
                }
            };
        } catch (IOException | RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    /** Whether the session is gone: a failure that just happened was the connection's. */
    public synchronized boolean dropped() {
        return session == null || !connector.isSessionOpen(session);
    }

    @Override
    public void close() {
        reaper.shutdownNow();
        synchronized (this) {
            closed = true;
            closeAll();
        }
    }

    /** A leased channel; closing it gives it back. */
    public final class Lease implements Closeable {
        private final C channel;
        private boolean released;

        private Lease(C channel) {
            this.channel = channel;
        }

        public C channel() {
            return channel;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                release(channel);
            }
        }
    }
}
