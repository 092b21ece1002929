package dev.argoartifact.common.semantics;

import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.AtomicWrite;
import dev.argoartifact.common.storage.ObjectInfo;
import dev.argoartifact.common.storage.ObjectNotFoundException;
import dev.argoartifact.common.storage.StorageCapability;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * An object store in memory for unit tests of the shared semantics: it lets tests inject
 * failures and names no real backend would produce on request. Drivers are tested against real
 * servers through the conformance suite instead.
 */
class MemoryStorage implements ArtifactStorage {
  final ConcurrentSkipListMap<String, byte[]> objects = new ConcurrentSkipListMap<>();
  private final Set<StorageCapability> capabilities;

  MemoryStorage(StorageCapability... capabilities) {
    this.capabilities = capabilities.length == 0 ? EnumSet.noneOf(StorageCapability.class) : EnumSet.copyOf(Arrays.asList(capabilities));
  }

  void put(String key, byte[] bytes) {
    objects.put(key, bytes);
  }

  @Override
  public Optional<ObjectInfo> stat(String key) {
    byte[] b = objects.get(key);
    return b == null ? Optional.empty() : Optional.of(new ObjectInfo(key, b.length));
  }

  @Override
  public void list(String prefix, ObjectVisitor visitor) throws IOException {
    for (Map.Entry<String, byte[]> e : objects.tailMap(prefix).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      if (!visitor.visit(new ObjectInfo(e.getKey(), e.getValue().length))) {
        return;
      }
    }
  }

  @Override
  public InputStream openRead(String key) throws IOException {
    byte[] b = objects.get(key);
    if (b == null) {
      throw new ObjectNotFoundException(key);
    }
    return new ByteArrayInputStream(b);
  }

  @Override
  public InputStream openRead(String key, long offset, long length) throws IOException {
    if (!capabilities.contains(StorageCapability.RANGED_READ)) {
      return ArtifactStorage.super.openRead(key, offset, length);
    }
    byte[] b = objects.get(key);
    if (b == null) {
      throw new ObjectNotFoundException(key);
    }
    return new ByteArrayInputStream(b, (int) offset, (int) Math.min(length, b.length - offset));
  }

  @Override
  public AtomicWrite startWrite(String key) {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    return new AtomicWrite() {
      @Override
      public OutputStream stream() {
        return buffer;
      }

      @Override
      public void commit() {
        objects.put(key, buffer.toByteArray());
      }

      @Override
      public void close() {}
    };
  }

  @Override
  public void delete(String key) {
    objects.remove(key);
  }

  @Override
  public void deleteBatch(Collection<String> keys) throws IOException {
    if (!capabilities.contains(StorageCapability.BATCH_DELETE)) {
      ArtifactStorage.super.deleteBatch(keys);
    }
    keys.forEach(objects::remove);
  }

  @Override
  public int maxBatchDeleteSize() {
    return 3;
  }

  @Override
  public Set<StorageCapability> capabilities() {
    return capabilities;
  }
}
