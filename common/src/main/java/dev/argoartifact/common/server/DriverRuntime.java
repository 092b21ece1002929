package dev.argoartifact.common.server;

import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.config.ConfigurationBinder;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.config.Durations;
import dev.argoartifact.common.log.JsonLog;
import dev.argoartifact.common.operations.ArtifactException;
import dev.argoartifact.common.operations.ArtifactOperations;
import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.StagedWrites;
import dev.argoartifact.common.transfer.TransferMemory;
import dev.argoartifact.common.trust.TrustBoundary;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One driver behind its trust boundary, with a cache of connected storages, one per distinct
 * workflow configuration string (parsing and connecting once, not per call: Argo opens a new
 * connection for every operation and the Argo Server calls IsDirectory on every artifact view).
 */
public final class DriverRuntime<C> implements Closeable {
    /** Workflows use few distinct configurations; this bounds memory if one varies per artifact. */
    private static final int MAX_CACHED = 64;
    /** How long a staged write may go untouched before it counts as a dead writer's debris. */
    static final String STAGED_WRITE_AGE_ENV = "ARGO_ARTIFACT_STAGED_WRITE_MAX_AGE";

    static final Duration DEFAULT_STAGED_WRITE_AGE = Duration.ofHours(24);

    private final ArtifactDriver<C> driver;
    private final String operatorConfiguration;
    private volatile TrustBoundary<C> boundary;
    private volatile ConfigurationException operatorProblem;
    private final SecretResolver secrets;
    private final Map<String, Entry> cache = new LinkedHashMap<>(16, 0.75f, true);
    /** One budget for the process: concurrent calls (the Argo Server's UI) share the heap too. */
    private final TransferMemory memory = TransferMemory.ofHeap();

    private final Duration stagedWriteAge;
    private ScheduledExecutorService sweeper;

    /**
     * @param operatorConfiguration the operator's configuration (YAML), or null for none. It is read
     *     on first use ({@link #warmUp()} does that off the first call's path); one that cannot
     *     serve fails every call with its one-line reason, rather than stopping the driver, which
     *     Argo's executor would wait 120 s for and then report only as a missing socket.
     */
    public DriverRuntime(ArtifactDriver<C> driver, String operatorConfiguration, SecretResolver secrets) {
        this.driver = driver;
        this.operatorConfiguration = operatorConfiguration;
        this.secrets = secrets;
        Duration age = DEFAULT_STAGED_WRITE_AGE;
        try {
            age = stagedWriteAge(System.getenv(STAGED_WRITE_AGE_ENV));
        } catch (ConfigurationException e) {
            JsonLog.error(
                    "ignoring " + STAGED_WRITE_AGE_ENV,
                    Map.of("error", e.getMessage(), "using", Durations.format(age)));
        }
        this.stagedWriteAge = age;
    }

    public ArtifactDriver<C> driver() {
        return driver;
    }

    /**
     * The operator's configuration and policy, as every call crosses them; throws the operator
     * configuration's problem, every time, when it cannot serve.
     */
    public TrustBoundary<C> boundary() {
        TrustBoundary<C> b = boundary;
        if (b != null) {
            return b;
        }
        synchronized (this) {
            if (boundary == null && operatorProblem == null) {
                try {
                    boundary = new TrustBoundary<>(driver, operatorConfiguration);
                    JsonLog.info(
                            "operator's configuration read",
                            Map.of(
                                    "driver",
                                    driver.name(),
                                    "workflowsMaySet",
                                    String.join(", ", boundary.workflowFields())));
                } catch (ConfigurationException e) {
                    operatorProblem = e;
                    JsonLog.error(
                            "invalid operator configuration: every call fails until it is fixed",
                            Map.of("driver", driver.name(), "error", e.getMessage()));
                }
            }
            if (operatorProblem != null) {
                throw operatorProblem;
            }
            return boundary;
        }
    }

    /** The heap every transfer in flight shares. */
    public TransferMemory transferMemory() {
        return memory;
    }

    /**
     * Reads the operator's configuration and readies the binder off the first call's path (see
     * {@link ConfigurationBinder#warmUp()}), logging the operator configuration's problem if it has one.
     */
    public void warmUp() {
        try {
            boundary().bind("");
        } catch (RuntimeException expected) {
            // Only the work done before it mattered.
        }
    }

    /** Admits and binds a workflow's configuration string without contacting storage. */
    public C configuration(String configuration) {
        return boundary().bind(configuration);
    }

    /**
     * A call's hold on the storage of its configuration: the storage stays open until the last
     * call using it has closed its hold, even when the cache evicted it meanwhile.
     */
    public final class Use implements AutoCloseable {
        private final Entry entry;
        private boolean closed;

        private Use(Entry entry) {
            this.entry = entry;
        }

        public ArtifactOperations operations() {
            return entry.operations;
        }

        @Override
        public void close() {
            if (!closed) {
                closed = true;
                release(entry);
            }
        }
    }

    /** A cached storage, the calls using it, and its sweep. */
    private static final class Entry {
        final ArtifactOperations operations;
        int users;
        boolean evicted;
        ScheduledFuture<?> sweep;

        Entry(ArtifactOperations operations) {
            this.operations = operations;
        }
    }

    /** The operations for a workflow's configuration string, connecting its storage on first use; close the hold when done. */
    public Use use(String configuration) {
        synchronized (cache) {
            Entry cached = cache.get(configuration);
            if (cached != null) {
                cached.users++;
                return new Use(cached);
            }
        }
        TrustBoundary<C> trust = boundary();
        C config = trust.bind(configuration);
        ArtifactStorage storage;
        try {
            storage = driver.open(config, trust.guard(secrets));
        } catch (ConfigurationException | ArtifactException e) {
            throw e;
        } catch (IOException e) {
            throw new ArtifactException("cannot connect to the " + driver.name() + " storage: " + e.getMessage(), e);
        }
        Entry entry = new Entry(new ArtifactOperations(storage, driver.transferSettings(config), memory));
        Entry eldest = null;
        synchronized (cache) {
            Entry raced = cache.get(configuration);
            if (raced != null) {
                raced.users++;
                closeQuietly(storage);
                return new Use(raced);
            }
            entry.users = 1;
            cache.put(configuration, entry);
            if (cache.size() > MAX_CACHED) {
                var oldest = cache.entrySet().iterator().next();
                cache.remove(oldest.getKey());
                eldest = oldest.getValue();
                eldest.evicted = true;
            }
            if (storage instanceof StagedWrites staged) {
                entry.sweep = sweeper().scheduleWithFixedDelay(() -> sweep(staged), 0, 1, TimeUnit.HOURS);
            }
        }
        if (eldest != null) {
            release(eldest, 0);
        }
        return new Use(entry);
    }

    /** The operations of a configuration, for tools and tests: not held, so not for calls that may outlive an eviction. */
    public ArtifactOperations operations(String configuration) {
        try (Use use = use(configuration)) {
            return use.operations();
        }
    }

    private void release(Entry entry) {
        release(entry, 1);
    }

    /** An evicted storage closes when its last user is done. */
    private void release(Entry entry, int uses) {
        synchronized (cache) {
            entry.users -= uses;
            if (!entry.evicted || entry.users > 0) {
                return;
            }
            if (entry.sweep != null) {
                entry.sweep.cancel(false);
            }
        }
        closeQuietly(entry.operations.storage());
    }

    private static void closeQuietly(ArtifactStorage storage) {
        try {
            storage.close();
        } catch (IOException | RuntimeException e) {
            JsonLog.warn("cannot close a storage", Map.of("error", String.valueOf(e.getMessage())));
        }
    }

    /** The one thread that sweeps staging areas; made when a storage first has one. */
    private ScheduledExecutorService sweeper() {
        if (sweeper == null) {
            sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "staged-write-sweeper");
                t.setDaemon(true);
                return t;
            });
        }
        return sweeper;
    }

    /** Removes what dead writers left in a storage's staging area (now, then hourly while the driver runs). */
    private void sweep(StagedWrites staged) {
        try {
            int removed = staged.removeStagedWritesOlderThan(Instant.now().minus(stagedWriteAge));
            if (removed > 0) {
                JsonLog.info(
                        "removed staged writes of dead writers",
                        Map.of(
                                "driver",
                                driver.name(),
                                "removed",
                                removed,
                                "olderThan",
                                Durations.format(stagedWriteAge)));
            }
        } catch (IOException | RuntimeException e) {
            JsonLog.warn(
                    "cannot remove stale staged writes",
                    Map.of("driver", driver.name(), "error", String.valueOf(e.getMessage())));
        }
    }

    static Duration stagedWriteAge(String text) {
        if (text == null || text.isBlank()) {
            return DEFAULT_STAGED_WRITE_AGE;
        }
        Duration age = Durations.parse(STAGED_WRITE_AGE_ENV, text);
        if (age.compareTo(Duration.ofHours(1)) < 0) {
            throw new ConfigurationException(
                    null,
                    STAGED_WRITE_AGE_ENV + " must be at least 1h: a shorter age would remove"
                            + " writes still in progress");
        }
        return age;
    }

    /** At shutdown, after the server has let its calls finish: every storage, evicted ones still in use too. */
    @Override
    public void close() {
        List<Entry> all;
        synchronized (cache) {
            if (sweeper != null) {
                sweeper.shutdownNow();
            }
            all = new ArrayList<>(cache.values());
            cache.clear();
        }
        all.forEach(entry -> closeQuietly(entry.operations.storage()));
    }
}
