package dev.argoartifact.driver.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.ChannelSftp.LsEntry;
import com.jcraft.jsch.ChannelSftp.LsEntrySelector;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
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
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keys are files under {@code basePath} on the server, in real directories. Uploads go to
 * {@value StagedWrites#DIRECTORY} under {@code basePath} and are renamed into place
 * (posix-rename@openssh.com when the server offers it, which JSch uses automatically; otherwise
 * remove-then-rename). Symbolic links on the server are never followed, so nothing outside
 * {@code basePath} is read, written or deleted.
 */
final class SftpStorage implements ArtifactStorage, StagedWrites {
  /** Temporary names that earlier versions gave uploads beside their targets; never listed. */
  static final String PARTIAL_PREFIX = ".argo-partial-";

  private final SftpConnection connection;
  private final String base;
  /** Directories known to be real (not symbolic links) under the base; cleared on reconnect. */
  private final Set<String> verifiedDirectories = ConcurrentHashMap.newKeySet();
  /** The session whose basePath was checked; each new one checks it again. */
  private volatile long verifiedSession = -1;
  /** Temporary files a dropped connection kept us from removing; removed at the next chance. */
  private final Set<String> orphans = ConcurrentHashMap.newKeySet();

  SftpStorage(SftpConnection connection, String basePath) {
    this.connection = connection;
    this.base = basePath;
  }

  private String remote(String key) {
    return BasePath.resolve(base, key);
  }

  private String staging() {
    return remote(StagedWrites.DIRECTORY);
  }

  /** A fresh name in the staging directory, which is created when missing. */
  private String stagedName(ChannelSftp ch) throws SftpException {
    makeDirectories(ch, staging());
    return staging() + "/" + UUID.randomUUID();
  }

  private static String parent(String path) {
    int slash = path.lastIndexOf('/');
    return slash <= 0 ? "/" : path.substring(0, slash);
  }

  private static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /**
   * JSch expands '*' and '?' in remote paths as globs (and treats '\\' as an escape): without
   * escaping, deleting key "out*" would delete every sibling starting with "out". Every path
   * handed to JSch goes through here.
   */
  static String literal(String path) {
    StringBuilder b = new StringBuilder(path.length() + 8);
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '*' || c == '?' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }

  private static boolean missing(SftpException e) {
    return e.id == ChannelSftp.SSH_FX_NO_SUCH_FILE;
  }

  /** Turns a JSch failure into one clear line, and says whether the connection was the cause. */
  private IOException failure(String what, String path, Exception e) {
    if (e instanceof SftpException s && missing(s)) {
      return new StorageException(what + " '" + path + "' on " + connection.endpoint() + ": no such file", e, false);
    }
    if (e instanceof SftpException s && s.id == ChannelSftp.SSH_FX_PERMISSION_DENIED) {
      return new StorageException(what + " '" + path + "' on " + connection.endpoint() + ": permission denied", e, false);
    }
    if (e instanceof StorageException known) {
      return known;
    }
    boolean dropped = connection.dropped() || TransientFailures.isNetworkFailure(e) || streamEnded(e)
        || (e instanceof SftpException s && (s.id == 6 || s.id == 7)); // NO_CONNECTION, CONNECTION_LOST
    String reason = e.getMessage() == null || e.getMessage().isBlank() ? e.getClass().getSimpleName() : e.getMessage();
    return new StorageException(what + " '" + path + "' on " + connection.endpoint() + " failed: "
        + (dropped ? "the connection was lost (" + reason + ")" : reason), e, dropped);
  }

  /**
   * JSch's ChannelSftp says "inputstream is closed" when the server's side of the channel ended
   * under a call: the connection went away, though the session may not know it yet (its reader
   * thread marks it disconnected a moment later).
   */
  private static boolean streamEnded(Exception e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IOException && "inputstream is closed".equals(t.getMessage())) {
        return true;
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ symbolic links

  /**
   * Checks that {@code dir} (under the base) is a real directory reached without symbolic links.
   * Returns false when it does not exist or is a file (nothing can be under it); a symbolic link
   * on the way is refused.
   */
  private boolean realDirectory(ChannelSftp ch, String dir) throws SftpException {
    if (dir.equals(base) || verifiedDirectories.contains(dir)) {
      return true;
    }
    if (!realDirectory(ch, parent(dir))) {
      return false;
    }
    SftpATTRS attrs;
    try {
      attrs = ch.lstat(literal(dir));
    } catch (SftpException e) {
      if (missing(e)) {
        return false;
      }
      throw e;
    }
    if (attrs.isLink()) {
      throw new ArtifactException("'" + dir + "' on " + connection.endpoint()
          + " is a symbolic link, which the sftp driver does not follow (it could lead outside basePath)");
    }
    if (!attrs.isDir()) {
      return false;
    }
    verifiedDirectories.add(dir);
    return true;
  }

  private void makeDirectories(ChannelSftp ch, String dir) throws SftpException {
    if (realDirectory(ch, dir)) {
      return;
    }
    makeDirectories(ch, parent(dir));
    try {
      ch.mkdir(literal(dir));
    } catch (SftpException e) {
      // Another transfer may have created it meanwhile; realDirectory says what is there now.
      if (!realDirectory(ch, dir)) {
        if (!missing(e)) {
          try {
            if (!ch.lstat(literal(dir)).isDir()) {
              throw new ArtifactException("cannot create directory '" + dir + "' on " + connection.endpoint()
                  + ": a file of that name exists (an artifact key is used both as a file and as a directory)");
            }
          } catch (SftpException ignored) {
            // Fall through to the original failure.
          }
        }
        throw e;
      }
    }
    verifiedDirectories.add(dir);
  }

  // ------------------------------------------------------------------ reads

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    String path = remote(key);
    try (SftpConnection.Lease lease = lease()) {
      ChannelSftp ch = lease.channel();
      if (!realDirectory(ch, parent(path))) {
        return Optional.empty();
      }
      SftpATTRS attrs = ch.lstat(literal(path));
      return attrs.isReg() ? Optional.of(new ObjectInfo(key, attrs.getSize())) : Optional.empty();
    } catch (SftpException e) {
      if (missing(e)) {
        return Optional.empty();
      }
      throw failure("stat", path, e);
    }
  }

  @Override
  public void list(String prefix, ObjectVisitor visitor) throws IOException {
    String dir = prefix.isEmpty() ? base : remote(prefix.substring(0, prefix.length() - 1));
    try (SftpConnection.Lease lease = lease()) {
      ChannelSftp ch = lease.channel();
      if (!realDirectory(ch, dir)) {
        return;
      }
      walk(ch, dir, prefix, visitor);
    } catch (SftpException e) {
      if (missing(e)) {
        return;
      }
      throw failure("list", dir, e);
    }
  }

  /** Depth-first; returns false when the visitor asked to stop. */
  private boolean walk(ChannelSftp ch, String dir, String keyPrefix, ObjectVisitor visitor) throws SftpException, IOException {
    List<LsEntry> files = new ArrayList<>();
    List<String> subdirectories = new ArrayList<>();
    ch.ls(literal(dir), entry -> {
      String n = entry.getFilename();
      SftpATTRS a = entry.getAttrs();
      if (n.equals(".") || n.equals("..") || a.isLink() || (dir.equals(base) && n.equals(StagedWrites.DIRECTORY))) {
        return LsEntrySelector.CONTINUE; // links are never followed; writes in progress are no objects
      }
      if (a.isDir()) {
        subdirectories.add(n);
      } else if (a.isReg() && !n.startsWith(PARTIAL_PREFIX)) {
        files.add(entry);
      }
      return LsEntrySelector.CONTINUE;
    });
    for (LsEntry file : files) {
      if (!visitor.visit(new ObjectInfo(keyPrefix + file.getFilename(), file.getAttrs().getSize()))) {
        return false;
      }
    }
    for (String sub : subdirectories) {
      verifiedDirectories.add(dir + "/" + sub);
      if (!walk(ch, dir + "/" + sub, keyPrefix + sub + "/", visitor)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public InputStream openRead(String key) throws IOException {
    String path = remote(key);
    SftpConnection.Lease lease = lease();
    try {
      ChannelSftp ch = lease.channel();
      if (!realDirectory(ch, parent(path)) || !ch.lstat(literal(path)).isReg()) {
        throw new ObjectNotFoundException(key);
      }
      InputStream in = ch.get(literal(path));
      return new FilterInputStream(in) {
        @Override
        public void close() throws IOException {
          try {
            super.close();
          } finally {
            lease.close();
          }
        }
      };
    } catch (SftpException e) {
      lease.close();
      if (missing(e)) {
        throw new ObjectNotFoundException(key);
      }
      throw failure("read", path, e);
    } catch (IOException | RuntimeException e) {
      lease.close();
      throw e;
    }
  }

  @Override
  public void readToFile(String key, Path target) throws IOException {
    String path = remote(key);
    try (SftpConnection.Lease lease = lease()) {
      ChannelSftp ch = lease.channel();
      if (!realDirectory(ch, parent(path)) || !ch.lstat(literal(path)).isReg()) {
        throw new ObjectNotFoundException(key);
      }
      ch.get(literal(path), target.toString());
    } catch (SftpException e) {
      if (missing(e)) {
        throw new ObjectNotFoundException(key);
      }
      throw failure("download", path, e);
    }
  }

  // ------------------------------------------------------------------ writes

  @Override
  public void writeFile(String key, Path source) throws IOException {
    String target = remote(key);
    try (SftpConnection.Lease lease = lease()) {
      ChannelSftp ch = lease.channel();
      String temp = stagedName(ch);
      makeDirectories(ch, parent(target));
      try (InputStream in = Files.newInputStream(source)) {
        // The stream form: the path form first STATs the target, one more round trip per file.
        ch.put(in, literal(temp), ChannelSftp.OVERWRITE);
        publish(ch, temp, target);
      } catch (SftpException | IOException | RuntimeException e) {
        discard(ch, temp);
        throw e;
      }
    } catch (SftpException e) {
      throw failure("upload", target, e);
    }
  }

  @Override
  public AtomicWrite startWrite(String key) throws IOException {
    String target = remote(key);
    SftpConnection.Lease lease = lease();
    String temp;
    try {
      temp = stagedName(lease.channel());
      makeDirectories(lease.channel(), parent(target));
    } catch (SftpException e) {
      lease.close();
      throw failure("create directory for", target, e);
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
    return new AtomicWrite() {
      private OutputStream out;
      private boolean committed;
      private boolean closed;

      @Override
      public OutputStream stream() throws IOException {
        if (out == null) {
          try {
            out = lease.channel().put(literal(temp), ChannelSftp.OVERWRITE);
          } catch (SftpException e) {
            throw failure("upload", target, e);
          }
        }
        return out;
      }

      @Override
      public void commit() throws IOException {
        stream().close();
        try {
          publish(lease.channel(), temp, target);
          committed = true;
        } catch (SftpException e) {
          throw failure("upload", target, e);
        }
      }

      @Override
      public void close() {
        if (closed) {
          return;
        }
        closed = true;
        try {
          if (!committed) {
            if (out != null) {
              try {
                out.close();
              } catch (IOException ignored) {
                // The connection may be gone; the temporary file is handled below.
              }
            }
            discard(lease.channel(), temp);
          }
        } finally {
          lease.close();
        }
      }
    };
  }

  /** Moves a finished upload over the target. */
  private void publish(ChannelSftp ch, String temp, String target) throws SftpException {
    if (ch.getExtension("posix-rename@openssh.com") == null) {
      // Plain SFTP rename refuses to replace: remove first (a short window without the file).
      try {
        if (ch.lstat(literal(target)).isReg()) {
          ch.rm(literal(target));
        }
      } catch (SftpException e) {
        if (!missing(e)) {
          throw e;
        }
      }
    }
    try {
      ch.rename(literal(temp), literal(target));
    } catch (SftpException e) {
      try {
        if (ch.lstat(literal(target)).isDir()) {
          throw new ArtifactException("cannot store a file at '" + target + "': a directory of artifacts already exists there");
        }
      } catch (SftpException ignored) {
        // Report the rename failure itself.
      }
      throw e;
    }
  }

  /** Removes a temporary upload; if the connection is gone, remembers it for later. */
  private void discard(ChannelSftp ch, String temp) {
    try {
      ch.rm(literal(temp));
    } catch (SftpException e) {
      if (!missing(e)) {
        orphans.add(temp);
      }
    } catch (RuntimeException e) {
      orphans.add(temp);
    }
  }

  private SftpConnection.Lease lease() throws IOException {
    SftpConnection.Lease lease = connection.lease();
    if (lease.session() != verifiedSession) {
      // A new session: forget what we verified on the old one, check the base, clean up after it.
      verifiedDirectories.clear();
      try {
        if (!lease.channel().stat(literal(base)).isDir()) {
          lease.close();
          throw new ArtifactException("basePath '" + base + "' on " + connection.endpoint() + " is not a directory");
        }
      } catch (SftpException e) {
        lease.close();
        if (missing(e)) {
          throw new ArtifactException("basePath '" + base + "' does not exist on " + connection.endpoint()
              + " (create it, or fix basePath)");
        }
        throw failure("check basePath", base, e);
      }
      verifiedSession = lease.session();
    }
    if (!orphans.isEmpty()) {
      for (String orphan : List.copyOf(orphans)) {
        try {
          lease.channel().rm(literal(orphan));
          orphans.remove(orphan);
        } catch (SftpException e) {
          if (missing(e)) {
            orphans.remove(orphan);
          }
        }
      }
    }
    return lease;
  }

  // ------------------------------------------------------------------ deletes

  @Override
  public void delete(String key) throws IOException {
    String path = remote(key);
    try (SftpConnection.Lease lease = lease()) {
      ChannelSftp ch = lease.channel();
      if (!realDirectory(ch, parent(path))) {
        return;
      }
      ch.rm(literal(path));
    } catch (SftpException e) {
      if (!missing(e)) {
        throw failure("delete", path, e);
      }
    }
  }

  @Override
  public void deleteDirectory(String prefix) throws IOException {
    String dir = remote(prefix.substring(0, prefix.length() - 1));
    try (SftpConnection.Lease lease = lease()) {
      ChannelSftp ch = lease.channel();
      if (!realDirectory(ch, dir)) {
        return;
      }
      removeTree(ch, dir);
    } catch (SftpException e) {
      if (!missing(e)) {
        throw failure("delete", dir, e);
      }
    }
  }

  /** Removes a directory and everything in it; links are removed, never followed. */
  private void removeTree(ChannelSftp ch, String dir) throws SftpException {
    List<String> files = new ArrayList<>();
    List<String> subdirectories = new ArrayList<>();
    ch.ls(literal(dir), entry -> {
      String n = entry.getFilename();
      if (!n.equals(".") && !n.equals("..")) {
        if (entry.getAttrs().isDir() && !entry.getAttrs().isLink()) {
          subdirectories.add(n);
        } else {
          files.add(n);
        }
      }
      return LsEntrySelector.CONTINUE;
    });
    for (String f : files) {
      try {
        ch.rm(literal(dir + "/" + f));
      } catch (SftpException e) {
        if (!missing(e)) {
          throw e;
        }
      }
    }
    for (String sub : subdirectories) {
      removeTree(ch, dir + "/" + sub);
    }
    try {
      ch.rmdir(literal(dir));
      verifiedDirectories.remove(dir);
    } catch (SftpException e) {
      if (!missing(e)) {
        throw e;
      }
    }
  }

  @Override
  public int removeStagedWritesOlderThan(Instant cutoff) throws IOException {
    String dir = staging();
    List<String> stale = new ArrayList<>();
    try (SftpConnection.Lease lease = lease()) {
      ChannelSftp ch = lease.channel();
      if (!realDirectory(ch, dir)) {
        return 0;
      }
      ch.ls(literal(dir), entry -> {
        SftpATTRS a = entry.getAttrs();
        if (a.isReg() && a.getMTime() * 1000L < cutoff.toEpochMilli()) {
          stale.add(entry.getFilename());
        }
        return LsEntrySelector.CONTINUE;
      });
      int removed = 0;
      for (String name : stale) {
        try {
          ch.rm(literal(dir + "/" + name));
          removed++;
        } catch (SftpException e) {
          if (!missing(e)) {
            throw e;
          }
        }
      }
      return removed;
    } catch (SftpException e) {
      throw failure("remove stale writes in", dir, e);
    }
  }

  @Override
  public Set<StorageCapability> capabilities() {
    return EnumSet.of(StorageCapability.DIRECTORY_DELETE);
  }

  @Override
  public void close() {
    connection.close();
  }
}
