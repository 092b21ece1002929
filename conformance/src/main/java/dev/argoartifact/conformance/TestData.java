package dev.argoartifact.conformance;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.SplittableRandom;

/** Deterministic test content and checksums. */
public final class TestData {
    private TestData() {}

    /** Writes {@code size} pseudo-random bytes (not compressible, so no backend can cheat). */
    public static Path write(Path file, long size, long seed) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        SplittableRandom random = new SplittableRandom(seed);
        byte[] block = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(file)) {
            long left = size;
            while (left > 0) {
                for (int i = 0; i < block.length; i += 8) {
                    long v = random.nextLong();
                    for (int j = 0; j < 8 && i + j < block.length; j++) {
                        block[i + j] = (byte) (v >>> (8 * j));
                    }
                }
                int n = (int) Math.min(block.length, left);
                out.write(block, 0, n);
                left -= n;
            }
        }
        return file;
    }

    public static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return sha256(in);
        }
    }

    public static String sha256(InputStream in) throws IOException {
        MessageDigest digest = digest();
        byte[] buffer = new byte[1 << 16];
        int n;
        while ((n = in.read(buffer)) > 0) {
            digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    public static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(digest().digest(bytes));
    }

    private static MessageDigest digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 of every regular file under {@code root}, by '/'-separated relative name. */
    public static java.util.Map<String, String> treeDigests(Path root) throws IOException {
        java.util.Map<String, String> digests = new java.util.TreeMap<>();
        try (java.util.stream.Stream<Path> s = Files.walk(root)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                digests.put(root.relativize(p).toString().replace('\\', '/'), sha256(p));
            }
        }
        return digests;
    }

    /** A digest-computing sink for OpenStream. */
    public static final class DigestSink extends OutputStream {
        private final MessageDigest digest = digest();
        private long bytes;

        @Override
        public void write(int b) {
            digest.update((byte) b);
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            digest.update(b, off, len);
            bytes += len;
        }

        public String hex() {
            return HexFormat.of().formatHex(digest.digest());
        }

        public long bytes() {
            return bytes;
        }
    }
}
