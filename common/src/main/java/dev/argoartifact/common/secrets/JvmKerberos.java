package dev.argoartifact.common.secrets;

import dev.argoartifact.common.operations.ArtifactException;
import java.io.IOException;
import javax.security.auth.login.LoginException;

/**
 * The JVM's Kerberos settings, for drivers whose SDK logs in from a keytab (HDFS, and any other
 * Kerberos client): the JVM reads one krb5.conf per process, and its login failures are
 * {@link LoginException}s in the JDK's own words.
 */
public final class JvmKerberos {
    private static Secret krb5Conf;

    private JvmKerberos() {}

    /**
     * Points the JVM at this krb5.conf (a private copy of it) the first time; the same one again is
     * fine, and a different one is refused: it could not take effect in this process.
     */
    public static synchronized void useKrb5Conf(Secret krb5, String driver) throws IOException {
        if (krb5Conf == null) {
            System.setProperty(
                    "java.security.krb5.conf", krb5.toPrivateFile("krb5.conf").toString());
            krb5Conf = krb5;
        } else if (!krb5Conf.equals(krb5)) {
            throw new ArtifactException("this " + driver + " driver process already uses another krb5.conf, and the"
                    + " JVM reads only one: register a separate " + driver + " driver (another plugin name) for this"
                    + " realm");
        }
    }

    /** Why a login from a keytab failed, in words: the JDK's reason, else the failure's first line. */
    public static String loginFailure(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof LoginException && t.getMessage() != null) {
                // The JDK's words for "this keytab holds no key for the principal".
                return t.getMessage().contains("Unable to obtain password")
                        ? "the keytab holds no key for this principal"
                        : t.getMessage().strip();
            }
        }
        String message = failure.getMessage();
        return message == null
                ? failure.getClass().getSimpleName()
                : message.lines().findFirst().orElse("");
    }
}
