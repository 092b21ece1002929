package dev.argoartifact.common.config;

import java.util.function.Function;

/**
 * A setting an SDK or the JVM holds once per process (a Kerberos mode, a krb5.conf): the first
 * configuration served chooses it, the same value again is fine, and a different one is refused,
 * never silently changing what open connections use.
 *
 * @param <T> the setting's value; compared with {@code equals}
 */
public final class ProcessWideSetting<T> {
    private final String why;
    private final Function<T, String> describe;
    private T value;

    /** {@code why} says what makes it process-wide; {@code describe} names a value in the refusal, never showing a secret. */
    public ProcessWideSetting(String why, Function<T, String> describe) {
        this.why = why;
        this.describe = describe;
    }

    /**
     * Takes {@code wanted} for this process: true the first time, when the caller applies it, and
     * false when it is already in force. A different value is refused, naming the {@code field}.
     */
    public synchronized boolean claim(String field, String driver, T wanted) {
        if (value == null) {
            value = wanted;
            return true;
        }
        if (value.equals(wanted)) {
            return false;
        }
        throw new ConfigurationException(
                field,
                "cannot differ within one " + driver + " driver process (" + why + "): register a separate " + driver
                        + " driver (another plugin name) for " + describe.apply(wanted));
    }
}
