package dev.argoartifact.driver.gcs;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP server that answers the GCS JSON API and the OAuth token exchange with GCS's
 * documented status codes and error bodies, for a few scripted buckets:
 * <ul>
 *   <li>{@code missing-bucket}: 404, the bucket does not exist;
 *   <li>{@code locked-bucket}: 403, the service account lacks {@code storage.objects.list};
 *   <li>{@code flaky-bucket}: object {@code ok.txt} ("hello"), whose metadata answers 503 twice first.
 * </ul>
 * Not a GCS emulator: it is where the SDK's real HTTP transport, token exchange, retries and error
 * bodies are exercised, in-process ({@link GcsJsonApiTest}) and from the image ({@link GcsImageIT}).
 */
final class GcsLoopbackApi implements AutoCloseable {
  static final String TOKEN = "ya29.token-never-logged";
  static final String OK_TXT = "hello";

  private final HttpServer server;
  final List<String> requests = new CopyOnWriteArrayList<>();
  final List<String> authorizations = new CopyOnWriteArrayList<>();
  final AtomicInteger flakyMetadataCalls = new AtomicInteger();

  GcsLoopbackApi() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  String endpoint() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** A driver configuration for a scripted bucket, with a service account key written into {@code dir}. */
  String configuration(Path dir, String bucket) throws Exception {
    Path key = Files.writeString(dir.resolve(bucket + "-key.json"), ServiceAccountKeys.json(endpoint() + "/token"));
    return "bucket: " + bucket + "\nprojectId: argo-test\nendpoint: " + endpoint() + "\nserviceAccountKey: {file: " + key + "}\n"
        + "transfer: {maxAttempts: 1}\n";
  }

  @Override
  public void close() {
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
      byte[] body = OK_TXT.getBytes(StandardCharsets.UTF_8);
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
}
