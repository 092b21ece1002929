package dev.argoartifact.common.operations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.argoartifact.common.storage.StorageLimits;
import dev.argoartifact.common.transfer.TransferMemory;
import dev.argoartifact.common.transfer.TransferSettings;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ArtifactOperationsTest {
    private static final TransferSettings FAST_RETRIES =
            new TransferSettings(4, 4, Duration.ofMillis(1), Duration.ofMillis(5), null, null, null, null);

    @TempDir
    Path dir;

    private Path tree(int files) throws IOException {
        Path root = Files.createDirectories(dir.resolve("tree"));
        for (int i = 0; i < files; i++) {
            Files.writeString(root.resolve("f" + i + ".txt"), "content " + i);
        }
        return root;
    }

    private static List<String> entries(Path p) throws IOException {
        try (Stream<Path> s = Files.list(p)) {
            return s.map(x -> x.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void aTransientFailureRetriesOnlyThatFile() throws IOException {
        Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
        MemoryStorage storage = new MemoryStorage.WithFileTransfers() {
            @Override
            public void writeFile(String key, Path source) throws IOException {
                int n = attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
                if (key.endsWith("f3.txt") && n <= 2) {
                    throw new SocketTimeoutException("simulated timeout");
                }
                super.writeFile(key, source);
            }
        };
        ArtifactOperations ops = new ArtifactOperations(storage, FAST_RETRIES);
        ops.save(ArtifactKey.parse("run/out"), tree(8));
        assertThat(storage.objects).hasSize(8);
        assertThat(attempts.get("run/out/f3.txt").get()).isEqualTo(3);
        assertThat(attempts).allSatisfy((key, n) -> {
            if (!key.endsWith("f3.txt")) {
                assertThat(n.get()).as(key).isEqualTo(1);
            }
        });
    }

    @Test
    void aPermanentFailureIsNotRetriedAndStopsTheTransfer() throws IOException {
        AtomicInteger attempts = new AtomicInteger();
        MemoryStorage storage = new MemoryStorage.WithFileTransfers() {
            @Override
            public void writeFile(String key, Path source) throws IOException {
                attempts.incrementAndGet();
                throw new IOException("403 AuthorizationFailure");
            }
        };
        ArtifactOperations ops = new ArtifactOperations(
                storage,
                new TransferSettings(1, 4, Duration.ofMillis(1), Duration.ofMillis(5), null, null, null, null));
        assertThatThrownBy(() -> ops.save(ArtifactKey.parse("run/out"), tree(50)))
                .hasMessage("403 AuthorizationFailure");
        assertThat(attempts.get())
                .as("stops submitting after the first failure")
                .isLessThan(5);
    }

    @Test
    void retriesGiveUpAfterMaxAttempts() throws IOException {
        AtomicInteger attempts = new AtomicInteger();
        MemoryStorage storage = new MemoryStorage.WithFileTransfers() {
            @Override
            public void writeFile(String key, Path source) throws IOException {
                attempts.incrementAndGet();
                throw new SocketTimeoutException("still down");
            }
        };
        Path file = Files.writeString(dir.resolve("one.tgz"), "x");
        assertThatThrownBy(() -> new ArtifactOperations(storage, FAST_RETRIES).save(ArtifactKey.parse("k.tgz"), file))
                .hasMessage("still down");
        assertThat(attempts.get()).isEqualTo(4);
    }

    /** Uploads that count how many run at once, and overlap long enough to tell. */
    private static final class CountingUploads extends MemoryStorage.WithFileTransfers {
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger mostOpen = new AtomicInteger();
        private final long heapBytesPerTransfer;
        private final long objectBufferBytes;

        CountingUploads(long heapBytesPerTransfer) {
            this(heapBytesPerTransfer, 0);
        }

        CountingUploads(long heapBytesPerTransfer, long objectBufferBytes) {
            this.heapBytesPerTransfer = heapBytesPerTransfer;
            this.objectBufferBytes = objectBufferBytes;
        }

        @Override
        public StorageLimits limits() {
            return StorageLimits.DEFAULT.withHeapBytesPerTransfer(heapBytesPerTransfer, objectBufferBytes);
        }

        @Override
        public void writeFile(String key, Path source) throws IOException {
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20);
                super.writeFile(key, source);
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            } finally {
                open.decrementAndGet();
            }
        }
    }

    @Test
    void directoryTransfersRunInParallelWithinTheLimit() throws IOException {
        CountingUploads storage = new CountingUploads(1 << 20);
        new ArtifactOperations(storage, new TransferSettings(4, 1, null, null, null, null, null, null))
                .save(ArtifactKey.parse("p"), tree(24));
        assertThat(storage.objects).hasSize(24);
        assertThat(storage.mostOpen.get()).isEqualTo(4);
    }

    @Test
    void remoteNamesThatWouldEscapeTheTargetAreRefused() throws IOException {
        for (String hostile : List.of("k/../../escaped.txt", "k/a/../../../x", "k//abs", "k/nul\0name")) {
            MemoryStorage storage = new MemoryStorage();
            storage.put("k/fine.txt", new byte[] {1});
            storage.put(hostile, new byte[] {2});
            Path inputs = Files.createDirectories(dir.resolve("in-" + Math.abs(hostile.hashCode())));
            Path target = inputs.resolve("art.tmp");
            assertThatThrownBy(() -> new ArtifactOperations(storage, FAST_RETRIES).load(ArtifactKey.parse("k"), target))
                    .isInstanceOf(ArtifactException.class)
                    .hasMessageContaining("cannot be written locally");
            assertThat(entries(inputs))
                    .as("nothing written, no partial directory left")
                    .isEmpty();
            assertThat(dir.resolve("escaped.txt")).doesNotExist();
        }
    }

    @Test
    void aFailedDirectoryLoadLeavesNoDebris() throws IOException {
        MemoryStorage storage = new MemoryStorage.WithFileTransfers() {
            @Override
            public void readToFile(String key, Path target) throws IOException {
                if (key.endsWith("f5.txt")) {
                    throw new IOException("disk full");
                }
                super.readToFile(key, target);
            }
        };
        for (int i = 0; i < 10; i++) {
            storage.put("k/f" + i + ".txt", ("v" + i).getBytes(StandardCharsets.UTF_8));
        }
        Path inputs = Files.createDirectories(dir.resolve("inputs"));
        assertThatThrownBy(() -> new ArtifactOperations(storage, FAST_RETRIES)
                        .load(ArtifactKey.parse("k"), inputs.resolve("a.tmp")))
                .hasMessage("disk full");
        assertThat(entries(inputs)).isEmpty();
    }

    @Test
    void withoutADownloadOfItsOwnTheRuntimeStreamsTheObjectIntoTheFile() throws IOException {
        MemoryStorage storage = new MemoryStorage();
        byte[] big = new byte[(3 << 20) + 5];
        new java.util.Random(7).nextBytes(big);
        storage.put("k/big.bin", big);
        storage.put("k/empty.bin", new byte[0]);
        TransferSettings flushEveryMib =
                new TransferSettings(4, 2, Duration.ofMillis(1), Duration.ofMillis(2), null, null, 1L << 20, null);
        Path target = dir.resolve("in").resolve("k");
        new ArtifactOperations(storage, flushEveryMib).load(ArtifactKey.parse("k"), target);
        assertThat(Files.readAllBytes(target.resolve("big.bin"))).isEqualTo(big);
        assertThat(target.resolve("empty.bin")).isEmptyFile();
    }

    @Test
    void aStreamThatEndsEarlyOrRunsOnIsRefusedAndLeavesNothing() throws IOException {
        byte[] content = "0123456789".getBytes(StandardCharsets.UTF_8);
        for (int served : new int[] {4, 12}) {
            MemoryStorage storage = new MemoryStorage() {
                @Override
                public java.io.InputStream openRead(String key, long offset) {
                    return new java.io.ByteArrayInputStream(
                            java.util.Arrays.copyOfRange(content, (int) offset, served));
                }
            };
            storage.put("k.bin", content);
            Path inputs = Files.createDirectories(dir.resolve("in-" + served));
            assertThatThrownBy(() -> new ArtifactOperations(storage, FAST_RETRIES)
                            .load(ArtifactKey.parse("k.bin"), inputs.resolve("k.bin")))
                    .hasMessage(
                            served < content.length
                                    ? "object 'k.bin' ended early at byte 4 of 10"
                                    : "object 'k.bin' grew beyond its 10 bytes while it was read");
            assertThat(entries(inputs)).as("no partial file left").isEmpty();
        }
    }

    @Test
    void listingFailsClearlyBeforeExceedingArgosReplyLimit() {
        MemoryStorage storage = new MemoryStorage();
        String padding = "x".repeat(200);
        for (int i = 0; i < 25_000; i++) {
            storage.put("big/" + padding + i, new byte[0]);
        }
        assertThatThrownBy(() -> new ArtifactOperations(storage, FAST_RETRIES).list(ArtifactKey.parse("big")))
                .isInstanceOf(ArtifactException.class)
                .hasMessageContaining("4 MiB reply")
                .hasMessageContaining("list a narrower key");
    }

    @Test
    void largeObjectsDownloadInParallelRangesWhenSupported() throws IOException {
        List<long[]> ranges = new ArrayList<>();
        MemoryStorage storage = new MemoryStorage.WithRangedReads() {
            @Override
            public java.io.InputStream openRange(String key, long offset, long length) throws IOException {
                synchronized (ranges) {
                    ranges.add(new long[] {offset, length});
                }
                return super.openRange(key, offset, length);
            }
        };
        byte[] content = new byte[(5 << 20) + 123];
        new java.util.Random(7).nextBytes(content);
        storage.put("big.bin", content);
        TransferSettings settings =
                new TransferSettings(4, 2, Duration.ofMillis(1), Duration.ofMillis(2), 1L << 20, 1L << 20, null, null);
        Path target = Files.createDirectories(dir.resolve("in")).resolve("big.tmp");
        new ArtifactOperations(storage, settings).load(ArtifactKey.parse("big.bin"), target);
        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        assertThat(ranges).hasSize(6);
    }

    /** Ranged reads that count how many streams are open at once, and overlap long enough to tell. */
    private static final class CountingRangedStorage extends MemoryStorage.WithRangedReads {
        final AtomicInteger open = new AtomicInteger();
        final AtomicInteger mostOpen = new AtomicInteger();

        @Override
        public StorageLimits limits() {
            return StorageLimits.DEFAULT.withHeapBytesPerTransfer(1 << 20);
        }

        @Override
        public java.io.InputStream openRange(String key, long offset, long length) throws IOException {
            mostOpen.accumulateAndGet(open.incrementAndGet(), Math::max);
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            return new java.io.FilterInputStream(super.openRange(key, offset, length)) {
                @Override
                public void close() throws IOException {
                    open.decrementAndGet();
                    super.close();
                }
            };
        }
    }

    @Test
    void filesAndTheirRangesShareOneMemoryBudget() throws IOException {
        CountingRangedStorage storage = new CountingRangedStorage();
        byte[][] contents = new byte[6][];
        for (int i = 0; i < contents.length; i++) {
            contents[i] = new byte[(4 << 20) + i];
            new java.util.Random(i).nextBytes(contents[i]);
            storage.put("tree/f" + i + ".bin", contents[i]);
        }
        // 16 files in flight and 4 ranges each would be 24 streams; 2 MiB a transfer, 6 MiB fit 3.
        TransferSettings settings =
                new TransferSettings(16, 2, Duration.ofMillis(1), Duration.ofMillis(2), 1L << 20, 1L << 20, null, null);
        Path target = dir.resolve("loaded");
        new ArtifactOperations(storage, settings, new TransferMemory(6L << 20)).load(ArtifactKey.parse("tree"), target);
        for (int i = 0; i < contents.length; i++) {
            assertThat(Files.readAllBytes(target.resolve("f" + i + ".bin"))).isEqualTo(contents[i]);
        }
        assertThat(storage.mostOpen.get()).as("streams open at once").isBetween(2, 3);
        assertThat(storage.open.get()).isZero();
    }

    @Test
    void aFileAloneGetsParallelRangesFromTheBudget() throws IOException {
        CountingRangedStorage storage = new CountingRangedStorage();
        byte[] content = new byte[8 << 20];
        new java.util.Random(3).nextBytes(content);
        storage.put("big.bin", content);
        TransferSettings settings =
                new TransferSettings(16, 2, Duration.ofMillis(1), Duration.ofMillis(2), 1L << 20, 1L << 20, null, null);
        Path target = Files.createDirectories(dir.resolve("in")).resolve("big.tmp");
        new ArtifactOperations(storage, settings, new TransferMemory(64L << 20))
                .load(ArtifactKey.parse("big.bin"), target);
        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        assertThat(storage.mostOpen.get())
                .as("ranges at once: the file's own and up to 7 extra")
                .isBetween(4, 8);
    }

    @Test
    void partsPerFileBoundsTheRangesOfOneFile() throws IOException {
        CountingRangedStorage storage = new CountingRangedStorage();
        byte[] content = new byte[8 << 20];
        new java.util.Random(4).nextBytes(content);
        storage.put("big.bin", content);
        TransferSettings settings =
                new TransferSettings(16, 2, Duration.ofMillis(1), Duration.ofMillis(2), 1L << 20, 1L << 20, null, 2);
        Path target = Files.createDirectories(dir.resolve("in2")).resolve("big.tmp");
        new ArtifactOperations(storage, settings, new TransferMemory(64L << 20))
                .load(ArtifactKey.parse("big.bin"), target);
        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        assertThat(storage.mostOpen.get())
                .as("ranges at once with partsPerFile: 2")
                .isBetween(1, 2);
    }

    @Test
    void aDirectorySaveHoldsNoMoreTransfersThanTheBudgetFits() throws IOException {
        // 4 MiB a transfer (3 and the copy buffer): 8 MiB fit 2 of the 16 files in flight.
        assertThat(mostAtOnceSaving12FilesIn8MiB(new CountingUploads(3 << 20))).isEqualTo(2);
    }

    /** Saves 12 small files, 16 in flight, within an 8 MiB budget: how many ran at once. */
    private int mostAtOnceSaving12FilesIn8MiB(CountingUploads storage) throws IOException {
        new ArtifactOperations(
                        storage,
                        new TransferSettings(16, 1, null, null, null, null, null, null),
                        new TransferMemory(8L << 20))
                .save(ArtifactKey.parse("out"), tree(12));
        assertThat(storage.objects).hasSize(12);
        return storage.mostOpen.get();
    }

    @Test
    void smallFilesReserveOnlyWhatTheyFillOfAPartBuffer() throws IOException {
        // 16 MiB a transfer, 15 of them a part buffer that a file of a few bytes barely fills:
        // about 1 MiB each, so 7 fit 8 MiB at once, where a whole part would let one run alone.
        assertThat(mostAtOnceSaving12FilesIn8MiB(new CountingUploads(16 << 20, 15 << 20)))
                .isEqualTo(7);
    }

    @Test
    void batchDeleteIsUsedInBoundedBatchesWhenSupported() throws IOException {
        List<Integer> batches = new ArrayList<>();
        MemoryStorage storage = new MemoryStorage.WithBatchDelete() {
            @Override
            public void deleteBatch(Collection<String> keys) throws IOException {
                synchronized (batches) {
                    batches.add(keys.size());
                }
                super.deleteBatch(keys);
            }

            @Override
            public void delete(String key) {
                throw new AssertionError("single deletes are not expected under a directory");
            }
        };
        for (int i = 0; i < 7; i++) {
            storage.put("d/" + i, new byte[0]);
        }
        storage.put("d.tgz", new byte[0]);
        storage.put("dd/x", new byte[0]);
        assertThat(new ArtifactOperations(storage, FAST_RETRIES).delete(ArtifactKey.parse("d")))
                .isEqualTo(7);
        assertThat(batches)
                .allSatisfy(n -> assertThat(n).isLessThanOrEqualTo(3))
                .hasSize(3);
        assertThat(storage.objects.keySet()).containsExactly("d.tgz", "dd/x");
    }

    @Test
    void aDirectoryStreamsAsATarAndAFileAsItsBytes() throws IOException {
        MemoryStorage storage = new MemoryStorage();
        storage.put("k", "file".getBytes(StandardCharsets.UTF_8));
        storage.put("k/a.txt", "A".getBytes(StandardCharsets.UTF_8));
        ArtifactOperations ops = new ArtifactOperations(storage, FAST_RETRIES);
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        assertThat(ops.streamTo(ArtifactKey.parse("k"), file)).isEqualTo("file");
        assertThat(file.toString(StandardCharsets.UTF_8)).isEqualTo("file");
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        storage.delete("k");
        assertThat(ops.streamTo(ArtifactKey.parse("k/"), tar)).isEqualTo("directory_tar");
        assertThat(tar.size()).isGreaterThan(512);
    }

    /** Serves each object through streams that a "network" cuts after {@code cutAfter} bytes, a few times. */
    private static final class CuttingStorage extends MemoryStorage {
        final List<Long> opensAt = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final int cutAfter;
        private final AtomicInteger cutsLeft;

        CuttingStorage(int cutAfter, int cuts) {
            this.cutAfter = cutAfter;
            this.cutsLeft = new AtomicInteger(cuts);
        }

        @Override
        public java.io.InputStream openRead(String key, long offset) throws IOException {
            opensAt.add(offset);
            java.io.InputStream in = super.openRead(key, offset);
            return new java.io.FilterInputStream(in) {
                private long served;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    if (served >= cutAfter && cutsLeft.getAndDecrement() > 0) {
                        throw new java.net.SocketException("Connection reset");
                    }
                    int n = super.read(b, off, (int)
                            Math.max(1, Math.min(len, cutAfter - served > 0 ? cutAfter - served : len)));
                    served += Math.max(n, 0);
                    return n;
                }
            };
        }
    }

    @Test
    void aLoadCutByTheNetworkResumesAtTheByteReachedNotAtZero() throws IOException {
        CuttingStorage storage = new CuttingStorage(1000, 3);
        byte[] content = new byte[3500];
        new java.util.Random(5).nextBytes(content);
        storage.put("k.bin", content);
        Path target = Files.createDirectories(dir.resolve("in")).resolve("k.bin");
        new ArtifactOperations(storage, FAST_RETRIES).load(ArtifactKey.parse("k.bin"), target);
        assertThat(Files.readAllBytes(target)).isEqualTo(content);
        assertThat(storage.opensAt).containsExactly(0L, 1000L, 2000L, 3000L);
    }

    @Test
    void aReadThatKeepsMovingIsNeverGivenUpButOneStuckIs() throws IOException {
        // Ten cuts, each after progress, with maxAttempts 4: the read still completes.
        CuttingStorage moving = new CuttingStorage(100, 10);
        byte[] content = new byte[1500];
        moving.put("k.bin", content);
        Path target = Files.createDirectories(dir.resolve("moving")).resolve("k.bin");
        new ArtifactOperations(moving, FAST_RETRIES).load(ArtifactKey.parse("k.bin"), target);
        assertThat(Files.size(target)).isEqualTo(1500);
        // A stream that never yields a byte gives up after maxAttempts.
        CuttingStorage stuck = new CuttingStorage(0, 100);
        stuck.put("k.bin", content);
        Path inputs = Files.createDirectories(dir.resolve("stuck"));
        assertThatThrownBy(() -> new ArtifactOperations(stuck, FAST_RETRIES)
                        .load(ArtifactKey.parse("k.bin"), inputs.resolve("k.bin")))
                .hasMessage("Connection reset");
        assertThat(stuck.opensAt).hasSize(4);
        assertThat(entries(inputs)).isEmpty();
    }

    @Test
    void anOpenStreamCutByTheNetworkResumesSoTheBrowserGetsTheWholeFile() throws IOException {
        CuttingStorage storage = new CuttingStorage(700, 2);
        byte[] content = new byte[2000];
        new java.util.Random(9).nextBytes(content);
        storage.put("k.bin", content);
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertThat(new ArtifactOperations(storage, FAST_RETRIES).streamTo(ArtifactKey.parse("k.bin"), sink))
                .isEqualTo("file");
        assertThat(sink.toByteArray()).isEqualTo(content);
        assertThat(storage.opensAt).containsExactly(0L, 700L, 1400L);
    }

    @Test
    void anOpenStreamOfAMissingKeyFailsBeforeAnyByteIsSent() {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        assertThatThrownBy(() -> new ArtifactOperations(new MemoryStorage(), FAST_RETRIES)
                        .streamTo(ArtifactKey.parse("gone"), sink))
                .isInstanceOf(ArtifactNotFoundException.class);
        assertThat(sink.size()).isZero();
    }

    @Test
    void statAndListAreRetriedLikeTransfersAndAResumedListingRepeatsNothing() throws IOException {
        AtomicInteger statFailures = new AtomicInteger(2);
        AtomicInteger listFailures = new AtomicInteger(1);
        MemoryStorage storage = new MemoryStorage() {
            @Override
            public java.util.Optional<dev.argoartifact.common.storage.ObjectInfo> stat(String key) throws IOException {
                if (statFailures.getAndDecrement() > 0) {
                    throw new SocketTimeoutException("stat timed out");
                }
                return super.stat(key);
            }

            @Override
            public void list(String prefix, ObjectVisitor visitor) throws IOException {
                super.list(prefix, new ObjectVisitor() {
                    private int seen;

                    @Override
                    public boolean visit(dev.argoartifact.common.storage.ObjectInfo object) throws IOException {
                        if (++seen == 3 && listFailures.getAndDecrement() > 0) {
                            throw new java.net.SocketException("Connection reset");
                        }
                        return visitor.visit(object);
                    }
                });
            }
        };
        for (int i = 0; i < 5; i++) {
            storage.put("d/f" + i, new byte[] {(byte) i});
        }
        ArtifactOperations ops = new ArtifactOperations(storage, FAST_RETRIES);
        assertThat(ops.list(ArtifactKey.parse("d"))).containsExactly("d/f0", "d/f1", "d/f2", "d/f3", "d/f4");
        Path target = dir.resolve("loaded");
        ops.load(ArtifactKey.parse("d"), target);
        assertThat(entries(target)).containsExactly("f0", "f1", "f2", "f3", "f4");
        assertThat(statFailures.get()).isNegative();
    }

    @Test
    void aRefusedBatchDeleteIsAnErrorNamingTheKeys() {
        MemoryStorage storage = new MemoryStorage.WithBatchDelete() {
            @Override
            public void deleteBatch(Collection<String> keys) throws IOException {
                List<String> refused =
                        keys.stream().filter(k -> k.contains("locked")).toList();
                keys.stream().filter(k -> !k.contains("locked")).forEach(objects::remove);
                if (!refused.isEmpty()) {
                    throw new dev.argoartifact.common.storage.BatchDeleteException(
                            refused, "forbidden (HTTP 403)", dev.argoartifact.common.failure.Failure.DENIED);
                }
            }
        };
        storage.put("d/a", new byte[0]);
        storage.put("d/locked", new byte[0]);
        assertThatThrownBy(() -> new ArtifactOperations(storage, FAST_RETRIES).delete(ArtifactKey.parse("d")))
                .hasMessageContaining("d/locked")
                .hasMessageContaining("HTTP 403");
        assertThat(storage.objects.keySet()).containsExactly("d/locked");
    }

    @Test
    void aLargeFileGoesInPartsAndATransientFailureSendsOnlyThatPartAgain() throws IOException {
        AtomicInteger failuresOfPart3 = new AtomicInteger(2);
        MemoryStorage.WithPartedWrites storage = new MemoryStorage.WithPartedWrites(1000) {
            @Override
            void beforePart(String key, int number) throws IOException {
                if (number == 3 && failuresOfPart3.getAndDecrement() > 0) {
                    throw new SocketTimeoutException("part timed out");
                }
            }
        };
        byte[] content = new byte[4321];
        new java.util.Random(2).nextBytes(content);
        Path file = Files.write(dir.resolve("big.bin"), content);
        new ArtifactOperations(storage, FAST_RETRIES).save(ArtifactKey.parse("big.bin"), file);
        assertThat(storage.objects.get("big.bin")).isEqualTo(content);
        assertThat(storage.uploadedParts).containsExactlyInAnyOrder(1, 2, 3, 4, 5);
        assertThat(storage.aborted.get()).isZero();
        // A file of one part or less goes as one write.
        Path small = Files.write(dir.resolve("small.bin"), new byte[1000]);
        new ArtifactOperations(storage, FAST_RETRIES).save(ArtifactKey.parse("small.bin"), small);
        assertThat(storage.uploadedParts).hasSize(5);
    }

    @Test
    void aPartThatKeepsFailingAbortsTheUploadAndLeavesNothing() throws IOException {
        MemoryStorage.WithPartedWrites storage = new MemoryStorage.WithPartedWrites(1000) {
            @Override
            void beforePart(String key, int number) throws IOException {
                if (number == 2) {
                    throw new dev.argoartifact.common.failure.StorageException(
                            "part refused", null, dev.argoartifact.common.failure.Failure.DENIED);
                }
            }
        };
        Path file = Files.write(dir.resolve("big.bin"), new byte[3500]);
        assertThatThrownBy(() -> new ArtifactOperations(storage, FAST_RETRIES).save(ArtifactKey.parse("big.bin"), file))
                .hasMessage("part refused");
        assertThat(storage.aborted.get()).isEqualTo(1);
        assertThat(storage.objects).isEmpty();
    }

    @Test
    void keysAreValidatedAndNormalized() {
        assertThat(ArtifactKey.parse("wf/pod/out/").value()).isEqualTo("wf/pod/out");
        assertThat(ArtifactKey.parse("wf/pod/out").directoryPrefix()).isEqualTo("wf/pod/out/");
        assertThatThrownBy(() -> ArtifactKey.parse("")).hasMessageContaining("no key");
        assertThatThrownBy(() -> ArtifactKey.parse("/etc/passwd")).hasMessageContaining("is absolute");
        assertThatThrownBy(() -> ArtifactKey.parse("a/../b")).hasMessageContaining("'..' path segment");
        assertThatThrownBy(() -> ArtifactKey.parse("a/./b")).hasMessageContaining("'.' path segment");
        assertThatThrownBy(() -> ArtifactKey.parse("a//b")).hasMessageContaining("empty path segment");
        assertThatThrownBy(() -> ArtifactKey.parse("a\0b"))
                .hasMessageContaining("NUL")
                .hasMessageContaining("a\\x00b");
        assertThatThrownBy(() -> ArtifactKey.parse("x".repeat(1025))).hasMessageContaining("longer than 1024 bytes");
        assertThatThrownBy(() -> ArtifactKey.parse("dir\\file")).hasMessageContaining("backslash");
    }
}
