package dev.argoartifact.driver.hdfs;

import static org.apache.hadoop.hdfs.client.HdfsClientConfigKeys.DFS_CLIENT_WRITE_PACKET_SIZE_DEFAULT;
import static org.apache.hadoop.hdfs.client.HdfsClientConfigKeys.DFS_CLIENT_WRITE_PACKET_SIZE_KEY;

import dev.argoartifact.common.failure.Failure;
import dev.argoartifact.common.failure.NetworkFailures;
import dev.argoartifact.common.storage.StorageLimits;
import dev.argoartifact.common.storage.filesystem.FileEntry;
import dev.argoartifact.common.storage.filesystem.FileSystemStorage;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.fs.FSDataInputStream;
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
import org.apache.hadoop.hdfs.client.HdfsClientConfigKeys.Write;
import org.apache.hadoop.ipc.RemoteException;
import org.apache.hadoop.ipc.RetriableException;
import org.apache.hadoop.ipc.StandbyException;
import org.apache.hadoop.security.AccessControlException;

/**
 * Keys are files under {@code basePath} in HDFS. The write's rename is HDFS's atomic overwriting
 * rename, and a directory goes in one recursive delete. Every NameNode call runs as the configured
 * identity. No ranged reads: one HDFS stream already reads ahead block by block, and measured
 * against parallel 16 MiB ranges it loads a 1 GiB file about twice as fast (docs/benchmarks.md).
 */
final class HdfsStorage extends FileSystemStorage {
    /** Temporary names of Hadoop's own shell ({@code hdfs dfs -put}); never listed. */
    static final String COPYING_SUFFIX = "._COPYING_";

    /**
     * Shared by every user that writes under the base, like /tmp: anyone may add, only owners remove.
     */
    private static final FsPermission STAGING_PERMISSION = new FsPermission((short) 01777);

    private static final int BUFFER_BYTES = 1 << 20;

    private final DistributedFileSystem fs;
    private final HadoopLogin login;

    HdfsStorage(DistributedFileSystem fs, HadoopLogin login, String basePath) {
        super("basePath", basePath, true, limits(fs));
        this.fs = fs;
        this.login = login;
    }

    @Override
    protected FileEntry readEntry(String path) throws IOException {
        return entry(login.run(() -> fs.getFileLinkStatus(new Path(path))));
    }

    private static FileEntry entry(FileStatus s) {
        return FileEntry.of(
                s.getPath().getName(), s.isSymlink(), s.isDirectory(), s.isFile(), s.getLen(), s.getModificationTime());
    }

    /** Batched listing pages: no RPC per file. */
    @Override
    protected List<FileEntry> listDirectory(String dir) throws IOException {
        return login.run(() -> {
            List<FileEntry> entries = new ArrayList<>();
            RemoteIterator<FileStatus> page = fs.listStatusIterator(new Path(dir));
            while (page.hasNext()) {
                entries.add(entry(page.next()));
            }
            return entries;
        });
    }

    @Override
    protected InputStream openFile(String path, long offset) throws IOException {
        FSDataInputStream in = login.run(() -> fs.open(new Path(path), BUFFER_BYTES));
        if (offset > 0) {
            in.seek(offset);
        }
        return in;
    }

    @Override
    protected OutputStream createFile(String path) throws IOException {
        // overwrite=false: the name is fresh.
        return login.run(() -> fs.create(new Path(path), false, BUFFER_BYTES));
    }

    @Override
    @SuppressWarnings("deprecation") // DistributedFileSystem's overwriting rename is public and atomic
    protected void replace(String source, String target) throws IOException {
        login.run(() -> {
            fs.rename(new Path(source), new Path(target), Options.Rename.OVERWRITE);
            return null;
        });
    }

    @Override
    protected void makeDirectory(String path) throws IOException {
        login.run(() -> fs.mkdirs(new Path(path)));
    }

    @Override
    protected void makeStagingDirectory(String path) throws IOException {
        login.run(() -> FileSystem.mkdirs(fs, new Path(path), STAGING_PERMISSION));
    }

    @Override
    protected void deleteFile(String path) throws IOException {
        login.run(() -> fs.delete(new Path(path), false));
    }

    @Override
    protected void deleteTree(String dir) throws IOException {
        login.run(() -> fs.delete(new Path(dir), true));
    }

    @Override
    protected boolean isInProgress(String name) {
        return name.endsWith(COPYING_SUFFIX);
    }

    /**
     * By type: the NameNode's exceptions arrive wrapped in a RemoteException that names their class.
     * A file where a parent directory would be means nothing is at the path, as on a local disk.
     * Failover, safe mode, lost DataNodes, timeouts and dropped connections are transient; so are the
     * plain IOExceptions the DataNode pipeline throws, which have no type of their own.
     */
    @Override
    protected Failure classify(IOException e) {
        IOException cause = e instanceof RemoteException remote ? remote.unwrapRemoteException() : e;
        String remoteType = cause instanceof RemoteException remote ? remote.getClassName() : "";
        if (cause instanceof AccessControlException) {
            return Failure.DENIED;
        }
        if (cause instanceof FileNotFoundException || cause instanceof ParentNotDirectoryException) {
            return Failure.NOT_FOUND;
        }
        if (cause instanceof FileAlreadyExistsException) {
            return Failure.INVALID;
        }
        if (e instanceof InterruptedIOException && !NetworkFailures.isNetworkFailure(e)) {
            return Failure.PERMANENT;
        }
        boolean transientRemote =
                remoteType.endsWith(".SafeModeException") || remoteType.endsWith(".NotReplicatedYetException");
        return cause instanceof StandbyException
                        || cause instanceof RetriableException
                        || cause instanceof BlockMissingException
                        || cause instanceof EOFException
                        || NetworkFailures.isNetworkFailure(cause)
                        || cause.getClass() == IOException.class
                        || transientRemote
                ? Failure.TRANSIENT
                : Failure.PERMANENT;
    }

    @Override
    protected String location() {
        return fs.getUri().toString();
    }

    /**
     * A write queues up to max-packets-in-flight packets (80 of 64 KiB by default: about 5 MiB each,
     * 80 MiB for sixteen files, which ran a 256 MiB container's heap out), beside its copy buffer.
     * Read from the configuration, so hadoopConfig's tuning counts.
     */
    private static StorageLimits limits(DistributedFileSystem fs) {
        long packet = fs.getConf().getLong(DFS_CLIENT_WRITE_PACKET_SIZE_KEY, DFS_CLIENT_WRITE_PACKET_SIZE_DEFAULT);
        long packets = fs.getConf().getLong(Write.MAX_PACKETS_IN_FLIGHT_KEY, Write.MAX_PACKETS_IN_FLIGHT_DEFAULT);
        // A packet's buffer also holds its header and checksums (4 bytes per 512).
        return StorageLimits.DEFAULT.withHeapBytesPerTransfer(
                (packets + 1) * (packet + packet / 128 + 64) + BUFFER_BYTES);
    }

    @Override
    public void close() throws IOException {
        try (login) {
            fs.close();
        }
    }
}
