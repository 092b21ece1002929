package dev.argoartifact.common.secrets;

import dev.argoartifact.common.config.ProcessWideSetting;
import dev.argoartifact.common.config.SecretRef;
import dev.argoartifact.common.log.JsonLog;
import dev.argoartifact.common.operations.ArtifactException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import javax.security.auth.login.LoginException;

/**
 * Kerberos logins from a keytab, for drivers whose SDK takes one (HDFS, and any other Kerberos
 * client): the JVM reads one krb5.conf per process, the SDK wants the keytab as a file, and login
 * failures are {@link LoginException}s in the JDK's own words.
 */
public final class JvmKerberos {
    private static final ProcessWideSetting<Secret> KRB5_CONF =
            new ProcessWideSetting<>("the JVM reads only one krb5.conf", krb5 -> "this realm");

    private JvmKerberos() {}

    /** The SDK's own login from a keytab file. */
    @FunctionalInterface
    public interface SdkLogin<T> {
        T login(String principal, Path keytab) throws IOException;
    }

    /** A login and the private copy of the keytab it renews its ticket from; closing deletes the copy. */
    public record Login<T>(T user, Path keytab) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            Files.deleteIfExists(keytab);
        }
    }

    /**
     * Logs in as {@code principal}: points the JVM at the krb5.conf (a private copy, the first time),
     * writes a private copy of the keytab and hands its path to the SDK. A failed login deletes the
     * copy and says why, naming the fields under {@code field} to check.
     */
    public static <T> Login<T> login(
            String driver,
            String field,
            String principal,
            SecretRef keytab,
            SecretRef krb5Conf,
            SecretResolver secrets,
            SdkLogin<T> sdk)
            throws IOException {
        Secret krb5 = secrets.resolve(field + ".krb5Conf", krb5Conf);
        synchronized (KRB5_CONF) {
            if (KRB5_CONF.claim(field + ".krb5Conf", driver, krb5)) {
                System.setProperty(
                        "java.security.krb5.conf",
                        krb5.toPrivateFile("krb5.conf").toString());
            }
        }
        Path file = secrets.resolve(field + ".keytab", keytab).toPrivateFile("keytab");
        try {
            T user = sdk.login(principal, file);
            JsonLog.info("Kerberos login succeeded", Map.of("principal", principal));
            return new Login<>(user, file);
        } catch (RuntimeException e) {
            Files.deleteIfExists(file);
            throw e;
        } catch (IOException e) {
            Files.deleteIfExists(file);
            throw new ArtifactException("Kerberos login as '" + principal + "' from the keytab failed: "
                    + loginFailure(e) + " (check " + field + ".principal, " + field + ".keytab and the realm's KDC in "
                    + field + ".krb5Conf)");
        }
    }

    /** Why a login from a keytab failed, in words: the JDK's reason, else the failure's first line. */
    static String loginFailure(Throwable failure) {
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
