package dev.argoartifact.common.storage;

import java.nio.file.Path;

/** The shape of keys and of the relative names under them, the same on every backend. */
public final class KeyPaths {
    private KeyPaths() {}

    /**
     * Why a '/'-separated relative path is unsafe, or null when it is fine: no empty, "." or ".."
     * segment, no NUL, no backslash, no leading '/'. Used for keys, prefixes and for object names
     * mapped to local files.
     */
    public static String problem(String path) {
        if (path.isEmpty()) {
            return "it is empty";
        }
        if (path.indexOf('\0') >= 0) {
            return "it contains a NUL character";
        }
        if (path.indexOf('\\') >= 0) {
            // Azure Blob Storage turns '\' into '/', Windows tools treat it as a separator: a key must
            // mean the same thing on every backend.
            return "it contains a backslash ('\\'), which some storage backends turn into '/'";
        }
        if (path.startsWith("/")) {
            return "it is absolute";
        }
        for (String segment : path.split("/", -1)) {
            if (segment.isEmpty()) {
                return "it contains an empty path segment ('//')";
            }
            if (segment.equals(".") || segment.equals("..")) {
                return "it contains a '" + segment + "' path segment";
            }
        }
        return null;
    }

    /** The '/'-separated name of {@code file} relative to {@code root}, whatever the OS separator. */
    public static String relativeName(Path root, Path file) {
        StringBuilder name = new StringBuilder();
        for (Path segment : root.relativize(file)) {
            if (!name.isEmpty()) {
                name.append('/');
            }
            name.append(segment);
        }
        return name.toString();
    }
}
