package dev.argoartifact.driver.hdfs;

import dev.argoartifact.common.log.JsonLog;
import dev.argoartifact.common.operations.ArtifactException;
import dev.argoartifact.common.secrets.JvmKerberos;
import dev.argoartifact.common.secrets.SecretResolver;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivilegedExceptionAction;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * Who a storage acts as. Hadoop's security settings are process-wide (UserGroupInformation is
 * static), so a driver process serves one authentication mode: the first configuration decides,
 * and one that needs the other is refused, never silently changing the identity of open connections.
 */
final class HadoopLogin implements AutoCloseable {
    private static String mode;

    private final UserGroupInformation user;
    /** A private copy of the keytab, to renew the ticket from; null for simple authentication. */
    private final Path keytab;

    private HadoopLogin(UserGroupInformation user, Path keytab) {
        this.user = user;
        this.keytab = keytab;
    }

    static synchronized HadoopLogin simple(String user) {
        enter("simple");
        return new HadoopLogin(UserGroupInformation.createRemoteUser(user), null);
    }

    static synchronized HadoopLogin kerberos(Configuration conf, HdfsConfiguration.Kerberos k, SecretResolver secrets)
            throws IOException {
        enter("kerberos");
        JvmKerberos.useKrb5Conf(secrets.resolve("kerberos.krb5Conf", k.krb5Conf()), "hdfs");
        UserGroupInformation.setConfiguration(conf);
        Path keytab = secrets.resolve("kerberos.keytab", k.keytab()).toPrivateFile("keytab");
        try {
            UserGroupInformation user =
                    UserGroupInformation.loginUserFromKeytabAndReturnUGI(k.principal(), keytab.toString());
            JsonLog.info("Kerberos login succeeded", Map.of("principal", k.principal()));
            return new HadoopLogin(user, keytab);
        } catch (IOException e) {
            Files.deleteIfExists(keytab);
            throw new ArtifactException("Kerberos login as '" + k.principal() + "' from the keytab failed: "
                    + JvmKerberos.loginFailure(e)
                    + " (check kerberos.principal, kerberos.keytab and the realm's KDC in kerberos.krb5Conf)");
        }
    }

    private static void enter(String wanted) {
        if (mode != null && !mode.equals(wanted)) {
            throw new ArtifactException("this hdfs driver process already serves " + mode + " authentication, and"
                    + " Hadoop's security settings are process-wide: register a separate hdfs driver (another plugin"
                    + " name) for clusters with " + wanted + " authentication");
        }
        mode = wanted;
    }

    /** Runs a call to the cluster as this identity; UGI rethrows the call's IOException as it is. */
    <T> T run(PrivilegedExceptionAction<T> action) throws IOException {
        if (keytab != null) {
            // A no-op while the ticket is fresh; renews it from the keytab for long-lived sidecars.
            user.checkTGTAndReloginFromKeytab();
        }
        try {
            return user.doAs(action);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    @Override
    public void close() throws IOException {
        if (keytab != null) {
            Files.deleteIfExists(keytab);
        }
    }
}
