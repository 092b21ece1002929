package dev.argoartifact.conformance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.config.ConfigurationFields;
import dev.argoartifact.common.config.FieldClass;
import dev.argoartifact.common.log.JsonLog;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.AtomicWrite;
import dev.argoartifact.common.storage.BatchDelete;
import dev.argoartifact.common.storage.DirectoryDelete;
import dev.argoartifact.common.storage.FileTransfers;
import dev.argoartifact.common.storage.ListedReads;
import dev.argoartifact.common.storage.ObjectInfo;
import dev.argoartifact.common.storage.PartedWrites;
import dev.argoartifact.common.storage.RangedReads;
import dev.argoartifact.common.storage.StagedWrites;
import dev.argoartifact.common.storage.StorageAbilities;
import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import dev.argoartifact.conformance.client.ArtifactClient.StreamReport;
import dev.argoartifact.proto.Artifact;
import io.grpc.health.v1.HealthCheckResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every driver must show to Argo, checked over a real Unix socket with a client that
 * behaves like Argo's. A driver's test subclasses this and supplies a {@link ConformanceFixture}
 * backed by a real server. Tags group the checks into the capabilities reported in the index.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ArtifactDriverConformance {
    private static final String PLUGIN = "conformance";
    private static final int MIB = 1 << 20;

    private ConformanceFixture fixture;
    private ArtifactClient client;
    private final ScratchDirectories scratch = new ScratchDirectories();
    private final AtomicInteger keys = new AtomicInteger();

    @TempDir
    Path work;

    /** Creates the fixture once per class: a running driver against a real backend. */
    protected abstract ConformanceFixture createFixture() throws Exception;

    /**
     * A directory for the fixture (its backend's data, keys, the driver's socket), removed with
     * everything in it after the fixture closes.
     */
    protected final Path scratchDirectory(String prefix) throws IOException {
        return scratch.create(prefix);
    }

    /** Why the backend cannot run here, when createFixture() gave up through an assumption. */
    private String unavailable;

    @BeforeAll
    final void startFixture() throws Exception {
        try {
            fixture = createFixture();
        } catch (org.opentest4j.TestAbortedException e) {
            // Skip every check with the reason, so reports show what was skipped and why.
            unavailable = e.getMessage();
            return;
        }
        client = new ArtifactClient(fixture.socket(), PLUGIN);
        // Fail once, clearly, instead of every check waiting out the connection timeout.
        assertThat(client.health())
                .as("the driver at %s answers gRPC health", fixture.socket())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @org.junit.jupiter.api.BeforeEach
    final void skipWhenTheBackendIsUnavailable() {
        assumeTrue(unavailable == null, () -> "backend unavailable: " + unavailable);
    }

    @AfterAll
    final void stopFixture() throws Exception {
        try (scratch) {
            if (fixture != null) {
                fixture.close();
            }
        }
    }

    protected final ConformanceFixture fixture() {
        return fixture;
    }

    protected final ArtifactClient client() {
        return client;
    }

    /** A fresh key under the fixture's prefix, named after the test. */
    protected final String newKey(TestInfo test) {
        String method = test.getTestMethod().map(m -> m.getName()).orElse("test");
        return fixture.keyPrefix() + "/" + method + "-" + keys.incrementAndGet() + "-"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    protected final Artifact artifact(String key) {
        return client.artifact(fixture.configuration(), key);
    }

    private Path localFile(String name, long size, long seed) throws IOException {
        return TestData.write(work.resolve("src-" + UUID.randomUUID()).resolve(name), size, seed);
    }

    /** Where Argo asks for a load: an existing parent, a target that does not exist yet. */
    private Path loadTarget() throws IOException {
        Path parent = Files.createDirectories(work.resolve("inputs-" + UUID.randomUUID()));
        return parent.resolve("artifact.tmp");
    }

    private void assertFileRoundTrip(String key, long size) throws IOException {
        Path source = localFile("data.bin", size, size * 31 + 7);
        assertThat(client.save(source, artifact(key))).isEqualTo(new Reply(true, ""));
        Path target = loadTarget();
        assertThat(client.load(artifact(key), target)).isEqualTo(new Reply(true, ""));
        assertThat(target).isRegularFile();
        assertThat(Files.size(target)).isEqualTo(size);
        assertThat(TestData.sha256(target)).isEqualTo(TestData.sha256(source));
        assertThat(siblingsOf(target))
                .as("no partial files left beside the load target")
                .containsExactly(target.getFileName().toString());
    }

    private static List<String> siblingsOf(Path target) throws IOException {
        try (Stream<Path> s = Files.list(target.getParent())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** A small nested tree with spaces and non-ASCII names, like real outputs. */
    private Path nestedTree() throws IOException {
        Path root = work.resolve("tree-" + UUID.randomUUID());
        TestData.write(root.resolve("report.html"), 1200, 1);
        TestData.write(root.resolve("empty.txt"), 0, 2);
        TestData.write(root.resolve("data/part-0001.csv"), 70_000, 3);
        TestData.write(root.resolve("data/deeper/still deeper/leaf file.bin"), 3 * MIB + 5, 4);
        TestData.write(root.resolve("ünïcödé/日本語 ファイル.txt"), 333, 5);
        TestData.write(root.resolve("spaces in dir/a b c.txt"), 10, 6);
        return root;
    }

    // ---------------------------------------------------------------- files

    @Test
    @Tag("files")
    void emptyFileRoundTrips(TestInfo test) throws IOException {
        assertFileRoundTrip(newKey(test) + "/empty.tgz", 0);
    }

    @Test
    @Tag("files")
    void oneByteFileRoundTrips(TestInfo test) throws IOException {
        assertFileRoundTrip(newKey(test) + "/one.tgz", 1);
    }

    @Test
    @Tag("files")
    void multiChunkFileRoundTrips(TestInfo test) throws IOException {
        assertFileRoundTrip(newKey(test) + "/multi.tgz", 5L * MIB + 123);
    }

    @Test
    @Tag("files")
    void largeFileRoundTripsWithChecksum(TestInfo test) throws IOException {
        assertFileRoundTrip(newKey(test) + "/large.bin", fixture.largeFileBytes());
    }

    @Test
    @Tag("files")
    void savingAgainReplacesTheObject(TestInfo test) throws IOException {
        String key = newKey(test) + "/again.tgz";
        assertThat(client.save(localFile("a", 1000, 1), artifact(key)).success())
                .isTrue();
        Path second = localFile("b", 2000, 2);
        assertThat(client.save(second, artifact(key)).success()).isTrue();
        Path target = loadTarget();
        assertThat(client.load(artifact(key), target).success()).isTrue();
        assertThat(TestData.sha256(target)).isEqualTo(TestData.sha256(second));
    }

    // ---------------------------------------------------------------- directories

    @Test
    @Tag("directories")
    void nestedDirectoryRoundTripsWithUnicodeAndSpaces(TestInfo test) throws IOException {
        String key = newKey(test) + "/out";
        Path tree = nestedTree();
        assertThat(client.save(tree, artifact(key))).isEqualTo(new Reply(true, ""));
        Path target = loadTarget();
        assertThat(client.load(artifact(key), target)).isEqualTo(new Reply(true, ""));
        assertThat(target).isDirectory();
        assertThat(TestData.treeDigests(target)).isEqualTo(TestData.treeDigests(tree));
        assertThat(siblingsOf(target)).containsExactly(target.getFileName().toString());
    }

    @Test
    @Tag("directories")
    void keysWithAndWithoutTrailingSlashNameTheSameDirectory(TestInfo test) throws IOException {
        String key = newKey(test) + "/dir";
        Path tree = nestedTree();
        assertThat(client.save(tree, artifact(key + "/")).success()).isTrue();
        for (String form : List.of(key, key + "/")) {
            Path target = loadTarget();
            assertThat(client.load(artifact(form), target).success())
                    .as("load %s", form)
                    .isTrue();
            assertThat(TestData.treeDigests(target)).isEqualTo(TestData.treeDigests(tree));
            assertThat(client.isDirectory(artifact(form)))
                    .as("isDirectory %s", form)
                    .isEqualTo(new ArtifactClient.DirectoryReply(true, ""));
            assertThat(client.listObjects(artifact(form)).objects())
                    .as("list %s", form)
                    .hasSize(TestData.treeDigests(tree).size())
                    .allSatisfy(k -> assertThat(k).startsWith(key + "/").doesNotContain("//"));
        }
        assertThat(client.delete(artifact(key + "/")).success()).isTrue();
        assertThat(client.isDirectory(artifact(key)).isDirectory()).isFalse();
    }

    @Test
    @Tag("directories")
    void directoryListingIsRecursiveFullKeysOfFilesOnly(TestInfo test) throws IOException {
        String key = newKey(test) + "/site";
        Path tree = nestedTree();
        assertThat(client.save(tree, artifact(key)).success()).isTrue();
        List<String> expected = TestData.treeDigests(tree).keySet().stream()
                .map(rel -> key + "/" + rel)
                .sorted()
                .toList();
        ArtifactClient.ListReply listed = client.listObjects(artifact(key));
        assertThat(listed.error()).isEmpty();
        assertThat(listed.objects()).containsExactlyInAnyOrderElementsOf(expected);
        // Nested prefixes report true too: the Argo Server calls IsDirectory again inside a directory.
        assertThat(client.isDirectory(artifact(key + "/data")).isDirectory()).isTrue();
        assertThat(client.isDirectory(artifact(key + "/data/deeper")).isDirectory())
                .isTrue();
        assertThat(client.isDirectory(artifact(key + "/report.html")))
                .isEqualTo(new ArtifactClient.DirectoryReply(false, ""));
    }

    @Test
    @Tag("directories")
    void fileKeyListsItselfAndIsNotADirectory(TestInfo test) throws IOException {
        String key = newKey(test) + "/single.tgz";
        assertThat(client.save(localFile("x", 10, 1), artifact(key)).success()).isTrue();
        assertThat(client.listObjects(artifact(key))).isEqualTo(new ArtifactClient.ListReply(List.of(key), ""));
        assertThat(client.isDirectory(artifact(key))).isEqualTo(new ArtifactClient.DirectoryReply(false, ""));
    }

    @Test
    @Tag("directories")
    void prefixSiblingsAreNeverConfused(TestInfo test) throws IOException {
        String base = newKey(test);
        String out = base + "/out";
        Path tree = nestedTree();
        assertThat(client.save(tree, artifact(out)).success()).isTrue();
        assertThat(client.save(localFile("t", 100, 1), artifact(base + "/out.tgz"))
                        .success())
                .isTrue();
        assertThat(client.save(localFile("o", 100, 2), artifact(base + "/outer/x.txt"))
                        .success())
                .isTrue();
        assertThat(client.save(localFile("p", 100, 3), artifact(base + "/output"))
                        .success())
                .isTrue();

        assertThat(client.listObjects(artifact(out)).objects())
                .allSatisfy(k -> assertThat(k).startsWith(out + "/"));
        Path target = loadTarget();
        assertThat(client.load(artifact(out), target).success()).isTrue();
        assertThat(TestData.treeDigests(target)).isEqualTo(TestData.treeDigests(tree));

        assertThat(client.delete(artifact(out))).isEqualTo(new Reply(true, ""));
        assertThat(client.isDirectory(artifact(out)).isDirectory()).isFalse();
        assertThat(client.listObjects(artifact(base + "/out.tgz")).objects()).containsExactly(base + "/out.tgz");
        assertThat(client.listObjects(artifact(base + "/outer")).objects()).containsExactly(base + "/outer/x.txt");
        assertThat(client.listObjects(artifact(base + "/output")).objects()).containsExactly(base + "/output");
    }

    @Test
    @Tag("directories")
    void symlinksLeadingOutsideASavedDirectoryAreNotFollowed(TestInfo test) throws IOException {
        String key = newKey(test) + "/linked";
        Path root = work.resolve("links-" + UUID.randomUUID());
        TestData.write(root.resolve("real.txt"), 50, 1);
        Path outside = TestData.write(work.resolve("outside-" + UUID.randomUUID() + ".txt"), 40, 2);
        Files.createSymbolicLink(root.resolve("inside-link.txt"), root.resolve("real.txt"));
        Files.createSymbolicLink(root.resolve("outside-link.txt"), outside);
        Files.createSymbolicLink(root.resolve("loop"), root);
        assertThat(client.save(root, artifact(key)).success()).isTrue();
        assertThat(client.listObjects(artifact(key)).objects())
                .containsExactlyInAnyOrder(key + "/real.txt", key + "/inside-link.txt");
    }

    // ---------------------------------------------------------------- missing keys and errors

    @Test
    @Tag("errors")
    void missingKeysFailClearlyOrReportNothing(TestInfo test) throws IOException {
        String key = newKey(test) + "/does-not-exist";
        Path target = loadTarget();
        Reply load = client.load(artifact(key), target);
        assertThat(load.success()).isFalse();
        assertThat(load.error()).contains(key).containsIgnoringCase("no artifact");
        assertThat(target).doesNotExist();
        assertThat(siblingsOf(target)).as("a failed load leaves no debris").isEmpty();
        assertThat(client.isDirectory(artifact(key))).isEqualTo(new ArtifactClient.DirectoryReply(false, ""));
        assertThat(client.listObjects(artifact(key))).isEqualTo(new ArtifactClient.ListReply(List.of(), ""));
        StreamReport stream = client.openStream(artifact(key), OutputStream.nullOutputStream(), 0);
        assertThat(stream.ok()).isFalse();
        assertThat(stream.error()).contains(key);
        assertThat(stream.bytes()).isZero();
    }

    @Test
    @Tag("errors")
    void savingAMissingLocalPathFailsClearly(TestInfo test) {
        String key = newKey(test) + "/x.tgz";
        Reply save = client.save(work.resolve("no-such-file.tgz"), artifact(key));
        assertThat(save.success()).isFalse();
        assertThat(save.error()).contains("no-such-file.tgz").contains("does not exist");
        assertThat(client.listObjects(artifact(key)).objects()).isEmpty();
    }

    @Test
    @Tag("safety")
    void keysThatWouldEscapeAreRefusedByEveryOperation() throws IOException {
        Path file = localFile("f", 10, 1);
        for (String hostile : List.of(
                "../escape.tgz",
                fixture.keyPrefix() + "/a/../../../etc/passwd",
                "/absolute/key",
                fixture.keyPrefix() + "/nul\0byte",
                fixture.keyPrefix() + "//double",
                fixture.keyPrefix() + "/back\\slash",
                "")) {
            Reply save = client.save(file, artifact(hostile));
            assertThat(save.success()).as("save %s", hostile).isFalse();
            assertThat(save.error()).as("save %s", hostile).containsAnyOf("not allowed", "absolute", "no key");
            assertThat(client.load(artifact(hostile), loadTarget()).success())
                    .as("load %s", hostile)
                    .isFalse();
            assertThat(client.delete(artifact(hostile)).success())
                    .as("delete %s", hostile)
                    .isFalse();
            assertThat(client.listObjects(artifact(hostile)).error())
                    .as("list %s", hostile)
                    .isNotEmpty();
            assertThat(client.isDirectory(artifact(hostile)).error())
                    .as("isDirectory %s", hostile)
                    .isNotEmpty();
            assertThat(save.error()).as("control characters are escaped").doesNotContain("\0");
        }
    }

    @Test
    @Tag("safety")
    void wildcardCharactersInKeysAreLiteral(TestInfo test) throws IOException {
        // Backends with glob-expanding APIs (JSch, shells, some SDKs) must not widen an operation.
        String base = newKey(test);
        for (String name : List.of("a*b.txt", "a1b.txt", "a?c.txt", "abc.txt", "[x].txt", "{y}.txt")) {
            assertThat(client.save(localFile("w", 10 + name.length(), name.hashCode()), artifact(base + "/" + name))
                            .success())
                    .as("save %s", name)
                    .isTrue();
        }
        assertThat(client.delete(artifact(base + "/a*b.txt"))).isEqualTo(new Reply(true, ""));
        assertThat(client.delete(artifact(base + "/a?c.txt"))).isEqualTo(new Reply(true, ""));
        assertThat(client.listObjects(artifact(base)).objects())
                .containsExactlyInAnyOrder(base + "/a1b.txt", base + "/abc.txt", base + "/[x].txt", base + "/{y}.txt");
        Path target = loadTarget();
        assertThat(client.load(artifact(base + "/[x].txt"), target).success()).isTrue();
        assertThat(Files.size(target)).isEqualTo(10 + "[x].txt".length());
    }

    // ---------------------------------------------------------------- delete

    @Test
    @Tag("delete")
    void deleteIsRecursiveIdempotentAndSiblingSafe(TestInfo test) throws IOException {
        String base = newKey(test);
        assertThat(client.save(nestedTree(), artifact(base + "/out")).success()).isTrue();
        assertThat(client.save(localFile("f", 10, 1), artifact(base + "/out.tgz"))
                        .success())
                .isTrue();
        assertThat(client.save(localFile("g", 10, 2), artifact(base + "/outer/keep.txt"))
                        .success())
                .isTrue();

        assertThat(client.delete(artifact(base + "/out"))).isEqualTo(new Reply(true, ""));
        assertThat(client.listObjects(artifact(base + "/out")).objects())
                .as("only out.tgz itself is not under out/")
                .isEmpty();
        assertThat(client.isDirectory(artifact(base + "/out")).isDirectory()).isFalse();
        assertThat(client.delete(artifact(base + "/out")))
                .as("deleting again succeeds")
                .isEqualTo(new Reply(true, ""));
        assertThat(client.delete(artifact(base + "/never-existed"))).isEqualTo(new Reply(true, ""));

        assertThat(client.load(artifact(base + "/out.tgz"), loadTarget()).success())
                .isTrue();
        assertThat(client.load(artifact(base + "/outer"), loadTarget()).success())
                .isTrue();

        assertThat(client.delete(artifact(base + "/out.tgz"))).isEqualTo(new Reply(true, ""));
        assertThat(client.listObjects(artifact(base + "/out.tgz")).objects()).isEmpty();
        assertThat(client.listObjects(artifact(base + "/outer")).objects()).containsExactly(base + "/outer/keep.txt");
    }

    // ---------------------------------------------------------------- OpenStream

    @Test
    @Tag("streaming")
    void openStreamSendsChunksOfAtMostOneMebibyteThenAnEmptyEnd(TestInfo test) throws IOException {
        String key = newKey(test) + "/stream.bin";
        Path source = localFile("s", 2L * MIB + MIB / 2 + 3, 9);
        assertThat(client.save(source, artifact(key)).success()).isTrue();
        TestData.DigestSink sink = new TestData.DigestSink();
        StreamReport report = client.openStream(artifact(key), sink, 0);
        assertThat(report.error()).isEmpty();
        assertThat(report.endSeen()).as("an is_end message closes the stream").isTrue();
        assertThat(report.dataInEndMessage())
                .as("Argo discards data in the is_end message")
                .isFalse();
        assertThat(report.messagesAfterEnd()).isFalse();
        assertThat(report.largestDataMessage()).isLessThanOrEqualTo(MIB);
        assertThat(report.dataMessages()).isEqualTo(3);
        assertThat(sink.bytes()).isEqualTo(Files.size(source));
        assertThat(sink.hex()).isEqualTo(TestData.sha256(source));
    }

    @Test
    @Tag("streaming")
    void openStreamOfAnEmptyFileSendsOnlyTheEnd(TestInfo test) throws IOException {
        String key = newKey(test) + "/empty.bin";
        assertThat(client.save(localFile("e", 0, 1), artifact(key)).success()).isTrue();
        StreamReport report = client.openStream(artifact(key), OutputStream.nullOutputStream(), 0);
        assertThat(report.error()).isEmpty();
        assertThat(report.endSeen()).isTrue();
        assertThat(report.dataMessages()).isZero();
    }

    @Test
    @Tag("streaming")
    void openStreamOfADirectoryStreamsATarOfTheTree(TestInfo test) throws IOException {
        String key = newKey(test) + "/tree";
        Path tree = nestedTree();
        assertThat(client.save(tree, artifact(key)).success()).isTrue();
        ByteArrayOutputStream tarBytes = new ByteArrayOutputStream();
        StreamReport report = client.openStream(artifact(key), tarBytes, 0);
        assertThat(report.error()).isEmpty();
        assertThat(report.endSeen()).isTrue();
        assertThat(report.largestDataMessage()).isLessThanOrEqualTo(MIB);
        Map<String, String> entries = new TreeMap<>();
        try (TarArchiveInputStream tar =
                new TarArchiveInputStream(new java.io.ByteArrayInputStream(tarBytes.toByteArray()))) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                entries.put(entry.getName(), TestData.sha256(tar.readAllBytes()));
            }
        }
        assertThat(entries).isEqualTo(TestData.treeDigests(tree));
    }

    @Test
    @Tag("streaming")
    void cancellingOpenStreamLeavesTheDriverServing(TestInfo test) throws IOException {
        String key = newKey(test) + "/cancel.bin";
        assertThat(client.save(localFile("c", 12L * MIB, 3), artifact(key)).success())
                .isTrue();
        StreamReport cancelled = client.openStream(artifact(key), OutputStream.nullOutputStream(), 1);
        assertThat(cancelled.dataMessages()).isEqualTo(1);
        // The driver must keep serving and must not be wedged by the abandoned stream.
        for (int i = 0; i < 3; i++) {
            StreamReport full = client.openStream(artifact(key), OutputStream.nullOutputStream(), 0);
            assertThat(full.error()).isEmpty();
            assertThat(full.bytes()).isEqualTo(12L * MIB);
        }
    }

    // ---------------------------------------------------------------- SaveStream

    @Test
    @Tag("save-stream")
    void saveStreamIsAdvertisedAndWritesTheStream(TestInfo test) throws IOException {
        assertThat(client.supportsSaveStream()).isTrue();
        String key = newKey(test) + "/uploads/ns/uuid/upload.bin";
        Path source = localFile("u", 7L * MIB + 11, 17);
        try (InputStream in = Files.newInputStream(source)) {
            assertThat(client.saveStream(artifact(key), in, -1)).isEqualTo(new Reply(true, ""));
        }
        Path target = loadTarget();
        assertThat(client.load(artifact(key), target).success()).isTrue();
        assertThat(TestData.sha256(target)).isEqualTo(TestData.sha256(source));
    }

    // ---------------------------------------------------------------- failures

    private ConformanceFixture.Backend backendOrSkip() {
        Optional<ConformanceFixture.Backend> backend = fixture.backend();
        assumeTrue(backend.isPresent(), "the fixture gives no direct access to the backend");
        return backend.get();
    }

    /**
     * A SaveStream the client abandons after 24 MiB (several parts or blocks on every backend)
     * leaves nothing on the backend: no staged file, no uncommitted block, no open upload.
     */
    @Test
    @Tag("failures")
    void anAbortedUploadLeavesNothingOnTheBackend(TestInfo test) throws Exception {
        ConformanceFixture.Backend backend = backendOrSkip();
        Optional<java.util.Set<String>> before = backend.unfinishedUploads();
        assumeTrue(before.isPresent(), "the fixture cannot list the backend's unfinished uploads");
        String key = newKey(test) + "/abandoned.bin";
        Path source = localFile("abandoned", 40L * MIB, 11);
        try (InputStream in = Files.newInputStream(source)) {
            assertThat(client.saveStream(artifact(key), in, 24L * MIB).success())
                    .isFalse();
        }
        // The driver sees the cancellation a moment later; give its abort time to finish.
        java.util.Set<String> after = backend.unfinishedUploads().orElseThrow();
        for (int i = 0; i < 100 && !after.equals(before.get()); i++) {
            Thread.sleep(100);
            after = backend.unfinishedUploads().orElseThrow();
        }
        assertThat(after).as("unfinished uploads on the backend").isEqualTo(before.get());
        assertThat(client.listObjects(artifact(key)).objects()).isEmpty();
    }

    /**
     * The probe the check above relies on sees a write in progress (so that check can fail), and
     * the storage's own abort, closing a write without a commit, removes it.
     */
    @Test
    @Tag("failures")
    void aWriteInProgressIsSeenOnTheBackendUntilItIsAborted(TestInfo test) throws Exception {
        ConformanceFixture.Backend backend = backendOrSkip();
        ArtifactStorage storage = storageOrSkip();
        Optional<java.util.Set<String>> before = backend.unfinishedUploads();
        assumeTrue(before.isPresent(), "the fixture cannot list the backend's unfinished uploads");
        String key = newKey(test) + "/in-progress.bin";
        try (AtomicWrite write = storage.startWrite(key)) {
            byte[] block = new byte[MIB];
            for (int i = 0; i < 24; i++) {
                write.stream().write(block);
            }
            write.stream().flush();
            assertThat(backend.unfinishedUploads().orElseThrow())
                    .as("a write of 24 MiB in progress")
                    .isNotEqualTo(before.get());
        }
        assertThat(backend.unfinishedUploads().orElseThrow())
                .as("after the abort")
                .isEqualTo(before.get());
        assertThat(storage.stat(key)).isEmpty();
    }

    /** A delete the backend refuses (a permission, a lease, a policy) is an error naming the key, never a success. */
    @Test
    @Tag("failures")
    void aRefusedDeleteIsAnError(TestInfo test) throws Exception {
        ConformanceFixture.Backend backend = backendOrSkip();
        String key = newKey(test) + "/kept";
        assertThat(client.save(nestedTree(), artifact(key))).isEqualTo(new Reply(true, ""));
        assumeTrue(backend.refuseDeletesUnder(key + "/"), "the backend cannot be made to refuse deletes here");
        Reply reply = client.delete(artifact(key));
        assertThat(reply.success()).as("a refused delete is not a success").isFalse();
        assertThat(reply.error()).contains(key);
        assertThat(client.listObjects(artifact(key)).objects())
                .as("what could not be deleted is still there")
                .isNotEmpty();
    }

    /**
     * Another client removed a directory this driver had written into (a clean-up job, a user): the
     * next writes into it make it again, whatever the driver remembered about it.
     */
    @Test
    @Tag("failures")
    void aDirectoryRemovedBehindTheDriversBackIsMadeAgain(TestInfo test) throws Exception {
        ConformanceFixture.Backend backend = backendOrSkip();
        String key = newKey(test);
        Path file = localFile("f.txt", 1000, 21);
        assertThat(client.save(file, artifact(key + "/a/b/first.txt"))).isEqualTo(new Reply(true, ""));
        backend.removeUnder(key + "/");
        assertThat(client.save(file, artifact(key + "/a/b/second.txt")))
                .as("save")
                .isEqualTo(new Reply(true, ""));
        backend.removeUnder(key + "/");
        try (InputStream in = Files.newInputStream(file)) {
            assertThat(client.saveStream(artifact(key + "/a/b/third.txt"), in, -1))
                    .as("save-stream")
                    .isEqualTo(new Reply(true, ""));
        }
        backend.removeUnder(key + "/");
        Path tree = nestedTree();
        assertThat(client.save(tree, artifact(key + "/a/tree")))
                .as("directory save")
                .isEqualTo(new Reply(true, ""));
        Path target = loadTarget();
        assertThat(client.load(artifact(key + "/a/tree"), target)).isEqualTo(new Reply(true, ""));
        assertThat(TestData.treeDigests(target)).isEqualTo(TestData.treeDigests(tree));
    }

    @Test
    @Tag("save-stream")
    void abortedSaveStreamLeavesNothingUnderTheKey(TestInfo test) throws Exception {
        String key = newKey(test) + "/aborted.bin";
        Path source = localFile("a", 6L * MIB, 5);
        try (InputStream in = Files.newInputStream(source)) {
            Reply reply = client.saveStream(artifact(key), in, 3L * MIB);
            assertThat(reply.success()).isFalse();
        }
        // Give the driver a moment to see the cancellation; nothing may ever appear meanwhile.
        for (int i = 0; i < 10; i++) {
            assertThat(client.listObjects(artifact(key)).objects()).isEmpty();
            assertThat(client.isDirectory(artifact(key)).isDirectory()).isFalse();
            Thread.sleep(50);
        }
        assertThat(client.load(artifact(key), loadTarget()).success()).isFalse();
    }

    @Test
    @Tag("save-stream")
    void saveStreamWithoutMetadataFails() {
        // A stream whose first frame carries no artifact is refused, not written anywhere.
        Reply reply = client.saveStream(Artifact.getDefaultInstance(), InputStream.nullInputStream(), -1);
        assertThat(reply.success()).isFalse();
    }

    // ---------------------------------------------------------------- concurrency

    @Test
    @Tag("concurrency")
    void sixteenConcurrentOperationsAllSucceed(TestInfo test) throws Exception {
        String base = newKey(test);
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Callable<String>> work = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                int n = i;
                work.add(() -> {
                    String key = base + "/c" + n + (n % 2 == 0 ? ".tgz" : "");
                    Path source = n % 2 == 0 ? localFile("f" + n, 300_000 + n, n) : nestedTree();
                    Reply save = client.save(source, artifact(key));
                    if (!save.success()) {
                        return "save " + key + ": " + save.error();
                    }
                    Path target = loadTarget();
                    Reply load = client.load(artifact(key), target);
                    if (!load.success()) {
                        return "load " + key + ": " + load.error();
                    }
                    boolean same = n % 2 == 0
                            ? TestData.sha256(source).equals(TestData.sha256(target))
                            : TestData.treeDigests(source).equals(TestData.treeDigests(target));
                    return same ? "" : "content differs for " + key;
                });
            }
            List<String> problems = new ArrayList<>();
            for (Future<String> f : pool.invokeAll(work, 10, TimeUnit.MINUTES)) {
                String problem = f.get();
                if (!problem.isEmpty()) {
                    problems.add(problem);
                }
            }
            assertThat(problems).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }

    // ---------------------------------------------------------------- configuration

    private ObjectNode configurationTree() throws IOException {
        return (ObjectNode)
                new YAMLMapper().readTree(fixture.configuration().isBlank() ? "{}" : fixture.configuration());
    }

    /** The fields a configuration of this driver has: the operator's where it is known, else the workflow's. */
    private ObjectNode fullConfigurationTree() throws IOException {
        Optional<String> operator = fixture.operatorConfiguration();
        ObjectNode tree =
                operator.isPresent() ? (ObjectNode) new YAMLMapper().readTree(operator.get()) : configurationTree();
        tree.remove("policy");
        return tree;
    }

    private Reply saveWith(String configuration, String key) throws IOException {
        return client.save(localFile("cfg", 10, 1), client.artifact(configuration, key));
    }

    private void assertNoSecretIn(String error) {
        for (String secret : fixture.secretValues()) {
            assertThat(error).as("an error must never echo a secret").doesNotContain(secret);
        }
    }

    @Test
    @Tag("configuration")
    void malformedConfigurationFailsClearly(TestInfo test) throws IOException {
        Reply reply = saveWith("root: [unclosed\n  password: S3cr3t-Do-Not-Echo", newKey(test));
        assertThat(reply.success()).isFalse();
        assertThat(reply.error())
                .contains("configuration")
                .containsIgnoringCase("yaml")
                .doesNotContain("S3cr3t-Do-Not-Echo");
        assertThat(reply.error()).doesNotContain("\n").doesNotContain("\tat ");
    }

    @Test
    @Tag("configuration")
    void unknownFieldFailsWithASuggestionAndWithoutEchoingValues(TestInfo test) throws IOException {
        ObjectNode config = fullConfigurationTree();
        if (config.isEmpty() && !fixture.lockedFields().isEmpty()) {
            // Only the names are known (an external driver whose operator holds the whole configuration).
            config.put(fixture.lockedFields().getFirst(), "argo-artifact-conformance");
        }
        assumeTrue(
                !config.isEmpty(),
                "the kit knows no field of this driver (give -c, --locked-field or --required-field)");
        String field = config.fieldNames().next();
        String typo = transposeTypo(field);
        ObjectNode typoed = config.deepCopy();
        typoed.set(typo, typoed.remove(field));
        typoed.put("passwrod", "S3cr3t-Do-Not-Echo");
        Reply reply = saveWith(new ObjectMapper().writeValueAsString(typoed), newKey(test));
        assertThat(reply.success()).isFalse();
        assertThat(reply.error()).containsAnyOf("unknown field '" + typo + "'", "unknown field 'passwrod'");
        assertThat(reply.error()).doesNotContain("S3cr3t-Do-Not-Echo");
        ObjectNode onlyTypo = config.deepCopy();
        onlyTypo.set(typo, onlyTypo.remove(field));
        Reply typoReply = saveWith(new ObjectMapper().writeValueAsString(onlyTypo), newKey(test));
        assertThat(typoReply.error()).contains("unknown field '" + typo + "'").contains("did you mean '" + field + "'");
        assertNoSecretIn(reply.error());
        assertNoSecretIn(typoReply.error());
    }

    /** A plausible typo: the first pair of differing adjacent letters swapped ("root" to "roto"). */
    static String transposeTypo(String field) {
        for (int i = 1; i + 1 < field.length(); i++) {
            if (field.charAt(i) != field.charAt(i + 1)) {
                return field.substring(0, i) + field.charAt(i + 1) + field.charAt(i) + field.substring(i + 2);
            }
        }
        return field + "x";
    }

    /**
     * Each required field, removed: from the operator's configuration where the kit knows it (the
     * driver then refuses to start, naming the field), else from the workflow's.
     */
    @Test
    @Tag("configuration")
    void missingRequiredFieldsAreNamed(TestInfo test) throws Exception {
        assumeTrue(!fixture.requiredFields().isEmpty(), "the fixture names no required field (--required-field)");
        for (String field : fixture.requiredFields()) {
            if (fixture.operatorConfiguration().isPresent()) {
                ObjectNode operator = (ObjectNode) new YAMLMapper()
                        .readTree(fixture.operatorConfiguration().get());
                assertThat(operator.has(field))
                        .as("the operator's configuration has %s", field)
                        .isTrue();
                operator.remove(field);
                String error;
                try (ConformanceFixture variant = variant(json(operator))) {
                    // It started (the field may be the workflows' to give): then a call names the missing field.
                    ArtifactClient other = new ArtifactClient(variant.socket(), PLUGIN);
                    Reply reply =
                            other.save(localFile("cfg", 10, 1), other.artifact(fixture.configuration(), newKey(test)));
                    assertThat(reply.success()).as("without %s", field).isFalse();
                    error = reply.error();
                } catch (ConfigurationException refusedToStart) {
                    error = refusedToStart.getMessage();
                }
                assertThat(error)
                        .as("without %s", field)
                        .contains("'" + field + "'")
                        .contains("required");
                assertNoSecretIn(error);
                continue;
            }
            ObjectNode config = configurationTree();
            assertThat(config.has(field))
                    .as("the fixture's configuration has %s", field)
                    .isTrue();
            config.remove(field);
            Reply reply = saveWith(new ObjectMapper().writeValueAsString(config), newKey(test));
            assertThat(reply.success()).as("without %s", field).isFalse();
            assertThat(reply.error()).contains("'" + field + "'").contains("required");
            assertNoSecretIn(reply.error());
        }
    }

    @Test
    @Tag("configuration")
    void wrongTypeIsNamed(TestInfo test) throws IOException {
        ObjectNode config = configurationTree();
        ObjectNode transfer = config.putObject("transfer");
        transfer.put("filesInFlight", "many");
        Reply reply = saveWith(new ObjectMapper().writeValueAsString(config), newKey(test));
        assertThat(reply.success()).isFalse();
        assertThat(reply.error())
                .contains("transfer.filesInFlight")
                .contains("whole number")
                .doesNotContain("many");
    }

    // ---------------------------------------------------------------- hostile author

    /*
     * A workflow's configuration is written by whoever writes the workflow, and the driver beside
     * the Argo Server serves every namespace with that server's identity: the configuration is
     * hostile input. These checks write it as an attacker would.
     */

    /** The same driver with another operator's configuration, or the check is skipped where the kit cannot start one. */
    private ConformanceFixture variant(String operatorConfiguration) throws Exception {
        Optional<ConformanceFixture> variant = fixture.withOperatorConfiguration(operatorConfiguration);
        assumeTrue(variant.isPresent(), "the kit cannot start this driver with another operator's configuration");
        return variant.get();
    }

    private static String json(JsonNode node) throws IOException {
        return new ObjectMapper().writeValueAsString(node);
    }

    private ObjectNode operatorTree() throws IOException {
        return (ObjectNode)
                new YAMLMapper().readTree(fixture.operatorConfiguration().orElseThrow());
    }

    /** A file the driver could read, holding nothing of value: what a hostile reference points at. */
    private Path hostileTarget() throws IOException {
        Path target = work.resolve("hostile-target");
        if (!Files.exists(target)) {
            Files.writeString(target, "argo-artifact-conformance: nothing to see");
        }
        return target;
    }

    /** The where and who fields of the driver, each with a value that differs from the operator's. */
    private Map<String, JsonNode> lockedOverrides() throws IOException {
        Map<String, JsonNode> overrides = new LinkedHashMap<>();
        ObjectNode operator =
                fixture.operatorConfiguration().isPresent() ? operatorTree() : new ObjectMapper().createObjectNode();
        if (fixture.configurationType().isPresent()) {
            for (ConfigurationFields.Field f :
                    ConfigurationFields.of(fixture.configurationType().get()).fields()) {
                if (f.fieldClass() == FieldClass.WHERE || f.fieldClass() == FieldClass.WHO) {
                    overrides.put(f.name(), hostileValue(f, operator.get(f.name())));
                }
            }
        } else {
            for (String field : fixture.lockedFields()) {
                overrides.put(field, TextNode.valueOf("argo-artifact-conformance-override"));
            }
        }
        return overrides;
    }

    private JsonNode hostileValue(ConfigurationFields.Field f, JsonNode operatorValue) throws IOException {
        ObjectMapper mapper = new ObjectMapper();
        Class<?> type = f.type();
        if (f.isSecretReference()) {
            return mapper.createObjectNode().put("file", hostileTarget().toString());
        }
        if (f.nested() != null) {
            ConfigurationFields.Field first = f.nested().fields().getFirst();
            return mapper.createObjectNode()
                    .set(
                            first.name(),
                            hostileValue(first, operatorValue == null ? null : operatorValue.get(first.name())));
        }
        if (type == Integer.class || type == Long.class) {
            return LongNode.valueOf(operatorValue != null && operatorValue.asLong() == 4242 ? 4243 : 4242);
        }
        if (type == Boolean.class) {
            return BooleanNode.valueOf(operatorValue == null || !operatorValue.asBoolean());
        }
        if (java.util.List.class.isAssignableFrom(type)) {
            return mapper.createArrayNode().add("127.0.0.1:4242");
        }
        if (Map.class.isAssignableFrom(type)) {
            return mapper.createObjectNode().put("argo.artifact.conformance", "override");
        }
        return TextNode.valueOf("argo-artifact-conformance-override");
    }

    /** The one-line refusal of a Save with {@code configuration}; the same key every time, so refusals compare. */
    private String refusal(ArtifactClient via, String configuration, TestInfo test) throws IOException {
        String key = "refused/" + test.getTestMethod().map(m -> m.getName()).orElse("refused");
        Reply reply = via.save(localFile("h", 10, 1), via.artifact(configuration, key));
        assertThat(reply.success()).as("refused: %s", configuration).isFalse();
        assertThat(reply.error()).doesNotContain("\n").doesNotContain("\tat ");
        assertNoSecretIn(reply.error());
        return reply.error();
    }

    @Test
    @Tag("hostile-author")
    void everyLockedFieldRefusesAnOverride(TestInfo test) throws IOException {
        Map<String, JsonNode> overrides = lockedOverrides();
        assumeTrue(!overrides.isEmpty(), "the fixture names no field a workflow may not set (--locked-field)");
        for (Map.Entry<String, JsonNode> override : overrides.entrySet()) {
            ObjectNode workflow = configurationTree();
            workflow.set(override.getKey(), override.getValue());
            String error = refusal(client, json(workflow), test);
            assertThat(error)
                    .as("overriding %s", override.getKey())
                    .contains("field '" + override.getKey())
                    .containsIgnoringCase("operator");
        }
    }

    @Test
    @Tag("hostile-author")
    void aLockedFieldIsRefusedByEveryOperation(TestInfo test) throws IOException {
        Map<String, JsonNode> overrides = lockedOverrides();
        assumeTrue(!overrides.isEmpty(), "the fixture names no field a workflow may not set (--locked-field)");
        Map.Entry<String, JsonNode> first = overrides.entrySet().iterator().next();
        ObjectNode workflow = configurationTree();
        workflow.set(first.getKey(), first.getValue());
        Artifact hostile = client.artifact(json(workflow), newKey(test) + "/out");
        String field = "field '" + first.getKey();
        assertThat(client.save(localFile("e", 10, 1), hostile).error()).contains(field);
        assertThat(client.load(hostile, loadTarget()).error()).contains(field);
        assertThat(client.listObjects(hostile).error()).contains(field);
        assertThat(client.isDirectory(hostile).error()).contains(field);
        assertThat(client.delete(hostile).error()).contains(field);
        StreamReport stream = client.openStream(hostile, OutputStream.nullOutputStream(), 0);
        assertThat(stream.ok()).isFalse();
        assertThat(stream.bytes()).isZero();
        assertThat(stream.error()).contains(field);
        assertThat(client.saveStream(hostile, new java.io.ByteArrayInputStream(new byte[3 * MIB]), -1)
                        .error())
                .contains(field);
    }

    /** The first who field that holds a secret reference, preferring one the operator sets. */
    private Optional<String> secretField() throws IOException {
        if (fixture.configurationType().isEmpty()) {
            return Optional.empty();
        }
        ObjectNode operator =
                fixture.operatorConfiguration().isPresent() ? operatorTree() : new ObjectMapper().createObjectNode();
        List<ConfigurationFields.Field> secrets =
                ConfigurationFields.of(fixture.configurationType().get()).fields().stream()
                        .filter(f -> f.fieldClass() == FieldClass.WHO && f.isSecretReference())
                        .toList();
        return secrets.stream()
                .filter(f -> operator.has(f.name()))
                .findFirst()
                .or(() -> secrets.stream().findFirst())
                .map(ConfigurationFields.Field::name);
    }

    @Test
    @Tag("hostile-author")
    void secretReferencesAreRefusedAlikeWhetherTheirTargetExists(TestInfo test) throws Exception {
        Optional<String> secretField = secretField();
        assumeTrue(secretField.isPresent(), "the driver's configuration has no secret reference");
        String field = secretField.get();
        Path existing = hostileTarget();
        Path missing = work.resolve("no-such-file-" + UUID.randomUUID());
        ObjectMapper mapper = new ObjectMapper();
        java.util.function.Function<JsonNode, String> with = ref -> {
            ObjectNode workflow;
            try {
                workflow = configurationTree();
                workflow.set(field, ref);
                return json(workflow);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        };
        String there = refusal(client, with.apply(mapper.createObjectNode().put("file", existing.toString())), test);
        assertThat(there)
                .isEqualTo(refusal(client, with.apply(mapper.createObjectNode().put("file", missing.toString())), test))
                .doesNotContain(existing.toString())
                .doesNotContain("nothing to see");
        assertThat(refusal(client, with.apply(mapper.createObjectNode().put("env", "PATH")), test))
                .isEqualTo(refusal(
                        client,
                        with.apply(mapper.createObjectNode().put("env", "ARGO_ARTIFACT_NO_SUCH_VARIABLE")),
                        test));
        assumeTrue(fixture.operatorConfiguration().isPresent(), "the kit cannot start this driver with another policy");

        // Opened to workflows with one directory allowed: outside it, the refusal is again the same.
        Path allowed = Files.createDirectories(work.resolve("allowed-secrets-" + UUID.randomUUID()));
        Files.createSymbolicLink(allowed.resolve("link"), existing);
        ObjectNode operator = operatorTree();
        ObjectNode policy = operator.putObject("policy");
        policy.putArray("authorFields").add(field);
        policy.putObject("secretSources").putArray("files").add(allowed.toString());
        try (ConformanceFixture opened = variant(json(operator))) {
            ArtifactClient other = new ArtifactClient(opened.socket(), PLUGIN);
            String outside =
                    refusal(other, with.apply(mapper.createObjectNode().put("file", existing.toString())), test);
            assertThat(outside).contains("field '" + field + "'").contains("policy.secretSources.files");
            for (Path hostile : List.of(
                    missing, allowed.resolve("link"), allowed.resolve("..").resolve(existing.getFileName()))) {
                assertThat(refusal(other, with.apply(mapper.createObjectNode().put("file", hostile.toString())), test))
                        .as("{file: %s}", hostile)
                        .isEqualTo(outside);
            }
            assertThat(refusal(other, with.apply(mapper.createObjectNode().put("env", "PATH")), test))
                    .contains("envPrefixes");
        }
    }

    /** Counts what connects to it: a workflow-chosen destination must receive nothing. */
    private static final class Listener implements AutoCloseable {
        final java.net.ServerSocket socket =
                new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        final AtomicInteger accepted = new AtomicInteger();
        final Thread unusedAcceptor = Thread.ofPlatform().daemon().start(() -> {
            while (!socket.isClosed()) {
                try (java.net.Socket s = socket.accept()) {
                    accepted.incrementAndGet();
                } catch (IOException closed) {
                    return;
                }
            }
        });

        Listener() throws IOException {}

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    private void assertRefusedByEveryOperation(ArtifactClient via, String configuration, String reason, TestInfo test)
            throws IOException {
        Artifact hostile = via.artifact(configuration, newKey(test) + "/out");
        assertThat(via.save(localFile("d", 10, 1), hostile).error()).as("save").contains(reason);
        assertThat(via.load(hostile, loadTarget()).error()).as("load").contains(reason);
        assertThat(via.listObjects(hostile).error()).as("list").contains(reason);
        assertThat(via.isDirectory(hostile).error()).as("isDirectory").contains(reason);
        assertThat(via.delete(hostile).error()).as("delete").contains(reason);
        assertThat(via.openStream(hostile, OutputStream.nullOutputStream(), 0).error())
                .as("openStream")
                .contains(reason);
        assertThat(via.saveStream(hostile, new java.io.ByteArrayInputStream(new byte[1024]), -1)
                        .error())
                .as("saveStream")
                .contains(reason);
    }

    @Test
    @Tag("hostile-author")
    void aWorkflowChosenDestinationReceivesNothing(TestInfo test) throws Exception {
        assumeTrue(
                !fixture.hostileDestinations().isEmpty(),
                "the fixture names no destination field (--hostile-destination)");
        try (Listener listener = new Listener()) {
            for (String fragment : fixture.hostileDestinations()) {
                ObjectNode destination = (ObjectNode) new YAMLMapper()
                        .readTree(fragment.replace("{port}", Integer.toString(listener.socket.getLocalPort())));
                ObjectNode workflow = configurationTree();
                workflow.setAll(destination);
                assertRefusedByEveryOperation(
                        client,
                        json(workflow),
                        "field '" + destination.fieldNames().next(),
                        test);
                if (fixture.operatorConfiguration().isPresent()) {
                    // Opened, but the listener's host is not on the operator's allow-list.
                    ObjectNode operator = operatorTree();
                    ObjectNode policy = operator.putObject("policy");
                    destination.fieldNames().forEachRemaining(policy.putArray("authorFields")::add);
                    policy.putArray("allowedHosts").add("storage.invalid");
                    try (ConformanceFixture opened = variant(json(operator))) {
                        assertRefusedByEveryOperation(
                                new ArtifactClient(opened.socket(), PLUGIN),
                                json(workflow),
                                "policy.allowedHosts",
                                test);
                    }
                }
            }
            Thread.sleep(200);
            assertThat(listener.accepted)
                    .as("connections the workflow's destination received")
                    .hasValue(0);
        }
    }

    @Test
    @Tag("hostile-author")
    void hugeConfigurationsAndKeysCostOneShortLine(TestInfo test) throws IOException {
        String huge =
                (fixture.configuration().isBlank() ? "{}" : fixture.configuration()) + "\n# " + "x".repeat(7 << 20);
        long start = System.nanoTime();
        Reply reply = saveWith(huge, newKey(test));
        assertThat(java.time.Duration.ofNanos(System.nanoTime() - start))
                .as("refused before parsing")
                .isLessThan(java.time.Duration.ofSeconds(5));
        assertThat(reply.success()).isFalse();
        assertThat(reply.error()).hasSizeLessThan(500);
        String longKey = newKey(test) + "/" + "k".repeat(10_000);
        Reply longKeyReply = client.save(localFile("k", 10, 1), artifact(longKey));
        assertThat(longKeyReply.success()).isFalse();
        assertThat(longKeyReply.error()).hasSizeLessThan(1000).doesNotContain("k".repeat(300));
    }

    /** Every form in which a secret could show in a log: clear, base64, hex, URL-encoded. */
    private static List<String> encodings(String secret) {
        byte[] bytes = secret.getBytes(StandardCharsets.UTF_8);
        java.util.HexFormat hex = java.util.HexFormat.of();
        byte[] head = java.util.Arrays.copyOf(bytes, Math.min(bytes.length, 12));
        return List.of(
                secret,
                java.util.Base64.getEncoder().encodeToString(bytes),
                java.util.Base64.getEncoder().withoutPadding().encodeToString(bytes),
                java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes),
                hex.formatHex(bytes),
                hex.withUpperCase().formatHex(bytes),
                java.util.HexFormat.ofDelimiter(" ").formatHex(head),
                java.net.URLEncoder.encode(secret, StandardCharsets.UTF_8));
    }

    @Test
    @Tag("hostile-author")
    void aDebugLevelLogHoldsNoSecret(TestInfo test) throws IOException {
        assumeTrue(!fixture.secretValues().isEmpty(), "the fixture's configuration references no secret");
        assumeTrue(fixture.operatorConfiguration().isPresent(), "the driver does not log into this process");
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        JsonLog.setThreshold(JsonLog.Level.DEBUG);
        JsonLog.redirect(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        JsonLog.captureJavaUtilLogging();
        try {
            // Another configuration string: another storage, whose secrets are read and used now.
            ObjectNode fresh = configurationTree();
            fresh.putObject("transfer").put("maxAttempts", 1);
            Artifact a = client.artifact(json(fresh), newKey(test) + "/debug.bin");
            Path source = localFile("debug.bin", 2L * MIB + 5, 11);
            assertThat(client.save(source, a)).isEqualTo(new Reply(true, ""));
            assertThat(client.load(a, loadTarget()).success()).isTrue();
            assertThat(client.listObjects(a).error()).isEmpty();
            assertThat(client.openStream(a, OutputStream.nullOutputStream(), 0).error())
                    .isEmpty();
            for (Map.Entry<String, JsonNode> override : lockedOverrides().entrySet()) {
                ObjectNode hostile = configurationTree();
                hostile.set(override.getKey(), override.getValue());
                client.save(source, client.artifact(json(hostile), newKey(test)));
            }
            assertThat(client.delete(a).success()).isTrue();
        } finally {
            JsonLog.redirect(System.out);
            JsonLog.setThreshold(JsonLog.Level.INFO);
            JsonLog.captureJavaUtilLogging();
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).as("the calls were logged").contains("\"op\":\"save\"");
        for (String secret : fixture.secretValues()) {
            for (String form : encodings(secret)) {
                assertThat(log)
                        .as("a debug log holds no secret, in any encoding")
                        .doesNotContain(form);
            }
        }
    }

    // ---------------------------------------------------------------- storage capabilities

    private ArtifactStorage storageOrSkip() {
        assumeTrue(fixture.storage().isPresent(), "the fixture gives no direct storage access (external driver)");
        return fixture.storage().get();
    }

    private String writeObject(ArtifactStorage storage, String key, byte[] bytes) throws IOException {
        try (AtomicWrite write = storage.startWrite(key)) {
            write.stream().write(bytes);
            write.commit();
        }
        return key;
    }

    @Test
    @Tag("storage")
    void uncommittedWritesAreInvisibleAndLeaveNothing(TestInfo test) throws IOException {
        ArtifactStorage storage = storageOrSkip();
        String key = newKey(test) + "/pending.bin";
        try (AtomicWrite write = storage.startWrite(key)) {
            write.stream().write(new byte[3 * MIB]);
            write.stream().flush();
            assertThat(storage.stat(key)).isEmpty();
            List<ObjectInfo> listed = new ArrayList<>();
            storage.list(fixture.keyPrefix() + "/", o -> listed.add(o));
            assertThat(listed).extracting(ObjectInfo::key).doesNotContain(key);
        }
        assertThat(storage.stat(key)).isEmpty();
        assertThat(client.listObjects(artifact(key)).objects()).isEmpty();
    }

    @Test
    @Tag("storage")
    void abilitiesAreThoseTheIndexPublishesAndEachWorks(TestInfo test) throws IOException {
        ArtifactStorage storage = storageOrSkip();
        List<String> abilities = StorageAbilities.of(storage.getClass());
        fixture.publishedAbilities()
                .ifPresent(published -> assertThat(published)
                        .as(
                                "the index publishes the abilities of ArtifactDriver.storageType(): they must include this storage's")
                        .containsAll(abilities));
        String base = newKey(test);
        byte[] content = "0123456789abcdefghij".getBytes(StandardCharsets.UTF_8);

        // Every storage reads from an offset: that is how a cut read resumes.
        String object = writeObject(storage, base + "/object.bin", content);
        try (InputStream in = storage.openRead(object, 7)) {
            assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("789abcdefghij");
        }
        if (storage instanceof ListedReads listed) {
            List<ObjectInfo> found = new ArrayList<>();
            storage.list(base + "/", found::add);
            assertThat(found).extracting(ObjectInfo::key).containsExactly(object);
            try (InputStream in = listed.openListed(found.getFirst(), 7)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("789abcdefghij");
            }
        }
        if (storage instanceof RangedReads ranged) {
            try (InputStream in = ranged.openRange(object, 3, 5)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("34567");
            }
            try (InputStream in = ranged.openRange(object, 15, 5)) {
                assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("fghij");
            }
        }
        if (storage instanceof DirectoryDelete directories) {
            writeObject(storage, base + "/tree/a.txt", content);
            writeObject(storage, base + "/tree/sub/b.txt", content);
            writeObject(storage, base + "/tree.txt", content);
            directories.deleteDirectory(base + "/tree/");
            List<String> left = new ArrayList<>();
            storage.list(base + "/", o -> left.add(o.key()));
            assertThat(left).containsExactlyInAnyOrder(object, base + "/tree.txt");
            directories.deleteDirectory(base + "/tree/");
        }
        if (storage instanceof BatchDelete batches) {
            String b1 = writeObject(storage, base + "/batch/1", content);
            String b2 = writeObject(storage, base + "/batch/2", content);
            batches.deleteBatch(List.of(b1, b2, base + "/batch/missing"));
            assertThat(storage.stat(b1)).isEmpty();
            assertThat(storage.stat(b2)).isEmpty();
        }
        if (storage instanceof FileTransfers files) {
            Path local = Files.write(scratchDirectory("native-").resolve("upload.bin"), content);
            files.writeFile(base + "/native.bin", local);
            assertThat(storage.stat(base + "/native.bin"))
                    .hasValueSatisfying(o -> assertThat(o.size()).isEqualTo(content.length));
            Path back = local.resolveSibling("download.bin");
            files.readToFile(base + "/native.bin", back);
            assertThat(Files.readAllBytes(back)).isEqualTo(content);
        }
        if (storage instanceof StagedWrites staged) {
            try (AtomicWrite write = storage.startWrite(base + "/staged.bin")) {
                write.stream().write(content);
                assertThat(staged.removeStagedWritesOlderThan(Instant.now().minus(Duration.ofHours(1))))
                        .as("a write in progress is no debris")
                        .isZero();
                write.commit();
            }
            assertThat(storage.stat(base + "/staged.bin")).isPresent();
        }
    }

    /**
     * An upload in parts: parts sent out of order land at their places, nothing is under the key
     * before the upload completes, and an aborted one leaves nothing, on the backend either.
     */
    @Test
    @Tag("storage")
    void partedWritesLandInPlaceAndAnAbortLeavesNothing(TestInfo test) throws Exception {
        ArtifactStorage storage = storageOrSkip();
        assumeTrue(storage instanceof PartedWrites, "the storage does not write in parts");
        PartedWrites parted = (PartedWrites) storage;
        assumeTrue(
                parted.partSize() < fixture.largeFileBytes(),
                "this configuration never writes in parts: they are larger than the suite's largest file");
        Optional<java.util.Set<String>> before =
                fixture.backend().isPresent() ? fixture.backend().get().unfinishedUploads() : Optional.empty();
        String key = newKey(test) + "/parted.bin";
        Path source = localFile("parted", parted.partSize() + 1000L, 31);
        byte[] content = Files.readAllBytes(source);
        byte[] first = java.util.Arrays.copyOf(content, parted.partSize());
        byte[] last = java.util.Arrays.copyOfRange(content, parted.partSize(), content.length);
        PartedWrites.Upload upload = parted.startUpload(key);
        upload.uploadPart(2, last, last.length);
        upload.uploadPart(1, first, first.length);
        assertThat(storage.stat(key)).as("before the upload completes").isEmpty();
        upload.complete(2);
        try (InputStream in = storage.openRead(key, 0)) {
            byte[] read = in.readAllBytes();
            assertThat(read.length).as("the size of the parts together").isEqualTo(content.length);
            assertThat(java.util.Arrays.mismatch(read, content))
                    .as("the first byte out of place (-1: none)")
                    .isEqualTo(-1);
        }

        String abandoned = newKey(test) + "/abandoned.bin";
        PartedWrites.Upload aborted = parted.startUpload(abandoned);
        aborted.uploadPart(1, first, first.length);
        aborted.abort();
        assertThat(storage.stat(abandoned)).isEmpty();
        if (before.isPresent()) {
            assertThat(fixture.backend().get().unfinishedUploads().orElseThrow())
                    .as("unfinished uploads on the backend after the abort")
                    .isEqualTo(before.get());
        }
    }

    @Test
    @Tag("storage")
    void listingStopsWhenTheVisitorSaysSo(TestInfo test) throws IOException {
        ArtifactStorage storage = storageOrSkip();
        String base = newKey(test);
        for (int i = 0; i < 5; i++) {
            writeObject(storage, base + "/many/" + i, new byte[] {(byte) i});
        }
        AtomicInteger seen = new AtomicInteger();
        storage.list(base + "/many/", o -> seen.incrementAndGet() < 2);
        assertThat(seen.get()).isEqualTo(2);
    }

    // ---------------------------------------------------------------- lifecycle

    private DriverLauncher launcherOrSkip() {
        assumeTrue(fixture.launcher().isPresent(), "the fixture cannot start driver processes");
        return fixture.launcher().get();
    }

    /** A directory like Argo's emptyDir volume: world-writable, in a fresh place. */
    private Path emptyDirLike() throws IOException {
        return scratch.createShared("argo-artifact-plugins-");
    }

    private static void awaitSocket(Path socket, Process process) throws Exception {
        DriverLauncher.awaitConnectable(socket, process, java.time.Duration.ofSeconds(30));
    }

    @Test
    @Tag("lifecycle")
    void createsTheSocketDirectoryServesHealthAndExitsZeroOnSigterm() throws Exception {
        DriverLauncher launcher = launcherOrSkip();
        Path base = emptyDirLike();
        // The directory does not exist yet: Argo may start the plugin before creating it (#16784).
        Path socket = base.resolve("not-yet-created/socket");
        Process process = launcher.start(socket);
        try {
            awaitSocket(socket, process);
            ArtifactClient probe = new ArtifactClient(socket, PLUGIN);
            assertThat(probe.health()).isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
            assertThat(probe.supportsSaveStream()).isTrue();
            assertThat(Files.getPosixFilePermissions(socket))
                    .as("connectable by other UIDs")
                    .containsAll(PosixFilePermissions.fromString("rw-rw-rw-"));
            process.destroy(); // SIGTERM
            assertThat(process.waitFor(10, TimeUnit.SECONDS))
                    .as("exits promptly on SIGTERM")
                    .isTrue();
            assertThat(process.exitValue()).as("exit code after SIGTERM").isZero();
            assertThat(socket).as("the socket file is removed on exit").doesNotExist();
        } finally {
            process.destroyForcibly();
        }
    }

    @Test
    @Tag("lifecycle")
    void replacesAStaleSocketFile() throws Exception {
        DriverLauncher launcher = launcherOrSkip();
        Path socket = emptyDirLike().resolve("socket");
        Files.writeString(socket, "stale");
        Process process = launcher.start(socket);
        try {
            awaitSocket(socket, process);
            assertThat(new ArtifactClient(socket, PLUGIN).health())
                    .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }

    @Test
    @Tag("lifecycle")
    void socketIsUsableByAnotherUid() throws Exception {
        DriverLauncher launcher = launcherOrSkip();
        assumeTrue("root".equals(System.getProperty("user.name")), "needs root to act as another UID");
        assumeTrue(onPath("setpriv"), "needs setpriv (util-linux) to connect as UID 8737");
        Path base = emptyDirLike();
        Path socket = base.resolve("plugin/socket");
        Path probe = base.resolve("Probe.java");
        // Argo Server runs as 8737: connect as that UID and check the server's HTTP/2 SETTINGS arrive.
        Files.writeString(probe, """
        import java.net.*; import java.nio.*; import java.nio.channels.*;
        public class Probe { public static void main(String[] a) throws Exception {
          try (SocketChannel s = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            s.connect(UnixDomainSocketAddress.of(a[0]));
            byte[] preface = "PRI * HTTP/2.0\\r\\n\\r\\nSM\\r\\n\\r\\n".getBytes();
            ByteBuffer out = ByteBuffer.allocate(preface.length + 9).put(preface).put(new byte[] {0, 0, 0, 4, 0, 0, 0, 0, 0});
            s.write(out.flip());
            ByteBuffer in = ByteBuffer.allocate(9);
            while (in.hasRemaining() && s.read(in) >= 0) { }
            System.exit(in.position() == 9 && in.get(3) == 4 ? 0 : 3);
          } } }
        """);
        Files.setPosixFilePermissions(probe, PosixFilePermissions.fromString("rw-r--r--"));
        Process process = launcher.start(socket);
        try {
            awaitSocket(socket, process);
            String java =
                    Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process other = new ProcessBuilder(
                            "setpriv",
                            "--reuid=8737",
                            "--regid=8737",
                            "--clear-groups",
                            java,
                            "-Xshare:auto",
                            probe.toString(),
                            socket.toString())
                    .directory(base.toFile())
                    .redirectErrorStream(true)
                    .start();
            String output = new String(other.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(other.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(other.exitValue())
                    .as("UID 8737 connects and gets HTTP/2 SETTINGS: %s", output)
                    .isZero();
        } finally {
            process.destroy();
            process.waitFor(10, TimeUnit.SECONDS);
            process.destroyForcibly();
        }
    }

    private static boolean onPath(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":", -1)) {
            if (Files.isExecutable(Path.of(dir, command))) {
                return true;
            }
        }
        return false;
    }

    /** Tags in the order the report lists them. */
    public static List<String> capabilityTags() {
        return List.of(
                "files",
                "directories",
                "errors",
                "safety",
                "delete",
                "streaming",
                "save-stream",
                "concurrency",
                "configuration",
                "hostile-author",
                "storage",
                "lifecycle");
    }
}
