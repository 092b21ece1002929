package dev.argoartifact.common.log;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Defence in depth for secrets: every resolved secret value is registered here, and every log
 * line and every error sent to Argo passes through {@link #apply}. A driver that forgets to keep
 * a credential out of an SDK error message still cannot leak it.
 */
public final class Redaction {
    /** Shorter values are too likely to match ordinary text and are not worth redacting. */
    private static final int MIN_LENGTH = 6;

    private static final Set<String> SECRETS = ConcurrentHashMap.newKeySet();

    private Redaction() {}

    public static void register(String secret) {
        if (secret != null && secret.length() >= MIN_LENGTH) {
            SECRETS.add(secret);
            // Secrets often travel URL-encoded (SAS tokens, connection strings in URLs).
            SECRETS.add(java.net.URLEncoder.encode(secret, java.nio.charset.StandardCharsets.UTF_8));
            // Multi-line secrets (keys) show up line by line in some errors.
            for (String line : secret.split("\\R", -1)) {
                if (line.trim().length() >= 16) {
                    SECRETS.add(line.trim());
                }
            }
        }
    }

    public static String apply(String text) {
        if (text == null || SECRETS.isEmpty()) {
            return text;
        }
        String result = text;
        for (String secret : SECRETS) {
            if (result.contains(secret)) {
                result = result.replace(secret, "****");
            }
        }
        return result;
    }
}
