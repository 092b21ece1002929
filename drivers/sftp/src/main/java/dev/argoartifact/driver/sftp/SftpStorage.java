package dev.argoartifact.driver.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.ChannelSftp.LsEntrySelector;
import com.jcraft.jsch.Session;
import com.jcraft.jsch.SftpATTRS;
import com.jcraft.jsch.SftpException;
import dev.argoartifact.common.failure.Failure;
import dev.argoartifact.common.failure.NetworkFailures;
import dev.argoartifact.common.pool.ChannelPool;
import dev.argoartifact.common.storage.PartedWrites;
import dev.argoartifact.common.storage.StorageLimits;
import dev.argoartifact.common.storage.filesystem.FileEntry;
import dev.argoartifact.common.storage.filesystem.FileSystemStorage;
import dev.argoartifact.common.storage.filesystem.OffsetRangedReads;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Keys are files under {@code basePath} on an SFTP server. Each primitive leases a channel of the
 * shared SSH connections; streams hold theirs until closed, so a large file's ranges and parts go
 * side by side. The rename that publishes a write is posix-rename@openssh.com where the server offers it
 * (JSch uses it by itself), else remove-then-rename.
 */
final class SftpStorage extends FileSystemStorage implements OffsetRangedReads, PartedWrites {
    /** A large Save's parts, each on its own channel as a Load's ranges are. */
    private static final int PART_BYTES = 16 << 20;

    /**
     * JSch opens the file without truncating it for any put mode but OVERWRITE, and moves the offset
     * to the file's end only for RESUME and APPEND: in this mode a part lands at its own offset (the
     * conformance suite's parted writes check it on MINA SSHD and OpenSSH).
     */
    private static final int WRITE_AT_OFFSET = 3;

    private final ChannelPool<Session, ChannelSftp> channels;
    private final String endpoint;

    SftpStorage(ChannelPool<Session, ChannelSftp> channels, String endpoint, String basePath, int bulkRequests) {
        // A transfer holds a channel; JSch gives each a buffer of bulkRequests 32 KiB (1 << 15) packets.
        super("basePath", basePath, true, StorageLimits.DEFAULT.withHeapBytesPerTransfer((bulkRequests + 8L) << 15));
        this.channels = channels;
        this.endpoint = endpoint;
    }

    /**
     * JSch expands '*' and '?' in remote paths as globs (and treats '\' as an escape): unescaped,
     * deleting key "out*" would delete every sibling starting with "out". Every path goes through here.
     */
    static String literal(String path) {
        return path.replaceAll("([*?\\\\])", "\\\\$1");
    }

    private static FileEntry entry(String name, SftpATTRS a) {
        return FileEntry.of(name, a.isLink(), a.isDir(), a.isReg(), a.getSize(), a.getMTime() * 1000L);
    }

    @Override
    protected FileEntry readEntry(String path) throws IOException {
        return channels.withChannel(ch -> entry(name(path), ch.lstat(literal(path))));
    }

    @Override
    protected List<FileEntry> listDirectory(String dir) throws IOException {
        List<FileEntry> entries = new ArrayList<>();
        channels.onChannel(ch -> ch.ls(literal(dir), e -> {
            if (!e.getFilename().equals(".") && !e.getFilename().equals("..")) {
                entries.add(entry(e.getFilename(), e.getAttrs()));
            }
            return LsEntrySelector.CONTINUE;
        }));
        return entries;
    }

    @Override
    protected InputStream openFile(String path, long offset) throws IOException {
        return channels.input(ch -> ch.get(literal(path), null, offset));
    }

    @Override
    protected OutputStream createFile(String path) throws IOException {
        return channels.output(ch -> ch.put(literal(path), ChannelSftp.OVERWRITE));
    }

    @Override
    protected OutputStream openFileAt(String path, long offset) throws IOException {
        return channels.output(ch -> ch.put(literal(path), null, WRITE_AT_OFFSET, offset));
    }

    @Override
    public int partSize() {
        return PART_BYTES;
    }

    @Override
    public Upload startUpload(String key) throws IOException {
        return startStagedUpload(key, PART_BYTES);
    }

    @Override
    protected void replace(String source, String target) throws IOException {
        channels.onChannel(ch -> {
            if (ch.getExtension("posix-rename@openssh.com") == null) {
                // Plain SFTP rename refuses to replace: remove first (a short window without the file).
                try {
                    ch.rm(literal(target));
                } catch (SftpException e) {
                    if (e.id != ChannelSftp.SSH_FX_NO_SUCH_FILE) {
                        throw e;
                    }
                }
            }
            ch.rename(literal(source), literal(target));
        });
    }

    @Override
    protected void makeDirectory(String path) throws IOException {
        channels.onChannel(ch -> ch.mkdir(literal(path)));
    }

    @Override
    protected void deleteFile(String path) throws IOException {
        channels.onChannel(ch -> ch.rm(literal(path)));
    }

    @Override
    protected void deleteEmptyDirectory(String path) throws IOException {
        channels.onChannel(ch -> ch.rmdir(literal(path)));
    }

    /**
     * By SFTP status, and by type: JSch reports a connection that went away under a call as a
     * plain IOException, or as an SftpException caused by one.
     */
    @Override
    protected Failure classify(IOException e) {
        if (e.getCause() instanceof SftpException f) {
            return switch (f.id) {
                case ChannelSftp.SSH_FX_NO_SUCH_FILE -> Failure.NOT_FOUND;
                case ChannelSftp.SSH_FX_PERMISSION_DENIED -> Failure.DENIED;
                case ChannelSftp.SSH_FX_NO_CONNECTION, ChannelSftp.SSH_FX_CONNECTION_LOST -> Failure.TRANSIENT;
                default ->
                    f.getCause() instanceof IOException || channels.dropped() ? Failure.TRANSIENT : Failure.PERMANENT;
            };
        }
        boolean lost = NetworkFailures.isNetworkFailure(e) || e.getClass() == IOException.class || channels.dropped();
        return lost ? Failure.TRANSIENT : Failure.of(e);
    }

    @Override
    protected String location() {
        return endpoint;
    }

    @Override
    public void close() {
        channels.close();
    }
}
