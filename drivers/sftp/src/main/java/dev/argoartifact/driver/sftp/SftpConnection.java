package dev.argoartifact.driver.sftp;

import com.jcraft.jsch.ChannelSftp;
import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.log.JsonLog;
import dev.argoartifact.common.secrets.Secret;
import dev.argoartifact.common.storage.StorageException;
import dev.argoartifact.common.storage.TransientFailures;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * One SSH session and a bounded pool of SFTP channels on it, shared by the transfers of a
 * configuration: parallel files use several channels of one connection. A dropped session is
 * replaced on the next lease; an idle one is closed after {@value #IDLE_CLOSE_SECONDS} s, so
 * connections last about as long as the operations that use them.
 */
final class SftpConnection implements Closeable {
  static final int IDLE_CLOSE_SECONDS = 30;

  private final SftpConfiguration config;
  private final Secret password;
  private final Secret privateKey;
  private final Secret passphrase;
  private final byte[] knownHosts;
  private final String endpoint;
  private final Semaphore permits;
  private final Deque<ChannelSftp> idle = new ArrayDeque<>();
  private final ScheduledExecutorService reaper;
  private Session session;
  /** Counts the sessions made: a lease says which one its channel belongs to. */
  private long generation;
  private int leased;
  private long lastUsedNanos = System.nanoTime();
  private boolean closed;

  SftpConnection(SftpConfiguration config, Secret password, Secret privateKey, Secret passphrase, byte[] knownHosts) {
    this.config = config;
    this.password = password;
    this.privateKey = privateKey;
    this.passphrase = passphrase;
    this.knownHosts = knownHosts;
    this.endpoint = config.host() + ":" + config.port();
    this.permits = new Semaphore(config.channelsInFlight(), true);
    this.reaper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "sftp-idle-" + endpoint);
      t.setDaemon(true);
      return t;
    });
    reaper.scheduleWithFixedDelay(this::closeIfIdle, 5, 5, TimeUnit.SECONDS);
  }

  String endpoint() {
    return endpoint;
  }

  /** A channel for one thread; give it back with {@link Lease#close()}. */
  Lease lease() throws IOException {
    try {
      permits.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while waiting for an SFTP channel");
    }
    try {
      long[] of = new long[1];
      ChannelSftp ch = channel(of);
      return new Lease(ch, of[0]);
    } catch (IOException | RuntimeException e) {
      permits.release();
      throw e;
    }
  }

  private ChannelSftp channel(long[] sessionGeneration) throws IOException {
    Session current;
    synchronized (this) {
      if (closed) {
        throw new IOException("the SFTP connection to " + endpoint + " is closed");
      }
      while (!idle.isEmpty()) {
        ChannelSftp ch = idle.pop();
        if (ch.isConnected() && session != null && session.isConnected()) {
          leased++;
          sessionGeneration[0] = generation;
          return ch;
        }
        ch.disconnect();
      }
      if (session == null || !session.isConnected()) {
        session = connect();
        generation++;
      }
      current = session;
      sessionGeneration[0] = generation;
      leased++;
    }
    try {
      ChannelSftp ch = (ChannelSftp) current.openChannel("sftp");
      ch.setBulkRequests(config.bulkRequests());
      ch.connect((int) config.connectTimeout().toMillis());
      return ch;
    } catch (JSchException e) {
      synchronized (this) {
        leased--;
      }
      throw new StorageException("cannot open an SFTP channel on " + endpoint + ": " + e.getMessage()
          + " (is the sftp subsystem enabled, and MaxSessions at least channelsInFlight?)", e, !current.isConnected());
    }
  }

  private synchronized void release(ChannelSftp ch) {
    leased--;
    lastUsedNanos = System.nanoTime();
    if (!closed && ch.isConnected() && session != null && session.isConnected() && !ch.isClosed()) {
      idle.push(ch);
    } else {
      ch.disconnect();
    }
    permits.release();
  }

  private Session connect() throws IOException {
    JSch jsch = new JSch();
    try {
      if (knownHosts != null) {
        jsch.setKnownHosts(new ByteArrayInputStream(knownHosts));
      }
      if (privateKey != null) {
        jsch.addIdentity("privateKey", privateKey.bytes(), null, passphrase == null ? null : passphrase.text().getBytes(StandardCharsets.UTF_8));
      }
    } catch (JSchException e) {
      throw new ConfigurationException(privateKey != null && e.getMessage() != null && e.getMessage().contains("privatekey") ? "privateKey" : "knownHosts",
          "cannot be used: " + e.getMessage() + (passphrase == null ? "" : " (or the passphrase is wrong)"));
    }
    Session s;
    try {
      s = jsch.getSession(config.username(), config.host(), config.port());
    } catch (JSchException e) {
      throw new ConfigurationException(null, "cannot set up an SSH session to " + endpoint + ": " + e.getMessage());
    }
    if (password != null) {
      s.setPassword(password.text());
    }
    s.setConfig("PreferredAuthentications", password != null ? "password" : "publickey");
    if (config.insecure()) {
      s.setConfig("StrictHostKeyChecking", "no");
      JsonLog.warn("insecureIgnoreHostKey is set: the server's host key is not checked, so this connection "
          + "is open to man-in-the-middle attacks", Map.of("endpoint", endpoint));
    } else {
      s.setConfig("StrictHostKeyChecking", "yes");
      String algorithms = hostKeyAlgorithms(jsch);
      if (algorithms.isEmpty()) {
        throw new ConfigurationException("knownHosts", "has no entry for " + hostPattern()
            + " (entries look like '" + hostPattern() + " ssh-ed25519 AAAA...'; 'ssh-keyscan -p PORT HOST' prints them)");
      }
      s.setConfig("server_host_key", algorithms);
    }
    long readTimeout = config.readTimeout().toMillis();
    try {
      s.setServerAliveInterval((int) Math.max(1000, readTimeout / 3));
    } catch (JSchException impossible) {
      throw new IllegalStateException(impossible);
    }
    s.setServerAliveCountMax(3);
    try {
      s.connect((int) config.connectTimeout().toMillis());
    } catch (JSchException e) {
      throw explainConnectFailure(e);
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
        String type = key.getType();
        if ("ssh-rsa".equals(type)) {
          algorithms.add("rsa-sha2-512");
          algorithms.add("rsa-sha2-256");
        }
        algorithms.add(type);
      }
    }
    return String.join(",", algorithms);
  }

  private IOException explainConnectFailure(JSchException e) {
    String m = e.getMessage() == null ? "" : e.getMessage();
    String lower = m.toLowerCase(Locale.ROOT);
    if (lower.contains("auth fail") || lower.contains("auth cancel")) {
      return new StorageException("authentication failed for user '" + config.username() + "' on " + endpoint
          + (password != null ? " (check the password)" : " (check the private key and that its public key is authorized)"), null, false);
    }
    if (lower.contains("unknownhostkey") || lower.contains("reject hostkey") || lower.contains("hostkey has been changed")
        || lower.contains("host key")) {
      return new StorageException("the host key of " + endpoint + " does not match knownHosts: " + m
          + " (verify the server's key before updating knownHosts)", null, false);
    }
    boolean network = TransientFailures.isNetworkFailure(e) || lower.contains("timeout") || lower.contains("connection refused")
        || lower.contains("session is down") || lower.contains("connection is closed");
    return new StorageException("cannot connect to " + endpoint + ": " + m, e, network);
  }

  private void closeIfIdle() {
    synchronized (this) {
      if (session != null && leased == 0 && System.nanoTime() - lastUsedNanos > TimeUnit.SECONDS.toNanos(IDLE_CLOSE_SECONDS)) {
        idle.forEach(ChannelSftp::disconnect);
        idle.clear();
        session.disconnect();
        session = null;
      }
    }
  }

  /** True when the session is gone: the failure that just happened was the connection's. */
  synchronized boolean dropped() {
    return session == null || !session.isConnected();
  }

  @Override
  public void close() {
    reaper.shutdownNow();
    synchronized (this) {
      closed = true;
      idle.forEach(ChannelSftp::disconnect);
      idle.clear();
      if (session != null) {
        session.disconnect();
        session = null;
      }
    }
  }

  /** A leased channel. */
  final class Lease implements Closeable {
    private final ChannelSftp channel;
    private final long session;
    private boolean released;

    Lease(ChannelSftp channel, long session) {
      this.channel = channel;
      this.session = session;
    }

    /** Which session of this connection the channel belongs to (a new one after a reconnect). */
    long session() {
      return session;
    }

    ChannelSftp channel() {
      return channel;
    }

    @Override
    public void close() {
      if (!released) {
        released = true;
        release(channel);
      }
    }
  }
}
