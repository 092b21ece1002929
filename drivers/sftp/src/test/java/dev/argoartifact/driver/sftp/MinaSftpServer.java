package dev.argoartifact.driver.sftp;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.sshd.common.keyprovider.FileKeyPairProvider;
import org.apache.sshd.common.session.Session;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.config.keys.AuthorizedKeysAuthenticator;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/** Apache MINA SSHD with its SFTP subsystem, serving a local directory as "/", in the test JVM. */
final class MinaSftpServer implements AutoCloseable {
    static final String USER = "argo";

    private final Path root;
    private final SshKeys hostKey;
    private final String password;
    private final Path authorizedKeys;
    private final AtomicInteger sessionsOpened = new AtomicInteger();
    private final AtomicInteger sessionsOpen = new AtomicInteger();
    private final AtomicInteger mostOpenAtOnce = new AtomicInteger();
    private int sessionsPerUser;
    private SshServer server;
    private int port;

    MinaSftpServer(Path root, SshKeys hostKey, String password, Path authorizedKeys) {
        this.root = root;
        this.hostKey = hostKey;
        this.password = password;
        this.authorizedKeys = authorizedKeys;
    }

    /** Starts on {@code fixedPort}, or on a free port when it is 0. */
    MinaSftpServer start(int fixedPort) throws IOException {
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(fixedPort);
        server.setKeyPairProvider(new FileKeyPairProvider(hostKey.privateKey()));
        server.setPasswordAuthenticator((user, given, session) -> USER.equals(user) && password.equals(given));
        server.setPublickeyAuthenticator(new AuthorizedKeysAuthenticator(authorizedKeys));
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        server.setFileSystemFactory(new org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory(root));
        if (sessionsPerUser > 0) {
            CoreModuleProperties.MAX_CONCURRENT_SESSIONS.set(server, sessionsPerUser);
        }
        server.addSessionListener(new SessionListener() {
            @Override
            public void sessionCreated(Session session) {
                sessionsOpened.incrementAndGet();
                mostOpenAtOnce.accumulateAndGet(sessionsOpen.incrementAndGet(), Math::max);
            }

            @Override
            public void sessionClosed(Session session) {
                sessionsOpen.decrementAndGet();
            }
        });
        server.start();
        port = server.getPort();
        return this;
    }

    /** Refuses a user's login beyond this many concurrent sessions, as a per-user limit does; from the next start. */
    MinaSftpServer limitSessionsPerUser(int limit) {
        sessionsPerUser = limit;
        return this;
    }

    /** SSH connections accepted since the server was made. */
    int sessionsOpened() {
        return sessionsOpened.get();
    }

    /** The most SSH connections that were open at the same time. */
    int mostOpenAtOnce() {
        return mostOpenAtOnce.get();
    }

    int port() {
        return port;
    }

    String knownHostsLine() {
        return hostKey.knownHostsLine("127.0.0.1", port);
    }

    /** Stops at once, dropping every connection, as a crashed or restarted server does. */
    void stop() throws IOException {
        if (server != null) {
            server.stop(true);
            server = null;
        }
    }

    @Override
    public void close() throws IOException {
        stop();
    }
}
