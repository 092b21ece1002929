package dev.argoartifact.common.config;

/** An absolute directory on a server under which every key lives ({@code basePath: /srv/argo}). */
public final class BasePath {
    private BasePath() {}

    /** Without trailing '/' ("/" stays "/"). */
    public static String normalize(String basePath) {
        String p = basePath;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    /** The path of a key below a normalized base. */
    public static String resolve(String base, String key) {
        return base.equals("/") ? "/" + key : base + "/" + key;
    }
}
