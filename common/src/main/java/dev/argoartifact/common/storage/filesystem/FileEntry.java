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

    /** An entry from what a filesystem says of it; a link is a link whatever it points to. */
    public static FileEntry of(
            String name, boolean link, boolean directory, boolean file, long size, long modifiedMillis) {
        Kind kind = link ? Kind.LINK : directory ? Kind.DIRECTORY : file ? Kind.FILE : Kind.OTHER;
        return new FileEntry(name, kind, size, modifiedMillis);
    }

    public boolean isFile() {
        return kind == Kind.FILE;
    }

    public boolean isDirectory() {
        return kind == Kind.DIRECTORY;
    }
}
