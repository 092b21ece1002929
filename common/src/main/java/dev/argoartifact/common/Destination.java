package dev.argoartifact.common;

/**
 * Where a storage of one configuration sends requests, and with them its credentials: a host, or
 * a local directory it reads and writes. When a workflow chose it, the operator's allow-list
 * ({@code policy.allowedHosts}, {@code policy.allowedRoots}) must cover it, checked before the
 * storage is opened.
 */
public record Destination(Kind kind, String value) {
    public enum Kind {
        HOST,
        LOCAL_DIRECTORY
    }

    public static Destination host(String host) {
        return new Destination(Kind.HOST, host);
    }

    public static Destination localDirectory(String path) {
        return new Destination(Kind.LOCAL_DIRECTORY, path);
    }
}
