package dev.argoartifact.common.transfer;

import dev.argoartifact.common.log.JsonLog;
import dev.argoartifact.common.log.Printable;
import dev.argoartifact.common.storage.KeyPaths;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;

/**
 * Walks a local directory being saved. Regular files are visited with their '/'-separated name
 * relative to the root. A symbolic link is followed only when it resolves to a regular file
 * inside the root; links that lead outside it (or to directories, which could loop) are skipped
 * with a warning, so a saved artifact can never carry files from elsewhere on the node.
 */
public final class LocalTree {
    @FunctionalInterface
    public interface FileVisitor {
        void visit(String relativeName, Path file, long size) throws IOException;
    }

    private LocalTree() {}

    public static void walk(Path root, FileVisitor visitor) throws IOException {
        Path realRoot = root.toRealPath();
        Files.walkFileTree(realRoot, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String relative = KeyPaths.relativeName(realRoot, file);
                if (attrs.isRegularFile()) {
                    visitor.visit(relative, file, attrs.size());
                } else if (attrs.isSymbolicLink()) {
                    Path target;
                    try {
                        target = file.toRealPath();
                    } catch (IOException dangling) {
                        skip(relative, "its target does not exist");
                        return FileVisitResult.CONTINUE;
                    }
                    if (!target.startsWith(realRoot)) {
                        skip(relative, "it points outside the saved directory");
                    } else if (!Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
                        skip(relative, "it points to a directory or special file");
                    } else {
                        visitor.visit(relative, target, Files.size(target));
                    }
                } else {
                    skip(relative, "it is not a regular file");
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    /** Deletes a local directory tree (or file); what is already gone is not an error. */
    public static void delete(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try (java.util.stream.Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    private static void skip(String relative, String why) {
        JsonLog.warn("skipping entry of saved directory", Map.of("entry", Printable.of(relative), "reason", why));
    }
}
