package dev.argoartifact.common.server;

import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.config.ConfigurationBinder;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.semantics.ArtifactException;
import dev.argoartifact.common.semantics.ArtifactOperations;
import dev.argoartifact.common.semantics.TransferMemory;
import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.storage.ArtifactStorage;
import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One driver with its configuration binder and a cache of connected storages, one per distinct
 * configuration string (parsing and connecting once, not per call: Argo opens a new connection for
 * every operation and the Argo Server calls IsDirectory on every artifact view).
 */
public final class DriverRuntime<C> implements Closeable {
  /** Workflows use few distinct configurations; this bounds memory if one varies per artifact. */
  private static final int MAX_CACHED = 64;

  private final ArtifactDriver<C> driver;
  private final ConfigurationBinder<C> binder;
  private final SecretResolver secrets;
  private final Map<String, ArtifactOperations> cache = new LinkedHashMap<>(16, 0.75f, true);
  private final List<ArtifactStorage> evicted = new ArrayList<>();
  /** One budget for the process: concurrent calls (the Argo Server's UI) share the heap too. */
  private final TransferMemory memory = TransferMemory.ofHeap();

  public DriverRuntime(ArtifactDriver<C> driver, String operatorDefaults, SecretResolver secrets) {
    this.driver = driver;
    this.binder = new ConfigurationBinder<>(driver.configurationType(), operatorDefaults);
    this.secrets = secrets;
  }

  public ArtifactDriver<C> driver() {
    return driver;
  }

  /** The heap every transfer in flight shares. */
  public TransferMemory transferMemory() {
    return memory;
  }

  /** Readies the configuration binder off the first call's path; see {@link ConfigurationBinder#warmUp()}. */
  public void warmUp() {
    binder.warmUp();
  }

  /** Binds and validates a configuration string without contacting storage. */
  public C configuration(String configuration) {
    return binder.bind(configuration);
  }

  /** The operations for a configuration string, connecting its storage on first use. */
  public ArtifactOperations operations(String configuration) {
    synchronized (cache) {
      ArtifactOperations cached = cache.get(configuration);
      if (cached != null) {
        return cached;
      }
    }
    C config = binder.bind(configuration);
    ArtifactStorage storage;
    try {
      storage = driver.open(config, secrets);
    } catch (ConfigurationException | ArtifactException e) {
      throw e;
    } catch (IOException e) {
      throw new ArtifactException("cannot connect to the " + driver.name() + " storage: " + e.getMessage(), e);
    }
    ArtifactOperations operations = new ArtifactOperations(storage, driver.transferSettings(config), memory);
    synchronized (cache) {
      ArtifactOperations raced = cache.get(configuration);
      if (raced != null) {
        evicted.add(storage);
        return raced;
      }
      cache.put(configuration, operations);
      if (cache.size() > MAX_CACHED) {
        var eldest = cache.entrySet().iterator().next();
        // Not closed now: a call may still be using it. Closed at shutdown.
        evicted.add(eldest.getValue().storage());
        cache.remove(eldest.getKey());
      }
    }
    return operations;
  }

  @Override
  public void close() {
    List<ArtifactStorage> all = new ArrayList<>();
    synchronized (cache) {
      cache.values().forEach(ops -> all.add(ops.storage()));
      all.addAll(evicted);
      cache.clear();
      evicted.clear();
    }
    for (ArtifactStorage storage : all) {
      try {
        storage.close();
      } catch (IOException | RuntimeException ignored) {
        // Shutting down: nothing useful to do with a failed close.
      }
    }
  }
}
