package dev.argoartifact.driver.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.JSchHostKeyException;
import com.jcraft.jsch.JSchSessionDisconnectException;
import com.jcraft.jsch.Session;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.failure.Failure;
import dev.argoartifact.common.failure.NetworkFailures;
import dev.argoartifact.common.failure.StorageException;
import dev.argoartifact.common.log.JsonLog;
import dev.argoartifact.common.pool.ChannelPool;
import dev.argoartifact.common.secrets.Secret;
import dev.argoartifact.common.secrets.SecretResolver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashSet;
import java.util.Map;

/** Opens authenticated SSH sessions, host keys checked, and SFTP channels on them. */
final class SftpConnector implements ChannelPool.Connector<Session, ChannelSftp> {
    private final SftpConfiguration config;
    private final Secret password;
    private final Secret privateKey;
    private final Secret passphrase;
    private final byte[] knownHosts;
    private final String endpoint;

    SftpConnector(SftpConfiguration config, SecretResolver secrets, String endpoint) {
        this.config = config;
        this.password = secrets.resolveIfSet("password", config.password());
        this.privateKey = secrets.resolveIfSet("privateKey", config.privateKey());
        this.passphrase = secrets.resolveIfSet("passphrase", config.passphrase());
        this.knownHosts = config.knownHosts() == null
                ? null
                : secrets.resolve("knownHosts", config.knownHosts()).bytes();
        this.endpoint = endpoint;
    }

    @Override
    public Session connect() throws IOException {
        JSch jsch = new JSch();
        try {
            if (knownHosts != null) {
                jsch.setKnownHosts(new ByteArrayInputStream(knownHosts));
            }
            if (privateKey != null) {
                jsch.addIdentity(
                        "privateKey",
                        privateKey.bytes(),
                        null,
                        passphrase == null ? null : passphrase.text().getBytes(StandardCharsets.UTF_8));
            }
        } catch (JSchException e) {
            throw new ConfigurationException(
                    privateKey != null && knownHosts == null ? "privateKey" : "knownHosts",
                    "cannot be used: " + e.getMessage() + (passphrase == null ? "" : " (or the passphrase is wrong)"));
        }
        Session s;
        try {
            s = jsch.getSession(config.username(), config.host(), config.port());
        } catch (JSchException e) {
            throw new ConfigurationException(
                    null, "cannot set up an SSH session to " + endpoint + ": " + e.getMessage());
        }
        if (password != null) {
            s.setPassword(password.text().getBytes(StandardCharsets.UTF_8));
        }
        s.setConfig("PreferredAuthentications", password != null ? "password" : "publickey");
        if (config.insecure()) {
            s.setConfig("StrictHostKeyChecking", "no");
            JsonLog.warn(
                    "insecureIgnoreHostKey is set: the server's host key is not checked, so this connection "
                            + "is open to man-in-the-middle attacks",
                    Map.of("endpoint", endpoint));
        } else {
            s.setConfig("StrictHostKeyChecking", "yes");
            String algorithms = hostKeyAlgorithms(jsch);
            if (algorithms.isEmpty()) {
                throw new ConfigurationException(
                        "knownHosts",
                        "has no entry for " + hostPattern() + " (entries look like '" + hostPattern()
                                + " ssh-ed25519 AAAA...'; 'ssh-keyscan -p PORT HOST' prints them)");
            }
            s.setConfig("server_host_key", algorithms);
        }
        try {
            s.setServerAliveInterval((int) Math.max(1000, config.readTimeout().toMillis() / 3));
            s.setServerAliveCountMax(3);
            s.connect((int) config.connectTimeout().toMillis());
        } catch (JSchException e) {
            throw connectFailure(s, e);
        }
        JsonLog.debug("sftp connected", Map.of("endpoint", endpoint, "user", config.username()));
        return s;
    }

    /** The name known_hosts uses for this server: "host", or "[host]:port" off port 22. */
    String hostPattern() {
        return config.port() == 22 ? config.host() : "[" + config.host() + "]:" + config.port();
    }

    /** Only the key types known_hosts holds for this server, so JSch never negotiates another. */
    private String hostKeyAlgorithms(JSch jsch) {
        LinkedHashSet<String> algorithms = new LinkedHashSet<>();
        HostKey[] keys = jsch.getHostKeyRepository().getHostKey(hostPattern(), null);
        if (keys != null) {
            for (HostKey key : keys) {
                if ("ssh-rsa".equals(key.getType())) {
                    algorithms.add("rsa-sha2-512");
                    algorithms.add("rsa-sha2-256");
                }
                algorithms.add(key.getType());
            }
        }
        return String.join(",", algorithms);
    }

    /**
     * By type and state, not by message: a host key JSch refused has its own exception types, and a
     * session that got the server's host key but no further failed to authenticate.
     */
    private StorageException connectFailure(Session s, JSchException e) {
        if (e instanceof JSchHostKeyException) {
            return new StorageException(
                    "the host key of " + endpoint + " does not match knownHosts: " + e.getMessage()
                            + " (verify the server's key before updating knownHosts)",
                    null,
                    Failure.DENIED);
        }
        boolean lost = NetworkFailures.isNetworkFailure(e)
                || e instanceof JSchSessionDisconnectException
                || e.getCause() instanceof IOException;
        if (!lost && s.getHostKey() != null) {
            return new StorageException(
                    "authentication failed for user '" + config.username() + "' on " + endpoint
                            + (password != null
                                    ? " (check the password)"
                                    : " (check the private key and that its public key is authorized)"),
                    null,
                    Failure.DENIED);
        }
        return new StorageException(
                "cannot connect to " + endpoint + ": " + e.getMessage(),
                e,
                lost ? Failure.TRANSIENT : Failure.PERMANENT);
    }

    @Override
    public ChannelSftp openChannel(Session session) throws IOException {
        try {
            ChannelSftp ch = (ChannelSftp) session.openChannel("sftp");
            if (ch == null) { // what JSch returns when the session goes down under it
                throw new JSchException("the session closed", new IOException("session closed"));
            }
            ch.setBulkRequests(config.bulkRequests());
            ch.connect((int) config.connectTimeout().toMillis());
            return ch;
        } catch (JSchException e) {
            if (!session.isConnected() || e.getCause() instanceof IOException) {
                throw new StorageException(
                        "the connection was lost opening an SFTP channel on " + endpoint + ": " + e.getMessage(),
                        e,
                        Failure.TRANSIENT);
            }
            throw new StorageException(
                    "cannot open an SFTP channel on " + endpoint + ": " + e.getMessage()
                            + " (is the sftp subsystem enabled, and MaxSessions at least channelsInFlight?)",
                    e,
                    Failure.PERMANENT);
        }
    }

    @Override
    public boolean isSessionOpen(Session session) {
        return session.isConnected();
    }

    @Override
    public boolean isChannelOpen(ChannelSftp channel) {
        return channel.isConnected() && !channel.isClosed();
    }

    @Override
    public void closeChannel(ChannelSftp channel) {
        channel.disconnect();
    }

    @Override
    public void closeSession(Session session) {
        session.disconnect();
    }
}
