package dev.argoartifact.common.pool;

import dev.argoartifact.common.failure.SdkFailure;
import dev.argoartifact.common.failure.StorageException;
import java.io.Closeable;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * A few sessions to a server (SSH connections, say), each multiplexing a bounded number of channels
 * (SFTP channels), shared by the transfers of a configuration. Channels are spread over the
 * sessions, a new session opening while every open one is busy: one connection's window and
 * cipher thread then do not cap a directory transfer. A session that dropped is replaced at the
 * next lease; when all are left idle they are closed, so connections last about as long as the
 * operations that use them. A channel left idle a few seconds is closed before its session:
 * channels hold buffers (JSch's, 2 MiB each), and a configuration that moved 64 files at once
 * should not keep 64 channels' worth of heap while the next one runs.
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

    /** A channel given back, and since when (System.nanoTime). */
    private record Parked<C>(C channel, long since) {}

    /** One session, its idle channels (the last given back on top) and how many of its channels are leased. */
    private final class Connection {
        final S session;
        final Deque<Parked<C>> idle = new ArrayDeque<>();
        int leased;

        Connection(S session) {
            this.session = session;
        }
    }

    /** Sessions all left idle this long are closed: connections last about as long as operations. */
    static final Duration IDLE_CLOSE = Duration.ofSeconds(30);

    /** Channels left idle this long are closed, their sessions kept: reopening one costs a round trip or two. */
    static final Duration CHANNEL_IDLE_CLOSE = Duration.ofSeconds(3);

    private final Connector<S, C> connector;
    private final String sessionsField;
    private final int maxSessions;
    private final int channelsPerSession;
    private final Semaphore permits;
    private final List<Connection> connections = new ArrayList<>();
    private final ScheduledExecutorService reaper;
    private final long idleCloseNanos;
    private final long channelIdleCloseNanos;
    private int connecting;
    private long lastUsedNanos = System.nanoTime();
    private boolean closed;

    /**
     * @param name names the pool's thread
     * @param sessionsField the configuration field that sets {@code maxSessions}, named when the server refuses one
     */
    public ChannelPool(
            String name, String sessionsField, int maxSessions, int channelsPerSession, Connector<S, C> connector) {
        this(name, sessionsField, maxSessions, channelsPerSession, connector, CHANNEL_IDLE_CLOSE, IDLE_CLOSE);
    }

    /** With other idle times, for tests. */
    ChannelPool(
            String name,
            String sessionsField,
            int maxSessions,
            int channelsPerSession,
            Connector<S, C> connector,
            Duration channelIdleClose,
            Duration idleClose) {
        this.connector = connector;
        this.sessionsField = sessionsField;
        this.maxSessions = maxSessions;
        this.channelsPerSession = channelsPerSession;
        this.permits = new Semaphore(maxSessions * channelsPerSession, true);
        this.idleCloseNanos = idleClose.toNanos();
        this.channelIdleCloseNanos = channelIdleClose.toNanos();
        this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-idle");
            t.setDaemon(true);
            return t;
        });
        long check = Math.max(10, Math.min(channelIdleClose.toMillis(), idleClose.toMillis()) / 3);
        var unused = reaper.scheduleWithFixedDelay(this::closeIfIdle, check, check, TimeUnit.MILLISECONDS);
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
            return channel();
        } catch (IOException | RuntimeException e) {
            permits.release();
            throw e;
        }
    }

    private Lease channel() throws IOException {
        Connection target = null;
        int alreadyOpen = 0;
        synchronized (this) {
            while (target == null) {
                if (closed) {
                    throw new IOException("the connection is closed");
                }
                connections.removeIf(this::closeIfDropped);
                Connection least = null;
                for (Connection c : connections) {
                    if (c.leased < channelsPerSession && (least == null || c.leased < least.leased)) {
                        least = c;
                    }
                }
                if (connections.size() + connecting < maxSessions && (least == null || least.leased > 0)) {
                    connecting++;
                    alreadyOpen = connections.size();
                    break;
                }
                if (least == null) {
                    try {
                        wait(); // the free capacity is on a session being connected
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new InterruptedIOException("interrupted while waiting for a connection");
                    }
                    continue;
                }
                least.leased++;
                while (!least.idle.isEmpty()) {
                    C channel = least.idle.pop().channel();
                    if (connector.isChannelOpen(channel)) {
                        return new Lease(least, channel);
                    }
                    connector.closeChannel(channel);
                }
                target = least;
            }
        }
        if (target == null) {
            target = connect(alreadyOpen);
        }
        try {
            return new Lease(target, connector.openChannel(target.session));
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                target.leased--;
                notifyAll();
            }
            throw e;
        }
    }

    /** Connects a session, outside the lock so that other leases go on meanwhile; one channel is leased on it. */
    private Connection connect(int alreadyOpen) throws IOException {
        S session;
        try {
            session = connector.connect();
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                connecting--;
                notifyAll();
            }
            if (alreadyOpen > 0 && e instanceof StorageException refused) {
                throw new StorageException(
                        refused.getMessage() + " (with " + alreadyOpen + " already open: lower '" + sessionsField
                                + "' if the server limits connections per user)",
                        refused.getCause(),
                        refused.failure());
            }
            throw e;
        }
        synchronized (this) {
            connecting--;
            notifyAll();
            if (closed) {
                connector.closeSession(session);
                throw new IOException("the connection is closed");
            }
            Connection made = new Connection(session);
            made.leased++;
            connections.add(made);
            return made;
        }
    }

    private boolean closeIfDropped(Connection c) {
        if (connector.isSessionOpen(c.session)) {
            return false;
        }
        c.idle.forEach(p -> connector.closeChannel(p.channel()));
        c.idle.clear();
        connector.closeSession(c.session);
        return true;
    }

    private synchronized void release(Connection from, C channel) {
        from.leased--;
        lastUsedNanos = System.nanoTime();
        if (!closed
                && connections.contains(from)
                && connector.isChannelOpen(channel)
                && connector.isSessionOpen(from.session)) {
            from.idle.push(new Parked<>(channel, System.nanoTime()));
        } else {
            connector.closeChannel(channel);
        }
        notifyAll();
        permits.release();
    }

    private synchronized void closeIfIdle() {
        long now = System.nanoTime();
        boolean busy = connecting > 0 || connections.stream().anyMatch(c -> c.leased > 0);
        if (!connections.isEmpty() && !busy && now - lastUsedNanos > idleCloseNanos) {
            closeAll();
            return;
        }
        for (Connection c : connections) {
            c.idle.removeIf(p -> {
                boolean stale = now - p.since() > channelIdleCloseNanos;
                if (stale) {
                    connector.closeChannel(p.channel());
                }
                return stale;
            });
        }
    }

    private void closeAll() {
        for (Connection c : connections) {
            c.idle.forEach(p -> connector.closeChannel(p.channel()));
            c.idle.clear();
            connector.closeSession(c.session);
        }
        connections.clear();
    }

    /** Work done on a leased channel; the SDK's checked exceptions arrive as {@link SdkFailure}s. */
    @FunctionalInterface
    public interface ChannelWork<C, T> {
        T run(C channel) throws Exception;
    }

    /** Work done on a leased channel that returns nothing. */
    @FunctionalInterface
    public interface ChannelAction<C> {
        void run(C channel) throws Exception;
    }

    /** Runs {@code work} on a channel leased for its duration. */
    public <T> T withChannel(ChannelWork<C, T> work) throws IOException {
        try (Lease lease = lease()) {
            return run(work, lease.channel());
        }
    }

    /** Runs {@code action} on a channel leased for its duration. */
    public void onChannel(ChannelAction<C> action) throws IOException {
        withChannel(channel -> {
            action.run(channel);
            return null;
        });
    }

    private static <C, T> T run(ChannelWork<C, T> work, C channel) throws IOException {
        try {
            return work.run(channel);
        } catch (IOException | RuntimeException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        } catch (Exception e) {
            throw new SdkFailure(e);
        }
    }

    /** Opens a stream on a leased channel, which stays leased until the stream is closed. */
    public InputStream input(ChannelWork<C, InputStream> open) throws IOException {
        Lease lease = lease();
        try {
            return new FilterInputStream(run(open, lease.channel())) {
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
            return new FilterOutputStream(run(open, lease.channel())) {
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

    /** Whether a session is gone: a failure that just happened was a connection's. */
    public synchronized boolean dropped() {
        return connections.isEmpty() || connections.stream().anyMatch(c -> !connector.isSessionOpen(c.session));
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
        private final Connection from;
        private final C channel;
        private boolean released;

        private Lease(Connection from, C channel) {
            this.from = from;
            this.channel = channel;
        }

        public C channel() {
            return channel;
        }

        @Override
        public void close() {
            if (!released) {
                released = true;
                release(from, channel);
            }
        }
    }
}
