package dev.argoartifact.common.config;

import java.util.Locale;

/**
 * What a configuration field decides, which says who may set it. The operator's configuration
 * (Helm values, rendered into the driver's environment or a mounted file) is trusted; a
 * workflow's {@code configuration} string is not, because whoever writes a workflow writes it,
 * and the same driver serves the Argo Server with that server's identity.
 */
public enum FieldClass {
    /** Where the data lives (endpoint, account, bucket, host, root): the operator's, unless opened. */
    WHERE,
    /** Who the driver authenticates as (every secret reference, user, host keys): the operator's, unless opened. */
    WHO,
    /** How it transfers (a sub-path below the operator's, tuning within the operator's maxima): open to workflows. */
    HOW;

    /** "where", "who" or "how", as the docs and the schemas write it. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
