package dev.argoartifact.driver.azure;

import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobErrorCode;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.BlobListDetails;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.models.DeleteSnapshotsOptionType;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.models.ParallelTransferOptions;
import com.azure.storage.blob.options.BlobDownloadToFileOptions;
import com.azure.storage.blob.options.BlobUploadFromFileOptions;
import com.azure.storage.blob.specialized.BlockBlobClient;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.AtomicWrite;
import dev.argoartifact.common.storage.ObjectInfo;
import dev.argoartifact.common.storage.ObjectNotFoundException;
import dev.argoartifact.common.storage.StorageException;
import dev.argoartifact.common.storage.TransientFailures;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Keys are blob names under an optional prefix in one container. Large files move as parallel
 * block transfers; every write is committed only when complete (a single-shot upload, or a block
 * list committed at the end), so an aborted transfer leaves nothing under the key. Directory
 * placeholders of accounts with a hierarchical namespace are never treated as files.
 */
final class AzureStorage implements ArtifactStorage {
  private final BlobContainerClient container;
  private final String prefix;
  private final ParallelTransferOptions transfers;
  private final com.azure.storage.common.ParallelTransferOptions downloads;
  private final long blockSize;

  AzureStorage(BlobContainerClient container, String prefix, long blockSize, int concurrency) {
    this.container = container;
    this.prefix = prefix;
    this.blockSize = blockSize;
    this.transfers = new ParallelTransferOptions()
        .setBlockSizeLong(blockSize)
        .setMaxConcurrency(concurrency)
        .setMaxSingleUploadSizeLong(blockSize);
    this.downloads = new com.azure.storage.common.ParallelTransferOptions()
        .setBlockSizeLong(blockSize)
        .setMaxConcurrency(concurrency);
  }

  private String blobName(String key) {
    return prefix + key;
  }

  private BlobClient blob(String key) {
    return container.getBlobClient(blobName(key));
  }

  /** ADLS Gen2 (and tools emulating it) mark directories with an empty blob and hdi_isfolder. */
  private static boolean directoryPlaceholder(String name, Map<String, String> metadata) {
    return name.endsWith("/") || (metadata != null && "true".equalsIgnoreCase(metadata.get("hdi_isfolder")));
  }

  /** One line naming the container, the blob and Azure's error code; never a credential. */
  private StorageException failure(String what, String key, RuntimeException e) {
    String name = key == null ? "" : " '" + blobName(key) + "'";
    if (e instanceof BlobStorageException b) {
      int status = b.getStatusCode();
      boolean retry = status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
      String code = b.getErrorCode() != null ? b.getErrorCode().toString() : "HTTP " + status;
      String hint = "";
      if (BlobErrorCode.CONTAINER_NOT_FOUND.equals(b.getErrorCode())) {
        return new StorageException("Azure container '" + container.getBlobContainerName() + "' does not exist"
            + " (create it, or fix 'container')", e, false);
      } else if (status == 403) {
        hint = " (the credential is wrong, expired or lacks permission on the container)";
      }
      return new StorageException("Azure " + what + name + " in container '" + container.getBlobContainerName()
          + "' failed: " + code + " (HTTP " + status + ")" + hint, e, retry);
    }
    boolean network = TransientFailures.isNetworkFailure(e) || e.getCause() instanceof java.util.concurrent.TimeoutException
        || (e.getMessage() != null && e.getMessage().contains("TimeoutException"));
    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage().lines().findFirst().orElse("");
    if (e.getClass().getName().startsWith("com.azure.identity") || reason.contains("credential") || reason.contains("token")) {
      return new StorageException("Azure authentication failed for container '" + container.getBlobContainerName()
          + "': " + reason, e, false);
    }
    return new StorageException("Azure " + what + name + " in container '" + container.getBlobContainerName() + "' failed: "
        + reason, e, network);
  }

  private static boolean notFound(RuntimeException e) {
    return e instanceof BlobStorageException b && b.getStatusCode() == 404;
  }

  @Override
  public Optional<ObjectInfo> stat(String key) throws IOException {
    try {
      BlobProperties p = blob(key).getProperties();
      return directoryPlaceholder(blobName(key), p.getMetadata()) ? Optional.empty() : Optional.of(new ObjectInfo(key, p.getBlobSize()));
    } catch (RuntimeException e) {
      if (notFound(e)) {
        // HEAD responses carry no error code, so a missing container also lands here; the
        // listing every caller does next reports it as ContainerNotFound.
        return Optional.empty();
      }
      throw failure("stat of", key, e);
    }
  }

  @Override
  public void list(String keyPrefix, ObjectVisitor visitor) throws IOException {
    ListBlobsOptions options = new ListBlobsOptions()
        .setPrefix(prefix + keyPrefix)
        .setDetails(new BlobListDetails().setRetrieveMetadata(true));
    try {
      for (BlobItem item : container.listBlobs(options, null)) {
        if (Boolean.TRUE.equals(item.isPrefix()) || directoryPlaceholder(item.getName(), item.getMetadata())) {
          continue;
        }
        long size = item.getProperties() != null && item.getProperties().getContentLength() != null
            ? item.getProperties().getContentLength() : 0;
        if (!visitor.visit(new ObjectInfo(item.getName().substring(prefix.length()), size))) {
          return;
        }
      }
    } catch (RuntimeException e) {
      throw failure("listing of", keyPrefix, e);
    }
  }

  @Override
  public InputStream openRead(String key) throws IOException {
    try {
      return blob(key).openInputStream();
    } catch (RuntimeException e) {
      if (notFound(e)) {
        throw new ObjectNotFoundException(key);
      }
      throw failure("read of", key, e);
    }
  }

  @Override
  public void readToFile(String key, Path target) throws IOException {
    try {
      blob(key).downloadToFileWithResponse(new BlobDownloadToFileOptions(target.toString())
          .setParallelTransferOptions(downloads)
          .setOpenOptions(Set.of(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE, StandardOpenOption.READ)), null, Context.NONE);
    } catch (RuntimeException e) {
      if (notFound(e)) {
        throw new ObjectNotFoundException(key);
      }
      throw failure("download of", key, e);
    }
  }

  @Override
  public void writeFile(String key, Path source) throws IOException {
    try {
      // Up to one block: a single Put Blob; above: parallel staged blocks, committed at the end.
      blob(key).uploadFromFileWithResponse(new BlobUploadFromFileOptions(source.toString())
          .setParallelTransferOptions(transfers), null, Context.NONE);
    } catch (java.io.UncheckedIOException e) {
      throw e.getCause();
    } catch (RuntimeException e) {
      throw failure("upload of", key, e);
    }
  }

  @Override
  public AtomicWrite startWrite(String key) {
    BlockBlobClient block = blob(key).getBlockBlobClient();
    List<String> blockIds = new ArrayList<>();
    String writeId = UUID.randomUUID().toString();
    return new AtomicWrite() {
      private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
      private boolean committed;

      private final OutputStream out = new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          pending.write(b);
          stageIfFull();
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          while (len > 0) {
            int n = (int) Math.min(len, blockSize - pending.size());
            pending.write(b, off, n);
            off += n;
            len -= n;
            stageIfFull();
          }
        }
      };

      private void stageIfFull() throws IOException {
        if (pending.size() >= blockSize) {
          stage();
        }
      }

      /** Stages what is buffered as one uncommitted block: invisible until the list is committed. */
      private void stage() throws IOException {
        if (pending.size() == 0) {
          return;
        }
        String id = Base64.getEncoder().encodeToString(
            (writeId + "-" + String.format("%08d", blockIds.size())).getBytes(StandardCharsets.UTF_8));
        try {
          block.stageBlock(id, BinaryData.fromByteBuffer(ByteBuffer.wrap(pending.toByteArray())));
        } catch (RuntimeException e) {
          throw failure("block upload of", key, e);
        }
        blockIds.add(id);
        pending.reset();
      }

      @Override
      public OutputStream stream() {
        return out;
      }

      @Override
      public void commit() throws IOException {
        stage();
        try {
          if (blockIds.isEmpty()) {
            block.upload(BinaryData.fromBytes(new byte[0]), true);
          } else {
            block.commitBlockList(blockIds, true);
          }
          committed = true;
        } catch (RuntimeException e) {
          throw failure("commit of", key, e);
        }
      }

      @Override
      public void close() {
        // Uncommitted blocks are never visible, and Azure discards them (after 7 days at most).
        pending.reset();
      }
    };
  }

  @Override
  public void delete(String key) throws IOException {
    try {
      blob(key).deleteIfExistsWithResponse(DeleteSnapshotsOptionType.INCLUDE, null, null, Context.NONE);
    } catch (RuntimeException e) {
      if (!notFound(e)) {
        throw failure("delete of", key, e);
      }
    }
  }
}
