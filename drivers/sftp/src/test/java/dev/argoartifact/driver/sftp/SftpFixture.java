package dev.argoartifact.driver.sftp;

import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.testkit.conformance.ConformanceFixture;
import dev.argoartifact.testkit.conformance.DriverLauncher;
import dev.argoartifact.testkit.conformance.InProcessDriver;
import dev.argoartifact.testkit.conformance.JavaDriverLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The sftp driver on a real socket, configured for a running SFTP server. */
final class SftpFixture implements ConformanceFixture {
  private final InProcessDriver driver;
  private final String configuration;
  private final List<String> secrets;
  private final List<AutoCloseable> servers;
  private final Path log;

  SftpFixture(String configuration, List<String> secrets, Path work, AutoCloseable... servers) throws IOException {
    this.configuration = configuration;
    this.secrets = secrets;
    this.servers = new ArrayList<>(List.of(servers));
    this.driver = new InProcessDriver(new SftpDriver(), work.resolve("plugin/socket"));
    this.log = work.resolve("driver-processes.log");
  }

  /** YAML for a server on 127.0.0.1 with the given auth lines. */
  static String configuration(int port, String user, String basePath, String knownHostsLine, String auth) {
    return String.join("\n",
        "host: 127.0.0.1",
        "port: " + port,
        "username: " + user,
        "basePath: " + basePath,
        auth,
        "knownHosts: \"" + knownHostsLine + "\"",
        "readTimeout: 10s",
        "transfer: {maxAttempts: 3, initialBackoff: 100ms, maxBackoff: 1s}",
        "");
  }

  static Path secretFile(Path dir, String name, String value) throws IOException {
    return Files.writeString(dir.resolve(name), value);
  }

  @Override
  public Path socket() {
    return driver.socket();
  }

  @Override
  public String configuration() {
    return configuration;
  }

  @Override
  public String keyPrefix() {
    return "conformance-" + UUID.randomUUID();
  }

  @Override
  public List<String> requiredFields() {
    return List.of("host", "username", "basePath", "knownHosts");
  }

  @Override
  public List<String> secretValues() {
    return secrets;
  }

  @Override
  public Optional<DriverLauncher> launcher() {
    return Optional.of(new JavaDriverLauncher("sftp", Map.of(), log));
  }

  @Override
  public Optional<ArtifactStorage> storage() {
    return Optional.of(driver.runtime().operations(configuration).storage());
  }

  InProcessDriver driver() {
    return driver;
  }

  @Override
  public void close() throws IOException {
    driver.close();
    for (AutoCloseable server : servers) {
      try {
        server.close();
      } catch (Exception e) {
        throw new IOException(e);
      }
    }
  }
}
