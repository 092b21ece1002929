package dev.argoartifact.driver.volume;

import dev.argoartifact.common.semantics.ArtifactException;
import dev.argoartifact.common.semantics.ArtifactKey;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.AtomicWrite;
import dev.argoartifact.common.storage.ObjectInfo;
import dev.argoartifact.common.storage.ObjectNotFoundException;
import dev.argoartifact.common.storage.StagedWrites;
import dev.argoartifact.common.storage.StorageCapability;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Objects are regular files under the root; their keys are paths relative to it. Writes are
 * staged in {@value StagedWrites#DIRECTORY} under the root (same filesystem, so the final rename
 * is atomic), never appear in listings, and are removed when a dead writer left them. Symbolic
 * links are never followed, so nothing outside the root is ever read, written or deleted.
 */
final class VolumeStorage implements ArtifactStorage, StagedWrites {
  static final String STAGING = StagedWrites.DIRECTORY;

  private final Path root;
  private final Path staging;

  VolumeStorage(Path root) throws IOException {
    if (!Files.isDirectory(root)) {
      throw new IOException("root '" + root + "' is not an existing directory (is the volume mounted?)");
    }
    this.root = root.toRealPath();
    this.staging = this.root.resolve(STAGING);
  }

  /** Resolves a key under the root, refusing paths through symbolic links or the staging area. */
  private Path resolve(String key) throws IOException {
    if (key.equals(STAGING) || key.startsWith(STAGING + "/")) {
      throw new ArtifactException("key '" + key + "' is reserved by the volume driver");
    }
    Path path = root;
    for (String segment : key.split("/")) {
      if (Files.isSymbolicLink(path)) {
        throw new ArtifactException("key '" + key + "' passes through a symbolic link, which the volume driver does not follow");
      }
      path = path.resolve(segment);
    }
    return path;
  }

  private static boolean regularFile(Path p) {
    return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    Path path = resolve(key);
    try {
      BasicFileAttributes attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      return attrs.isRegularFile() ? Optional.of(new ObjectInfo(key, attrs.size())) : Optional.empty();
    } catch (NoSuchFileException | NotDirectoryException missing) {
      return Optional.empty();
    } catch (FileSystemException e) {
      if ("Not a directory".equals(e.getReason())) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public void list(String prefix, ObjectVisitor visitor) throws IOException {
    // A prefix is "dir/" (or empty): walk that directory. Keys are '/'-joined relative paths.
    Path start = prefix.isEmpty() ? root : resolve(prefix.substring(0, prefix.length() - 1));
    if (!Files.isDirectory(start, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      Files.walkFileTree(start, new SimpleFileVisitor<>() {
        @Override
        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
          return dir.equals(staging) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
          if (attrs.isRegularFile() && !visitor.visit(new ObjectInfo(keyOf(file), attrs.size()))) {
            return FileVisitResult.TERMINATE;
          }
          return FileVisitResult.CONTINUE;
        }

        @Override
        public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
          if (exc instanceof NoSuchFileException) {
            return FileVisitResult.CONTINUE; // deleted while listing
          }
          throw exc;
        }
      });
    } catch (NoSuchFileException vanished) {
      // The directory was deleted while listing: nothing (more) to list.
    }
  }

  private String keyOf(Path file) {
    return ArtifactKey.relativeName(root, file);
  }

  @Override
  public InputStream openRead(String key) throws IOException {
    Path path = resolve(key);
    if (!regularFile(path)) {
      throw new ObjectNotFoundException(key);
    }
    return Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public void readToFile(String key, Path target) throws IOException {
    Path path = resolve(key);
    if (!regularFile(path)) {
      throw new ObjectNotFoundException(key);
    }
    Files.copy(path, target, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
  }

  @Override
  public AtomicWrite startWrite(String key) throws IOException {
    Path target = resolve(key);
    Files.createDirectories(staging);
    Path temp = staging.resolve(UUID.randomUUID().toString());
    return new StagedWrite(temp, target);
  }

  @Override
  public void writeFile(String key, Path source) throws IOException {
    Path target = resolve(key);
    Files.createDirectories(staging);
    Path temp = staging.resolve(UUID.randomUUID().toString());
    try {
      // Files.copy uses the kernel's copy_file_range/sendfile: as fast as cp.
      Files.copy(source, temp, StandardCopyOption.REPLACE_EXISTING);
      publish(temp, target);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private void publish(Path temp, Path target) throws IOException {
    Files.createDirectories(target.getParent());
    try {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (DirectoryNotEmptyException e) {
      throw new ArtifactException("cannot store a file at '" + keyOf(target) + "': a directory of artifacts already exists there");
    } catch (FileSystemException e) {
      if (e.getReason() != null && e.getReason().contains("Not a directory")) {
        throw new ArtifactException("cannot store a file at '" + keyOf(target) + "': a parent path is a file");
      }
      throw e;
    }
  }

  @Override
  public void delete(String key) throws IOException {
    Path path = resolve(key);
    if (regularFile(path)) {
      Files.deleteIfExists(path);
    }
  }

  @Override
  public void deleteDirectory(String prefix) throws IOException {
    Path dir = resolve(prefix.substring(0, prefix.length() - 1));
    if (!Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    // walkFileTree does not follow links: a link inside is removed, never its target.
    Files.walkFileTree(dir, new SimpleFileVisitor<>() {
      @Override
      public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
        Files.deleteIfExists(file);
        return FileVisitResult.CONTINUE;
      }

      @Override
      public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
        if (exc instanceof NoSuchFileException) {
          return FileVisitResult.CONTINUE;
        }
        throw exc;
      }

      @Override
      public FileVisitResult postVisitDirectory(Path d, IOException exc) throws IOException {
        if (exc != null && !(exc instanceof NoSuchFileException)) {
          throw exc;
        }
        Files.deleteIfExists(d);
        return FileVisitResult.CONTINUE;
      }
    });
  }

  @Override
  public int removeStagedWritesOlderThan(Instant cutoff) throws IOException {
    if (!Files.isDirectory(staging, LinkOption.NOFOLLOW_LINKS)) {
      return 0;
    }
    int removed = 0;
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(staging)) {
      for (Path entry : entries) {
        try {
          BasicFileAttributes attrs = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
          if (attrs.isRegularFile() && attrs.lastModifiedTime().toInstant().isBefore(cutoff) && Files.deleteIfExists(entry)) {
            removed++;
          }
        } catch (NoSuchFileException finishedMeanwhile) {
          // renamed into place or removed by its writer
        }
      }
    }
    return removed;
  }

  @Override
  public Set<StorageCapability> capabilities() {
    // No RANGED_READ: a kernel copy (copy_file_range) of a local file beats parallel ranges.
    return EnumSet.of(StorageCapability.DIRECTORY_DELETE);
  }

  /** A write staged in a temporary file and renamed over the target on commit. */
  private final class StagedWrite implements AtomicWrite {
    private final Path temp;
    private final Path target;
    private OutputStream stream;
    private boolean committed;

    StagedWrite(Path temp, Path target) {
      this.temp = temp;
      this.target = target;
    }

    @Override
    public OutputStream stream() throws IOException {
      if (stream == null) {
        stream = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      }
      return stream;
    }

    @Override
    public void commit() throws IOException {
      stream().close();
      publish(temp, target);
      committed = true;
    }

    @Override
    public void close() throws IOException {
      if (stream != null) {
        stream.close();
      }
      if (!committed) {
        Files.deleteIfExists(temp);
      }
    }
  }
}
