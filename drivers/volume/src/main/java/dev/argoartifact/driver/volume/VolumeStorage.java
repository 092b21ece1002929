package dev.argoartifact.driver.volume;

import dev.argoartifact.common.failure.Failure;
import dev.argoartifact.common.storage.FileTransfers;
import dev.argoartifact.common.storage.StorageLimits;
import dev.argoartifact.common.storage.filesystem.FileEntry;
import dev.argoartifact.common.storage.filesystem.FileSystemStorage;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Objects are regular files under the root, a directory of this pod (a mounted volume). Files
 * move with the kernel's copy ({@link Files#copy}: copy_file_range or sendfile, as fast as cp),
 * not in parallel ranges: on a local disk one kernel copy is faster.
 */
final class VolumeStorage extends FileSystemStorage implements FileTransfers {
    VolumeStorage(Path root) throws IOException {
        // A local check costs microseconds: directories are checked every time, never cached.
        super("root", root.toString(), false, StorageLimits.DEFAULT);
    }

    @Override
    protected FileEntry readEntry(String path) throws IOException {
        return entry(Path.of(path));
    }

    private static FileEntry entry(Path path) throws IOException {
        BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        return FileEntry.of(
                path.getFileName().toString(),
                a.isSymbolicLink(),
                a.isDirectory(),
                a.isRegularFile(),
                a.size(),
                a.lastModifiedTime().toMillis());
    }

    @Override
    protected List<FileEntry> listDirectory(String dir) throws IOException {
        List<FileEntry> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(Path.of(dir))) {
            for (Path p : stream) {
                try {
                    entries.add(entry(p));
                } catch (NoSuchFileException removedMeanwhile) {
                    // gone since the directory was read
                }
            }
        }
        return entries;
    }

    @Override
    protected InputStream openFile(String path, long offset) throws IOException {
        FileChannel channel = FileChannel.open(Path.of(path), StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        return Channels.newInputStream(channel.position(offset));
    }

    @Override
    protected OutputStream createFile(String path) throws IOException {
        return Files.newOutputStream(Path.of(path), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    }

    @Override
    protected void replace(String source, String target) throws IOException {
        Files.move(
                Path.of(source), Path.of(target), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    protected void makeDirectory(String path) throws IOException {
        Files.createDirectory(Path.of(path));
    }

    @Override
    protected void deleteFile(String path) throws IOException {
        Files.delete(Path.of(path));
    }

    @Override
    protected Failure classify(IOException e) {
        if (e instanceof NoSuchFileException
                || e instanceof NotDirectoryException
                || (e instanceof FileSystemException f && "Not a directory".equals(f.getReason()))) {
            return Failure.NOT_FOUND;
        }
        if (e instanceof AccessDeniedException) {
            return Failure.DENIED;
        }
        return e instanceof FileSystemException ? Failure.INVALID : Failure.PERMANENT;
    }

    @Override
    protected String location() {
        return "the volume";
    }

    @Override
    public void writeFile(String key, Path source) throws IOException {
        writeStaged(key, staged -> Files.copy(source, Path.of(staged), StandardCopyOption.REPLACE_EXISTING));
    }

    @Override
    public void readToFile(String key, Path target) throws IOException {
        Files.copy(Path.of(readablePath(key)), target, StandardCopyOption.REPLACE_EXISTING, LinkOption.NOFOLLOW_LINKS);
    }
}
