package dev.argoartifact.driver.hdfs;

import dev.argoartifact.common.log.JsonLog;
import dev.argoartifact.common.operations.ArtifactException;
import dev.argoartifact.common.secrets.Secret;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.UndeclaredThrowableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.PrivilegedExceptionAction;
import java.util.Arrays;
import java.util.Map;
import javax.security.auth.login.LoginException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * Hadoop's security settings are process-wide (UserGroupInformation and the JVM's krb5.conf are
 * static), so a driver process serves one authentication mode and one krb5.conf: the first
 * configuration decides, and a later one that needs another is refused with a clear error instead
 * of silently changing the identity of connections already open.
 */
final class HadoopLogin {
    private enum Mode {
        SIMPLE,
        KERBEROS
    }

    private static Mode mode;
    private static byte[] krb5Digest;

    private HadoopLogin() {}

    /** Who the storage acts as; closing it removes the private keytab copy. */
    interface Identity extends AutoCloseable {
        <T> T run(PrivilegedExceptionAction<T> action) throws IOException;

        @Override
        void close();
    }

    static synchronized Identity simple(Configuration conf, String user) {
        enter(Mode.SIMPLE);
        conf.set("hadoop.security.authentication", "simple");
        UserGroupInformation ugi = UserGroupInformation.createRemoteUser(user);
        return new Identity() {
            @Override
            public <T> T run(PrivilegedExceptionAction<T> action) throws IOException {
                return doAs(ugi, action);
            }

            @Override
            public void close() {}
        };
    }

    static synchronized Identity kerberos(Configuration conf, String principal, Secret keytab, Secret krb5Conf)
            throws IOException {
        enter(Mode.KERBEROS);
        useKrb5Conf(krb5Conf);
        conf.set("hadoop.security.authentication", "kerberos");
        conf.set("hadoop.security.authorization", "true");
        UserGroupInformation.setConfiguration(conf);
        Path keytabFile = privateFile("keytab", keytab.bytes());
        UserGroupInformation ugi;
        try {
            ugi = UserGroupInformation.loginUserFromKeytabAndReturnUGI(principal, keytabFile.toString());
        } catch (IOException e) {
            Files.deleteIfExists(keytabFile);
            throw new ArtifactException("Kerberos login as '"
                    + principal
                    + "' from the keytab failed: "
                    + loginReason(e)
                    + " (check kerberos.principal, kerberos.keytab and the realm's KDC in kerberos.krb5Conf)");
        }
        JsonLog.info("Kerberos login succeeded", Map.of("principal", principal));
        return new Identity() {
            @Override
            public <T> T run(PrivilegedExceptionAction<T> action) throws IOException {
                // A no-op while the ticket is fresh; renews it from the keytab for long-lived sidecars.
                ugi.checkTGTAndReloginFromKeytab();
                return doAs(ugi, action);
            }

            @Override
            public void close() {
                try {
                    Files.deleteIfExists(keytabFile);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        };
    }

    private static void enter(Mode wanted) {
        if (mode != null && mode != wanted) {
            throw new ArtifactException("this hdfs driver process already serves a "
                    + (mode == Mode.KERBEROS ? "Kerberos" : "simple-authentication")
                    + " configuration, and Hadoop's security settings are process-wide: register a separate hdfs driver "
                    + "(another plugin name) for clusters with "
                    + (wanted == Mode.KERBEROS ? "Kerberos" : "simple authentication"));
        }
        mode = wanted;
    }

    /** The JVM reads one krb5.conf; a second, different one cannot take effect in this process. */
    private static void useKrb5Conf(Secret krb5Conf) throws IOException {
        byte[] digest = sha256(krb5Conf.bytes());
        if (krb5Digest != null) {
            if (!Arrays.equals(krb5Digest, digest)) {
                throw new ArtifactException(
                        "this hdfs driver process already uses another krb5.conf, and the JVM reads only one: "
                                + "register a separate hdfs driver (another plugin name) for this realm");
            }
            return;
        }
        Path file = privateFile("krb5.conf", krb5Conf.bytes());
        System.setProperty("java.security.krb5.conf", file.toString());
        krb5Digest = digest;
    }

    private static Path privateFile(String name, byte[] content) throws IOException {
        Path file = Files.createTempFile(
                "argo-artifact-hdfs-",
                "-" + name,
                PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.write(file, content);
        file.toFile().deleteOnExit();
        return file;
    }

    private static String loginReason(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof LoginException && t.getMessage() != null) {
                // The JDK's words for "this keytab holds no key for the principal".
                return t.getMessage().contains("Unable to obtain password")
                        ? "the keytab holds no key for this principal"
                        : t.getMessage().strip();
            }
        }
        return e.getMessage() == null
                ? e.getClass().getSimpleName()
                : e.getMessage().lines().findFirst().orElse("");
    }

    private static <T> T doAs(UserGroupInformation ugi, PrivilegedExceptionAction<T> action) throws IOException {
        try {
            return ugi.doAs(action);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted");
        } catch (UndeclaredThrowableException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw e;
        }
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
