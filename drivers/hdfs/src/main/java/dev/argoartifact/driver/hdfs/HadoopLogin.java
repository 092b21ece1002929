package dev.argoartifact.driver.hdfs;

import dev.argoartifact.common.config.ProcessWideSetting;
import dev.argoartifact.common.secrets.JvmKerberos;
import dev.argoartifact.common.secrets.SecretResolver;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.security.PrivilegedExceptionAction;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.security.UserGroupInformation;

/**
 * Who a storage acts as. Hadoop's security settings are process-wide (UserGroupInformation is
 * static), so a driver process serves one authentication mode: the first configuration decides.
 */
final class HadoopLogin implements AutoCloseable {
    private static final ProcessWideSetting<String> MODE =
            new ProcessWideSetting<>("Hadoop's security settings are process-wide", mode -> mode + " authentication");

    private final UserGroupInformation user;
    /** The Kerberos login, whose keytab renews the ticket; null for simple authentication. */
    private final JvmKerberos.Login<UserGroupInformation> kerberos;

    private HadoopLogin(UserGroupInformation user, JvmKerberos.Login<UserGroupInformation> kerberos) {
        this.user = user;
        this.kerberos = kerberos;
    }

    static HadoopLogin simple(String user) {
        MODE.claim("user", "hdfs", "simple");
        return new HadoopLogin(UserGroupInformation.createRemoteUser(user), null);
    }

    static synchronized HadoopLogin kerberos(Configuration conf, HdfsConfiguration.Kerberos k, SecretResolver secrets)
            throws IOException {
        MODE.claim("kerberos", "hdfs", "kerberos");
        var login =
                JvmKerberos.login("hdfs", "kerberos", k.principal(), k.keytab(), k.krb5Conf(), secrets, (p, keytab) -> {
                    UserGroupInformation.setConfiguration(conf);
                    return UserGroupInformation.loginUserFromKeytabAndReturnUGI(p, keytab.toString());
                });
        return new HadoopLogin(login.user(), login);
    }

    /** Runs a call to the cluster as this identity; UGI rethrows the call's IOException as it is. */
    <T> T run(PrivilegedExceptionAction<T> action) throws IOException {
        if (kerberos != null) {
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
        if (kerberos != null) {
            kerberos.close();
        }
    }
}
