package dev.argoartifact.driver.gcs;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.argoartifact.testkit.client.ArtifactClient;
import dev.argoartifact.testkit.client.ArtifactClient.Reply;
import dev.argoartifact.testkit.conformance.InProcessDriver;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver over the SDK's real HTTP transport (JSON API, OAuth token exchange, retries), against
 * a loopback HTTP server that answers with GCS's documented status codes and error bodies. The
 * conformance suite runs on LocalStorageHelper, which replaces the transport and has no buckets:
 * this is where a missing bucket, a permission error, throttling and the bearer token are seen.
 */
class GcsJsonApiTest {
  private static final String TOKEN = "ya29.token-never-logged";

  @TempDir
  Path work;

  private HttpServer server;
  private String endpoint;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger flakyMetadataCalls = new AtomicInteger();
  private InProcessDriver driver;
  private ArtifactClient client;

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
    endpoint = "http://127.0.0.1:" + server.getAddress().getPort();
    driver = new InProcessDriver(new GcsDriver(), work.resolve("plugin/socket"));
    client = new ArtifactClient(driver.socket(), "gcs");
  }

  @AfterEach
  void stop() {
    driver.close();
    server.stop(0);
  }

  private void handle(HttpExchange exchange) throws IOException {
    exchange.getRequestBody().readAllBytes();
    String path = exchange.getRequestURI().getRawPath();
    String query = String.valueOf(exchange.getRequestURI().getRawQuery());
    requests.add(exchange.getRequestMethod() + " " + path + "?" + query);
    if (path.equals("/token")) {
      respond(exchange, 200, "{\"access_token\": \"" + TOKEN + "\", \"expires_in\": 3600, \"token_type\": \"Bearer\"}");
      return;
    }
    authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
    if (path.contains("/b/missing-bucket/")) {
      respond(exchange, 404, error(404, "notFound", "The specified bucket does not exist."));
    } else if (path.contains("/b/locked-bucket/")) {
      respond(exchange, 403, error(403, "forbidden", ServiceAccountKeys.CLIENT_EMAIL + " does not have storage.objects.list access"
          + " to the Google Cloud Storage bucket. Permission 'storage.objects.list' denied on resource (or it may not exist)."));
    } else if (path.equals("/storage/v1/b/flaky-bucket/o/ok.txt") && !query.contains("alt=media")) {
      if (flakyMetadataCalls.incrementAndGet() <= 2) {
        respond(exchange, 503, error(503, "backendError", "Backend Error"));
      } else {
        respond(exchange, 200, "{\"kind\": \"storage#object\", \"bucket\": \"flaky-bucket\", \"name\": \"ok.txt\", \"generation\": \"7\","
            + " \"metageneration\": \"1\", \"size\": \"5\", \"contentType\": \"text/plain\"}");
      }
    } else if (path.equals("/download/storage/v1/b/flaky-bucket/o/ok.txt") && query.contains("alt=media")) {
      exchange.getResponseHeaders().add("x-goog-generation", "7");
      exchange.getResponseHeaders().add("Content-Type", "text/plain");
      String range = exchange.getRequestHeaders().getFirst("Range");
      if (range != null && !range.equals("bytes=0-")) {
        respond(exchange, 416, error(416, "requestedRangeNotSatisfiable", "The requested range cannot be satisfied."));
        return;
      }
      byte[] body = "hello".getBytes(StandardCharsets.UTF_8);
      if (range != null) {
        exchange.getResponseHeaders().add("Content-Range", "bytes 0-4/5");
      }
      exchange.sendResponseHeaders(range != null ? 206 : 200, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    } else {
      respond(exchange, 404, error(404, "notFound", "No such object: " + path));
    }
  }

  private static String error(int code, String reason, String message) {
    return "{\"error\": {\"code\": " + code + ", \"message\": \"" + message + "\", \"errors\": [{\"message\": \"" + message
        + "\", \"domain\": \"global\", \"reason\": \"" + reason + "\"}]}}";
  }

  private static void respond(HttpExchange exchange, int status, String json) throws IOException {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
    exchange.sendResponseHeaders(status, body.length);
    exchange.getResponseBody().write(body);
    exchange.close();
  }

  /** A service account key whose token endpoint is the loopback server. */
  private String configuration(String bucket) throws Exception {
    Path key = Files.writeString(work.resolve(bucket + "-key.json"), ServiceAccountKeys.json(endpoint + "/token"));
    return "bucket: " + bucket + "\nprojectId: argo-test\nendpoint: " + endpoint + "\nserviceAccountKey: {file: " + key + "}\n"
        + "transfer: {maxAttempts: 1}\n";
  }

  @Test
  void aMissingBucketIsNamedAsSuchForLoadAndSave() throws Exception {
    Reply load = client.load(client.artifact(configuration("missing-bucket"), "runs/out.txt"), work.resolve("in.txt"));
    assertThat(load.success()).isFalse();
    assertThat(load.error()).contains("bucket 'missing-bucket'").contains("The specified bucket does not exist").contains("HTTP 404")
        .doesNotContain(TOKEN);
    Path file = Files.writeString(work.resolve("out.txt"), "data");
    Reply save = client.save(file, client.artifact(configuration("missing-bucket"), "runs/out.txt"));
    assertThat(save.success()).isFalse();
    assertThat(save.error()).contains("bucket 'missing-bucket'").contains("The specified bucket does not exist").contains("HTTP 404");
    assertThat(authorizations).as("every storage request carries the token exchanged for the key")
        .isNotEmpty().allMatch(("Bearer " + TOKEN)::equals);
  }

  @Test
  void aPermissionErrorNamesTheBucketAndWhatToCheck() throws Exception {
    ArtifactClient.ListReply list = client.listObjects(client.artifact(configuration("locked-bucket"), "runs/"));
    assertThat(list.ok()).isFalse();
    assertThat(list.error()).contains("bucket 'locked-bucket'").contains("HTTP 403").contains("storage.objects.list")
        .contains("lack permission").doesNotContain(TOKEN);
  }

  @Test
  void unavailableResponsesAreRetriedAndTheObjectArrives() throws Exception {
    Path target = work.resolve("ok.txt");
    assertThat(client.load(client.artifact(configuration("flaky-bucket"), "ok.txt"), target)).as("requests %s", requests)
        .isEqualTo(new Reply(true, ""));
    assertThat(Files.readString(target)).isEqualTo("hello");
    assertThat(flakyMetadataCalls.get()).as("two 503s, then the answer").isEqualTo(3);
  }
}
