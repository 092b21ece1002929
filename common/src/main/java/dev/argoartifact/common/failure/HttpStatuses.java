package dev.argoartifact.common.failure;

/**
 * What an HTTP status means, for every driver that speaks HTTP (Azure, GCS, S3 and their
 * emulators): one table, so that a 429 is retried by every driver or by none.
 */
public final class HttpStatuses {
    private HttpStatuses() {}

    public static Failure of(int status) {
        return switch (status) {
            case 408, 429, 500, 502, 503, 504 -> Failure.TRANSIENT;
            case 401, 403 -> Failure.DENIED;
            case 404, 410 -> Failure.NOT_FOUND;
            case 400, 405, 409, 411, 412, 413, 414, 416, 422 -> Failure.INVALID;
            default -> status >= 500 ? Failure.TRANSIENT : Failure.PERMANENT;
        };
    }
}
