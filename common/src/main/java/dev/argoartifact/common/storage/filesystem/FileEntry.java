package dev.argoartifact.common.storage.filesystem;

/**
 * One entry of a directory, as a filesystem reports it without following links.
 *
 * @param name the entry's name in its directory
 * @param modifiedMillis the last modification, in milliseconds since the epoch
 */
public record FileEntry(String name, Kind kind, long size, long modifiedMillis) {
    /** What an entry is; only files are objects, and links are never followed. */
    public enum Kind {
        FILE,
        DIRECTORY,
        LINK,
        OTHER
    }

    public boolean isFile() {
        return kind == Kind.FILE;
    }

    public boolean isDirectory() {
        return kind == Kind.DIRECTORY;
    }
}
