package dev.argoartifact.common.config;

import dev.argoartifact.common.storage.KeyPaths;

/**
 * The optional prefix under which a driver keeps every key ({@code prefix: argo/}): a field
 * declared {@code @How(subPath = true)}, whose form the binder checks.
 */
public final class KeyPrefix {
    /** What such a field is, for its {@code @JsonPropertyDescription}. */
    public static final String DESCRIPTION =
            "Prefix under which every key lives, e.g. 'argo/'; a workflow's prefix goes below the operator's.";

    private KeyPrefix() {}

    /** Validates the prefix: relative, no empty, "." or ".." segments. Null or blank is fine. */
    public static void validate(String field, String prefix) {
        if (prefix == null || prefix.isBlank()) {
            return;
        }
        String trimmed = prefix.replaceAll("/+$", "");
        String problem = trimmed.isEmpty() ? null : KeyPaths.problem(trimmed);
        if (problem != null || prefix.startsWith("/")) {
            throw new ConfigurationException(field, "must be a relative path without empty, '.' or '..' segments");
        }
    }

    /** "" for no prefix, else the prefix with exactly one trailing '/'. */
    public static String normalize(String prefix) {
        if (prefix == null || prefix.isBlank()) {
            return "";
        }
        String trimmed = prefix.replaceAll("/+$", "");
        return trimmed.isEmpty() ? "" : trimmed + "/";
    }
}
