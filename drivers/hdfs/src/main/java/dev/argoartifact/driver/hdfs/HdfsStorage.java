package dev.argoartifact.driver.hdfs;

import dev.argoartifact.common.config.BasePath;
import dev.argoartifact.common.semantics.ArtifactException;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.AtomicWrite;
import dev.argoartifact.common.storage.ObjectInfo;
import dev.argoartifact.common.storage.ObjectNotFoundException;
import dev.argoartifact.common.storage.StagedWrites;
import dev.argoartifact.common.storage.StorageCapability;
import dev.argoartifact.common.storage.StorageException;
import dev.argoartifact.common.storage.TransientFailures;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.ParentNotDirectoryException;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.BlockMissingException;
import org.apache.hadoop.hdfs.DistributedFileSystem;
import org.apache.hadoop.hdfs.client.HdfsClientConfigKeys;
import org.apache.hadoop.ipc.RemoteException;
import org.apache.hadoop.ipc.RetriableException;
import org.apache.hadoop.ipc.StandbyException;
import org.apache.hadoop.security.AccessControlException;

/**
 * Keys are files under {@code basePath} in real HDFS directories. A write goes to a file in
 * {@value StagedWrites#DIRECTORY} under {@code basePath} and is renamed over the target with
 * HDFS's atomic overwriting rename, so readers never see a partial file; an aborted write deletes
 * its file, and one a dead writer left is removed later.
 */
final class HdfsStorage implements ArtifactStorage, StagedWrites {
  /** Temporary names of Hadoop's own shell ({@code hdfs dfs -put}); never listed. */
  static final String COPYING_SUFFIX = "._COPYING_";
  /** Shared by every user that writes under the base, like /tmp: anyone may add, only owners remove. */
  private static final FsPermission STAGING_PERMISSION = new FsPermission((short) 01777);

  private final DistributedFileSystem fs;
  private final HadoopLogin.Identity identity;
  private final String base;
  private final String location;
  private final int bufferSize;
  private volatile boolean stagingReady;

  HdfsStorage(DistributedFileSystem fs, HadoopLogin.Identity identity, String basePath) {
    this.fs = fs;
    this.identity = identity;
    this.base = basePath;
    this.location = fs.getUri().toString();
    this.bufferSize = 1 << 20;
  }

  private Path path(String key) {
    return new Path(BasePath.resolve(base, key));
  }

  private Path staging() {
    return path(StagedWrites.DIRECTORY);
  }

  /** Creates the staging directory once, open to every user that writes here (see STAGING_PERMISSION). */
  private void prepareStaging() throws IOException {
    if (!stagingReady) {
      if (!fs.exists(staging())) {
        FileSystem.mkdirs(fs, staging(), STAGING_PERMISSION);
      }
      stagingReady = true;
    }
  }

  private Path directory(String prefix) {
    return prefix.isEmpty() ? new Path(base) : path(prefix.substring(0, prefix.length() - 1));
  }

  @FunctionalInterface
  private interface HdfsCall<T> {
    T run() throws IOException;
  }

  /** Runs a NameNode call as the configured identity and turns its failure into one clear line. */
  private <T> T call(String what, Path path, HdfsCall<T> call) throws IOException {
    try {
      return identity.run(call::run);
    } catch (ObjectNotFoundException | StorageException | ArtifactException e) {
      throw e;
    } catch (IOException e) {
      throw failure(what, path, e);
    }
  }

  /** One line naming the operation, path and cluster; transient when a retry can help. */
  IOException failure(String what, Path path, IOException e) {
    IOException cause = e instanceof RemoteException remote
        ? remote.unwrapRemoteException(AccessControlException.class, FileNotFoundException.class,
            FileAlreadyExistsException.class, ParentNotDirectoryException.class, StandbyException.class,
            RetriableException.class)
        : e;
    String where = " '" + path + "' on " + location;
    if (cause instanceof AccessControlException) {
      return new StorageException(what + where + ": permission denied (" + firstLine(cause) + ")", e, false);
    }
    if (cause instanceof FileNotFoundException) {
      return new StorageException(what + where + ": no such file or directory", e, false);
    }
    if (cause instanceof ParentNotDirectoryException || cause instanceof FileAlreadyExistsException) {
      return new StorageException(what + where + ": a file stands where a directory is needed "
          + "(an artifact key is used both as a file and as a directory)", e, false);
    }
    if (e instanceof InterruptedIOException && !(e instanceof java.net.SocketTimeoutException)) {
      return new StorageException(what + where + " was interrupted", e, false);
    }
    boolean transientFailure = isTransientCause(cause) || isTransientCause(e);
    return new StorageException(what + where + " failed: " + firstLine(cause), e, transientFailure);
  }

  /** NameNode failover or safe mode, DataNode loss, timeouts and dropped connections. */
  private static boolean isTransientCause(Throwable t) {
    if (t instanceof StandbyException || t instanceof RetriableException || t instanceof BlockMissingException
        || t instanceof EOFException || TransientFailures.isNetworkFailure(t)) {
      return true;
    }
    if (t instanceof RemoteException remote) {
      String cls = remote.getClassName();
      return cls.endsWith("SafeModeException") || cls.endsWith("StandbyException") || cls.endsWith("RetriableException")
          || cls.endsWith("NotReplicatedYetException");
    }
    String message = t.getMessage();
    // DataNode pipeline failures have no exception type of their own.
    return message != null && (message.contains("All datanodes") || message.contains("Could not obtain block")
        || message.contains("could only be written to 0") || message.contains("Unable to create new block"));
  }

  private static String firstLine(Throwable t) {
    String m = t instanceof RemoteException r ? r.getLocalizedMessage() : t.getMessage();
    if (m == null || m.isBlank()) {
      return t.getClass().getSimpleName();
    }
    int newline = m.indexOf('\n');
    return newline < 0 ? m : m.substring(0, newline);
  }

  private static boolean inProgress(String name) {
    return name.endsWith(COPYING_SUFFIX);
  }

  // ------------------------------------------------------------------ reads

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    Path p = path(key);
    return call("stat", p, () -> {
      try {
        FileStatus status = fs.getFileStatus(p);
        return status.isFile() ? Optional.of(new ObjectInfo(key, status.getLen())) : Optional.empty();
      } catch (FileNotFoundException | ParentNotDirectoryException missing) {
        return Optional.empty();
      } catch (RemoteException e) {
        if (e.unwrapRemoteException(ParentNotDirectoryException.class) instanceof ParentNotDirectoryException) {
          return Optional.empty(); // a file stands where a parent directory would be
        }
        throw e;
      }
    });
  }

  @Override
  public void list(String prefix, ObjectVisitor visitor) throws IOException {
    Path dir = directory(prefix);
    call("list", dir, () -> {
      try {
        if (!fs.getFileStatus(dir).isDirectory()) {
          return null;
        }
      } catch (FileNotFoundException missing) {
        return null;
      }
      walk(dir, prefix, visitor);
      return null;
    });
  }

  /** Depth-first over batched listings (no per-file RPC); false when the visitor asked to stop. */
  private boolean walk(Path dir, String keyPrefix, ObjectVisitor visitor) throws IOException {
    RemoteIterator<FileStatus> entries;
    try {
      entries = fs.listStatusIterator(dir);
    } catch (FileNotFoundException deletedMeanwhile) {
      return true;
    }
    boolean atBase = keyPrefix.isEmpty();
    while (entries.hasNext()) {
      FileStatus entry = entries.next();
      String name = entry.getPath().getName();
      if (atBase && name.equals(StagedWrites.DIRECTORY)) {
        continue; // writes in progress are no objects
      }
      if (entry.isDirectory()) {
        if (!walk(entry.getPath(), keyPrefix + name + "/", visitor)) {
          return false;
        }
      } else if (entry.isFile() && !inProgress(name)) {
        if (!visitor.visit(new ObjectInfo(keyPrefix + name, entry.getLen()))) {
          return false;
        }
      }
    }
    return true;
  }

  /**
   * No RANGED_READ: one HDFS stream already reads ahead block by block, and measured against
   * parallel 16 MiB ranges it loads a 1 GiB file about twice as fast (docs/benchmarks.md).
   */
  @Override
  public InputStream openRead(String key) throws IOException {
    Path p = path(key);
    FSDataInputStream in = call("read", p, () -> {
      try {
        if (!fs.getFileStatus(p).isFile()) {
          throw new ObjectNotFoundException(key);
        }
        return fs.open(p, bufferSize);
      } catch (FileNotFoundException e) {
        throw new ObjectNotFoundException(key);
      }
    });
    return new ReadStream(in, p);
  }

  /** Failures while reading name the file and say whether a retry can help. */
  private final class ReadStream extends FilterInputStream {
    private final Path path;

    ReadStream(InputStream in, Path path) {
      super(in);
      this.path = path;
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        throw failure("read", path, e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        throw failure("read", path, e);
      }
    }
  }

  // ------------------------------------------------------------------ writes

  @Override
  public AtomicWrite startWrite(String key) throws IOException {
    Path target = path(key);
    if (inProgress(target.getName())) {
      throw new ArtifactException("key '" + key + "' ends with '" + COPYING_SUFFIX
          + "', which the hdfs driver reserves for writes in progress");
    }
    Path temp = new Path(staging(), UUID.randomUUID().toString());
    FSDataOutputStream out = call("write", target, () -> {
      ensureNoFileOnTheWay(target);
      prepareStaging();
      // overwrite=false: the name is fresh; a staging directory removed since is created again.
      return fs.create(temp, false, bufferSize);
    });
    return new AtomicWrite() {
      private boolean committed;
      private boolean closed;

      @Override
      public OutputStream stream() {
        return new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
          }

          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            try {
              out.write(b, off, len);
            } catch (IOException e) {
              throw failure("write", target, e);
            }
          }

          @Override
          public void flush() {
            // hflush per chunk would cost a DataNode round trip each; the commit closes the file.
          }

          @Override
          public void close() {
            // Closing the file completes it on the NameNode: that is part of the commit.
          }
        };
      }

      @Override
      public void commit() throws IOException {
        try {
          out.close();
        } catch (IOException e) {
          throw failure("write", target, e);
        }
        call("write", target, () -> {
          publish(temp, target, key);
          return null;
        });
        committed = true;
      }

      @Override
      public void close() throws IOException {
        if (closed) {
          return;
        }
        closed = true;
        if (!committed) {
          try {
            out.close();
          } catch (IOException ignored) {
            // A dead DataNode pipeline cannot finish the file; it is deleted below regardless.
          }
          discard(temp);
        }
      }
    };
  }

  /** A clear error before writing when a path component of the key is a file. */
  private void ensureNoFileOnTheWay(Path target) throws IOException {
    for (Path p = target.getParent(); p != null && p.depth() > new Path(base).depth(); p = p.getParent()) {
      try {
        if (fs.getFileStatus(p).isFile()) {
          throw new ArtifactException("cannot store '" + target + "' on " + location + ": '" + p
              + "' is a file (an artifact key is used both as a file and as a directory)");
        }
        return; // the nearest existing ancestor is a directory
      } catch (FileNotFoundException missing) {
        // keep walking up
      }
    }
  }

  /** Atomically replaces the target with the finished temporary file. */
  @SuppressWarnings("deprecation") // DistributedFileSystem's overwriting rename is public and atomic
  private void publish(Path temp, Path target, String key) throws IOException {
    try {
      fs.mkdirs(target.getParent());
      fs.rename(temp, target, Options.Rename.OVERWRITE);
    } catch (IOException e) {
      FileStatus existing = null;
      try {
        existing = fs.getFileStatus(target);
      } catch (IOException ignored) {
        // Report the rename failure itself.
      }
      discard(temp);
      if (existing != null && existing.isDirectory()) {
        throw new ArtifactException("cannot store a file at '" + target + "' on " + location
            + ": a directory of artifacts already exists there (key '" + key + "')");
      }
      throw e;
    }
  }

  private void discard(Path temp) {
    try {
      identity.run(() -> fs.delete(temp, false));
    } catch (IOException ignored) {
      // The NameNode is unreachable; the lease expires and the name stays hidden from listings.
    }
  }

  // ------------------------------------------------------------------ deletes

  @Override
  public void delete(String key) throws IOException {
    Path p = path(key);
    call("delete", p, () -> {
      try {
        if (fs.getFileStatus(p).isFile()) {
          fs.delete(p, false);
        }
      } catch (FileNotFoundException missing) {
        // already gone
      } catch (RemoteException e) {
        if (!(e.unwrapRemoteException(ParentNotDirectoryException.class) instanceof ParentNotDirectoryException)) {
          throw e;
        }
      }
      return null;
    });
  }

  @Override
  public void deleteDirectory(String prefix) throws IOException {
    Path dir = directory(prefix);
    if (prefix.isEmpty()) {
      throw new ArtifactException("refusing to delete the whole basePath '" + base + "'");
    }
    call("delete", dir, () -> {
      try {
        if (fs.getFileStatus(dir).isDirectory()) {
          fs.delete(dir, true);
        }
      } catch (FileNotFoundException missing) {
        // already gone
      }
      return null;
    });
  }

  @Override
  public int removeStagedWritesOlderThan(Instant cutoff) throws IOException {
    return call("remove stale writes in", staging(), () -> {
      FileStatus[] entries;
      try {
        entries = fs.listStatus(staging());
      } catch (FileNotFoundException none) {
        return 0;
      }
      int removed = 0;
      for (FileStatus entry : entries) {
        if (entry.isFile() && entry.getModificationTime() < cutoff.toEpochMilli()) {
          try {
            removed += fs.delete(entry.getPath(), false) ? 1 : 0;
          } catch (AccessControlException | FileNotFoundException notOurs) {
            // another user's write (the sticky directory lets only its owner remove it), or gone
          }
        }
      }
      return removed;
    });
  }

  @Override
  public Set<StorageCapability> capabilities() {
    return EnumSet.of(StorageCapability.DIRECTORY_DELETE);
  }

  /**
   * A write queues up to max-packets-in-flight packets (80 of 64 KiB by default: about 5 MiB
   * each, 80 MiB for sixteen files, which ran a 256 MiB container's heap out), beside its copy
   * buffer. Read from the configuration, so hadoopConfig's tuning counts.
   */
  @Override
  public long heapBytesPerTransfer() {
    long packet = fs.getConf().getLong(HdfsClientConfigKeys.DFS_CLIENT_WRITE_PACKET_SIZE_KEY,
        HdfsClientConfigKeys.DFS_CLIENT_WRITE_PACKET_SIZE_DEFAULT);
    long packets = fs.getConf().getLong(HdfsClientConfigKeys.Write.MAX_PACKETS_IN_FLIGHT_KEY,
        HdfsClientConfigKeys.Write.MAX_PACKETS_IN_FLIGHT_DEFAULT);
    // A packet's buffer also holds its header and checksums (4 bytes per 512).
    return (packets + 1) * (packet + packet / 128 + 64) + bufferSize;
  }

  @Override
  public void close() throws IOException {
    try {
      fs.close();
    } finally {
      identity.close();
    }
  }
}
