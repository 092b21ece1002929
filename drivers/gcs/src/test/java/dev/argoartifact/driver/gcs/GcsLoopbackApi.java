package dev.argoartifact.driver.gcs;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.argoartifact.common.transfer.LocalTree;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;

/**
 * A loopback HTTP server that answers the GCS JSON API and the OAuth token exchange with GCS's
 * documented status codes and error bodies, for a few scripted buckets:
 * <ul>
 *   <li>{@code missing-bucket}: 404, the bucket does not exist;
 *   <li>{@code locked-bucket}: 403, the service account lacks {@code storage.objects.list};
 *   <li>{@code flaky-bucket}: object {@code ok.txt} ("hello"), whose metadata answers 503 twice first;
 *   <li>{@code artifacts}: a working bucket kept in a directory, with the calls the driver makes:
 *       object metadata, listing by prefix, media downloads with ranges, single-request and
 *       resumable uploads and XML multipart uploads (an object appears only once its upload is
 *       finalized; {@link #openUploads} lists the unfinished ones), deletes, also batched, and
 *       refused deletes ({@link #refuseDeletesUnder}). No paging, no preconditions.
 * </ul>
 * Not a GCS emulator: it is where the SDK's real HTTP transport, token exchange, retries and error
 * bodies are exercised: in-process ({@link GcsJsonApiTest}, and the whole conformance suite over
 * HTTP in {@link GcsLoopbackConformanceTest}) and from the image ({@link GcsImageIT}, whose round
 * trip uses the {@code artifacts} bucket).
 */
final class GcsLoopbackApi implements AutoCloseable {
    static final String TOKEN = "ya29.token-never-logged";
    static final String OK_TXT = "hello";

    static final String BUCKET = "artifacts";
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        // The JDK's server sends a response's headers and body in two writes; with Nagle on, the
        // body waits for the client's delayed ACK of the headers (40 ms), which GCS never does and
        // which made every small download here cost four round trips more than an upload.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(16);
    final List<String> requests = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final AtomicInteger flakyMetadataCalls = new AtomicInteger();
    /** The artifacts bucket: finalized objects, each a file, and resumable uploads in progress. */
    private final Path objects;

    private final Map<String, Path> bucket = new ConcurrentHashMap<>();
    private final Map<String, Upload> uploads = new ConcurrentHashMap<>();
    private final AtomicLong generations = new AtomicLong(1000);

    private record Upload(String name, Path data) {}

    /** XML multipart uploads in progress: the object's name and its parts, by number. */
    private record MultipartUpload(String name, Map<Integer, Path> parts) {}

    private final Map<String, MultipartUpload> multipartUploads = new ConcurrentHashMap<>();

    /** Time spent joining completed multipart uploads' parts into one file, a copy GCS does not make. */
    private final java.util.concurrent.atomic.AtomicLong joiningNanos = new java.util.concurrent.atomic.AtomicLong();

    /** Seconds spent so far joining the parts of completed multipart uploads (benchmarks subtract it). */
    double joiningSeconds() {
        return joiningNanos.get() / 1e9;
    }
    /** Object names whose deletes this server refuses with 403, as a bucket policy would. */
    private final List<String> undeletable = new CopyOnWriteArrayList<>();

    /** Uploads started and neither finished nor cancelled: resumable sessions and multipart uploads. */
    List<String> openUploads() {
        List<String> open = new java.util.ArrayList<>();
        uploads.values().forEach(u -> open.add("resumable session for " + u.name()));
        multipartUploads
                .values()
                .forEach(u -> open.add(
                        "multipart upload of " + u.name() + " with " + u.parts().size() + " part(s)"));
        return open;
    }

    /** Removes the objects whose names start with {@code namePrefix}, as another client would. */
    void removeUnder(String namePrefix) throws IOException {
        for (String name : List.copyOf(bucket.keySet())) {
            if (name.startsWith(namePrefix)) {
                Path file = bucket.remove(name);
                if (file != null) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** From now on, deleting an object whose name starts with {@code namePrefix} is refused with 403. */
    void refuseDeletesUnder(String namePrefix) {
        undeletable.add(namePrefix);
    }

    private boolean refusesDelete(String name) {
        return undeletable.stream().anyMatch(name::startsWith);
    }

    /** A server whose artifacts bucket keeps its objects in {@code objects}. */
    GcsLoopbackApi(Path objects) throws IOException {
        this.objects = Files.createDirectories(objects);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(threads); // parallel ranged downloads and files in flight
        server.start();
    }

    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** A driver configuration for a scripted bucket, with a service account key written into {@code dir}. */
    String configuration(Path dir, String bucket) throws Exception {
        Path key = Files.writeString(dir.resolve(bucket + "-key.json"), ServiceAccountKeys.json(endpoint() + "/token"));
        return "bucket: " + bucket + "\nprojectId: argo-test\nendpoint: " + endpoint() + "\nserviceAccountKey: {file: "
                + key + "}\n" + "transfer: {maxAttempts: 1}\n";
    }

    /** The same, with the runtime's retries on (three attempts, quickly): the SDK's own are off. */
    String retryingConfiguration(Path dir, String bucket) throws Exception {
        return configuration(dir, bucket)
                .replace("transfer: {maxAttempts: 1}", "transfer: {maxAttempts: 3, initialBackoff: 10ms}");
    }

    /** The artifacts bucket's configuration. */
    String bucketConfiguration(Path dir) throws Exception {
        return configuration(dir, BUCKET);
    }

    /** Stops the server and deletes the artifacts bucket's directory. */
    @Override
    public void close() throws IOException {
        server.stop(0);
        threads.shutdownNow();
        LocalTree.delete(objects);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String query = String.valueOf(exchange.getRequestURI().getRawQuery());
        requests.add(exchange.getRequestMethod() + " " + path + "?" + query);
        if (!path.equals("/token")) {
            authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
        }
        try {
            if (path.equals("/batch/storage/v1")) {
                batch(exchange);
                return;
            }
            if (path.equals("/" + BUCKET) || path.startsWith("/" + BUCKET + "/")) {
                xmlCall(exchange, path, query);
                return;
            }
            if (path.contains("/b/" + BUCKET + "/")) {
                bucketCall(exchange, path, query);
                return;
            }
        } catch (RuntimeException | IOException e) {
            respond(exchange, 500, error(500, "backendError", String.valueOf(e)));
            return;
        }
        exchange.getRequestBody().readAllBytes();
        if (path.equals("/token")) {
            respond(
                    exchange,
                    200,
                    "{\"access_token\": \"" + TOKEN + "\", \"expires_in\": 3600, \"token_type\": \"Bearer\"}");
            return;
        }
        if (path.contains("/b/missing-bucket/")) {
            respond(exchange, 404, error(404, "notFound", "The specified bucket does not exist."));
        } else if (path.contains("/b/locked-bucket/")) {
            respond(
                    exchange,
                    403,
                    error(
                            403,
                            "forbidden",
                            ServiceAccountKeys.CLIENT_EMAIL + " does not have storage.objects.list access"
                                    + " to the Google Cloud Storage bucket. Permission 'storage.objects.list' denied on resource (or it may not exist)."));
        } else if (path.equals("/storage/v1/b/flaky-bucket/o/ok.txt") && !query.contains("alt=media")) {
            if (flakyMetadataCalls.incrementAndGet() <= 2) {
                respond(exchange, 503, error(503, "backendError", "Backend Error"));
            } else {
                respond(
                        exchange,
                        200,
                        "{\"kind\": \"storage#object\", \"bucket\": \"flaky-bucket\", \"name\": \"ok.txt\", \"generation\": \"7\","
                                + " \"metageneration\": \"1\", \"size\": \"5\", \"contentType\": \"text/plain\"}");
            }
        } else if (path.equals("/download/storage/v1/b/flaky-bucket/o/ok.txt") && query.contains("alt=media")) {
            exchange.getResponseHeaders().add("x-goog-generation", "7");
            exchange.getResponseHeaders().add("Content-Type", "text/plain");
            String range = exchange.getRequestHeaders().getFirst("Range");
            if (range != null && !range.equals("bytes=0-")) {
                respond(
                        exchange,
                        416,
                        error(416, "requestedRangeNotSatisfiable", "The requested range cannot be satisfied."));
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

    private void bucketCall(HttpExchange exchange, String path, String query) throws IOException {
        String method = exchange.getRequestMethod();
        Map<String, String> params = parameters(query);
        String objectsPath = "/b/" + BUCKET + "/o";
        int at = path.indexOf(objectsPath) + objectsPath.length();
        String name = path.length() > at + 1 ? decode(path.substring(at + 1)) : null;
        if (path.startsWith("/upload/")) {
            upload(exchange, method, params);
        } else if (name == null && method.equals("GET")) {
            list(exchange, params.getOrDefault("prefix", ""));
        } else if (name != null && method.equals("DELETE")) {
            exchange.getRequestBody().readAllBytes();
            int status = delete(name);
            if (status == 204) {
                exchange.sendResponseHeaders(204, -1);
                exchange.close();
            } else {
                respond(exchange, status, deleteError(status, name));
            }
        } else if (name != null && method.equals("GET")) {
            Path file = bucket.get(name);
            if (file == null) {
                respond(exchange, 404, error(404, "notFound", "No such object: " + BUCKET + "/" + name));
            } else if ("media".equals(params.get("alt"))) {
                download(exchange, file);
            } else {
                respond(exchange, 200, resource(name, file));
            }
        } else {
            respond(exchange, 400, error(400, "invalid", "not served here: " + method + " " + path));
        }
    }

    /** 204, or 404 when missing, or 403 when refused. */
    private int delete(String name) throws IOException {
        if (refusesDelete(name)) {
            return 403;
        }
        Path file = bucket.remove(name);
        if (file == null) {
            return 404;
        }
        Files.deleteIfExists(file);
        return 204;
    }

    private static String deleteError(int status, String name) {
        return status == 403
                ? error(
                        403,
                        "forbidden",
                        ServiceAccountKeys.CLIENT_EMAIL + " does not have storage.objects.delete access to " + BUCKET
                                + "/" + name)
                : error(404, "notFound", "No such object: " + BUCKET + "/" + name);
    }

    /**
     * The JSON API's batch endpoint, for deletes: a multipart/mixed body of HTTP requests, answered
     * by a multipart/mixed body of their responses, in order.
     */
    private void batch(HttpExchange exchange) throws IOException {
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        String boundary = contentType
                .substring(contentType.indexOf("boundary=") + "boundary=".length())
                .replace("\"", "");
        String body = new String(requestBody(exchange).readAllBytes(), StandardCharsets.UTF_8);
        StringBuilder reply = new StringBuilder();
        int n = 0;
        for (String part : body.split(java.util.regex.Pattern.quote("--" + boundary))) {
            java.util.regex.Matcher line = java.util.regex.Pattern.compile("(?m)^DELETE (\\S+) HTTP/1\\.1")
                    .matcher(part);
            if (!line.find()) {
                continue;
            }
            String target = java.net.URI.create(line.group(1)).getRawPath();
            String objectsPath = "/b/" + BUCKET + "/o/";
            String name = decode(target.substring(target.indexOf(objectsPath) + objectsPath.length()));
            requests.add("DELETE (batched) " + target);
            int status = delete(name);
            reply.append("--batch_reply\r\nContent-Type: application/http\r\nContent-ID: <response-")
                    .append(++n)
                    .append(">\r\n\r\n");
            if (status == 204) {
                reply.append("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n\r\n");
            } else {
                byte[] json = deleteError(status, name).getBytes(StandardCharsets.UTF_8);
                reply.append("HTTP/1.1 ")
                        .append(status)
                        .append(status == 403 ? " Forbidden" : " Not Found")
                        .append("\r\nContent-Type: application/json; charset=UTF-8\r\nContent-Length: ")
                        .append(json.length)
                        .append("\r\n\r\n")
                        .append(new String(json, StandardCharsets.UTF_8))
                        .append("\r\n");
            }
        }
        reply.append("--batch_reply--\r\n");
        byte[] bytes = reply.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "multipart/mixed; boundary=batch_reply");
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    /** The XML API's multipart uploads: started, sent in numbered parts, completed or aborted. */
    private void xmlCall(HttpExchange exchange, String path, String query) throws IOException {
        String method = exchange.getRequestMethod();
        Map<String, String> params = parameters(query);
        String name = path.length() > BUCKET.length() + 2 ? decode(path.substring(BUCKET.length() + 2)) : "";
        String id = params.get("uploadId");
        MultipartUpload upload = id == null ? null : multipartUploads.get(id);
        if (method.equals("POST") && params.containsKey("uploads")) {
            exchange.getRequestBody().readAllBytes();
            String newId = UUID.randomUUID().toString();
            multipartUploads.put(newId, new MultipartUpload(name, new java.util.concurrent.ConcurrentSkipListMap<>()));
            respondXml(
                    exchange,
                    200,
                    "<InitiateMultipartUploadResult><Bucket>" + BUCKET + "</Bucket><Key>" + xml(name)
                            + "</Key><UploadId>" + newId + "</UploadId></InitiateMultipartUploadResult>");
        } else if (id != null && upload == null) {
            exchange.getRequestBody().readAllBytes();
            respondXml(exchange, 404, "<Error><Code>NoSuchUpload</Code><Message>No such upload</Message></Error>");
        } else if (method.equals("PUT") && upload != null) {
            Path part = Files.createTempFile(objects, "part-", ".part");
            try (InputStream in = requestBody(exchange)) {
                Files.copy(in, part, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            upload.parts().put(Integer.parseInt(params.get("partNumber")), part);
            exchange.getResponseHeaders().add("ETag", "\"" + part.getFileName() + "\"");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        } else if (method.equals("POST") && upload != null) {
            String completion = new String(requestBody(exchange).readAllBytes(), StandardCharsets.UTF_8);
            long joining = System.nanoTime();
            Path data = Files.createTempFile(objects, "completed-", ".part");
            try (OutputStream out = Files.newOutputStream(data)) {
                java.util.regex.Matcher number = java.util.regex.Pattern.compile("<PartNumber>(\\d+)</PartNumber>")
                        .matcher(completion);
                while (number.find()) {
                    Files.copy(upload.parts().get(Integer.parseInt(number.group(1))), out);
                }
            }
            multipartUploads.remove(id);
            for (Path part : upload.parts().values()) {
                Files.deleteIfExists(part);
            }
            joiningNanos.addAndGet(System.nanoTime() - joining);
            finalize(upload.name(), data);
            respondXml(
                    exchange,
                    200,
                    "<CompleteMultipartUploadResult><Bucket>" + BUCKET + "</Bucket><Key>" + xml(upload.name())
                            + "</Key><ETag>\"done\"</ETag></CompleteMultipartUploadResult>");
        } else if (method.equals("DELETE") && upload != null) {
            exchange.getRequestBody().readAllBytes();
            multipartUploads.remove(id);
            for (Path part : upload.parts().values()) {
                Files.deleteIfExists(part);
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        } else {
            exchange.getRequestBody().readAllBytes();
            respondXml(
                    exchange,
                    400,
                    "<Error><Code>InvalidArgument</Code><Message>not served here: " + method + " " + xml(path)
                            + "</Message></Error>");
        }
    }

    private static String xml(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static void respondXml(HttpExchange exchange, int status, String xml) throws IOException {
        byte[] body = ("<?xml version='1.0' encoding='UTF-8'?>" + xml).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/xml; charset=UTF-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }

    private void list(HttpExchange exchange, String prefix) throws IOException {
        exchange.getRequestBody().readAllBytes();
        StringBuilder items = new StringBuilder();
        for (Map.Entry<String, Path> object : new TreeMap<>(bucket).entrySet()) {
            if (object.getKey().startsWith(prefix)) {
                items.append(items.isEmpty() ? "" : ",").append(resource(object.getKey(), object.getValue()));
            }
        }
        respond(exchange, 200, "{\"kind\": \"storage#objects\", \"items\": [" + items + "]}");
    }

    private void download(HttpExchange exchange, Path file) throws IOException {
        exchange.getRequestBody().readAllBytes();
        long size = Files.size(file);
        long first = 0;
        long last = size - 1;
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range != null) {
            String[] bounds = range.substring("bytes=".length()).split("-", -1);
            first = Long.parseLong(bounds[0]);
            last = bounds[1].isEmpty() ? size - 1 : Math.min(size - 1, Long.parseLong(bounds[1]));
            if (first >= size && size > 0) {
                respond(
                        exchange,
                        416,
                        error(416, "requestedRangeNotSatisfiable", "The requested range cannot be satisfied."));
                return;
            }
            exchange.getResponseHeaders().add("Content-Range", "bytes " + first + "-" + last + "/" + size);
        }
        exchange.getResponseHeaders().add("Content-Type", "application/octet-stream");
        exchange.getResponseHeaders().add("x-goog-generation", generation(file));
        long length = Math.max(0, last - first + 1);
        exchange.sendResponseHeaders(range != null ? 206 : 200, length == 0 ? -1 : length);
        try (InputStream in = Files.newInputStream(file);
                OutputStream out = exchange.getResponseBody()) {
            in.skipNBytes(first);
            copy(in, out, length);
        }
    }

    /** Single-request (multipart) uploads, and resumable ones: started, sent in chunks, finalized. */
    private void upload(HttpExchange exchange, String method, Map<String, String> params) throws IOException {
        String type = params.get("uploadType");
        if ("multipart".equals(type)) {
            byte[] body = requestBody(exchange).readAllBytes();
            String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
            String boundary = "--"
                    + contentType
                            .substring(contentType.indexOf("boundary=") + "boundary=".length())
                            .replace("\"", "");
            String text = new String(body, StandardCharsets.ISO_8859_1);
            String[] parts = text.split(java.util.regex.Pattern.quote(boundary));
            // Split as ISO-8859-1 (byte for byte); the JSON part is UTF-8.
            String metadata = new String(
                    parts[1].substring(parts[1].indexOf("\r\n\r\n") + 4).getBytes(StandardCharsets.ISO_8859_1),
                    StandardCharsets.UTF_8);
            String media = parts[2].substring(parts[2].indexOf("\r\n\r\n") + 4);
            media = media.substring(0, media.length() - 2); // the CRLF before the closing boundary
            Path data = Files.createTempFile(objects, "multipart-", ".part");
            Files.write(data, media.getBytes(StandardCharsets.ISO_8859_1));
            String name = nameOf(metadata, params);
            respond(exchange, 200, resource(name, finalize(name, data)));
        } else if ("resumable".equals(type) && method.equals("POST")) {
            String metadata = new String(requestBody(exchange).readAllBytes(), StandardCharsets.UTF_8);
            String id = UUID.randomUUID().toString();
            uploads.put(id, new Upload(nameOf(metadata, params), Files.createTempFile(objects, "resumable-", ".part")));
            exchange.getResponseHeaders()
                    .add(
                            "Location",
                            endpoint() + "/upload/storage/v1/b/" + BUCKET + "/o?uploadType=resumable&upload_id=" + id);
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        } else if ("resumable".equals(type) && method.equals("PUT")) {
            Upload upload = uploads.get(params.get("upload_id"));
            if (upload == null) {
                exchange.getRequestBody().readAllBytes();
                respond(exchange, 404, error(404, "notFound", "No such upload session"));
                return;
            }
            // Content-Range: "bytes first-last/total", "bytes first-last/*" (more to come) or "bytes */total".
            String contentRange = exchange.getRequestHeaders().getFirst("Content-Range");
            String spec = contentRange == null ? "*/*" : contentRange.substring("bytes ".length());
            String total = spec.substring(spec.indexOf('/') + 1);
            try (InputStream in = requestBody(exchange);
                    OutputStream out = Files.newOutputStream(upload.data(), StandardOpenOption.APPEND)) {
                in.transferTo(out);
            }
            long received = Files.size(upload.data());
            if (!total.equals("*") && Long.parseLong(total) == received) {
                uploads.remove(params.get("upload_id"));
                respond(exchange, 200, resource(upload.name(), finalize(upload.name(), upload.data())));
            } else {
                if (received > 0) {
                    exchange.getResponseHeaders().add("Range", "bytes=0-" + (received - 1));
                }
                exchange.sendResponseHeaders(308, -1);
                exchange.close();
            }
        } else {
            exchange.getRequestBody().readAllBytes();
            respond(exchange, 400, error(400, "invalid", "upload type not served here: " + type));
        }
    }

    private Path finalize(String name, Path data) throws IOException {
        Path file = objects.resolve("object-" + generations.incrementAndGet());
        Files.move(data, file);
        Path previous = bucket.put(name, file);
        if (previous != null) {
            Files.deleteIfExists(previous);
        }
        return file;
    }

    private static String nameOf(String metadata, Map<String, String> params) throws IOException {
        if (params.containsKey("name")) {
            return params.get("name");
        }
        String name = JSON.readTree(metadata).path("name").asText("");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("no object name in " + metadata);
        }
        return name;
    }

    private static String generation(Path file) {
        return file.getFileName().toString().substring("object-".length());
    }

    private static String resource(String name, Path file) throws IOException {
        return JSON.writeValueAsString(Map.of(
                "kind",
                "storage#object",
                "bucket",
                BUCKET,
                "name",
                name,
                "generation",
                generation(file),
                "metageneration",
                "1",
                "size",
                String.valueOf(Files.size(file)),
                "contentType",
                "application/octet-stream"));
    }

    /** The request's body, inflated when the client compressed it (the SDK gzips JSON and multipart bodies). */
    private static InputStream requestBody(HttpExchange exchange) throws IOException {
        InputStream in = exchange.getRequestBody();
        return "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                ? new GZIPInputStream(in)
                : in;
    }

    private static void copy(InputStream in, OutputStream out, long length) throws IOException {
        byte[] buffer = new byte[1 << 16];
        long left = length;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                break;
            }
            out.write(buffer, 0, n);
            left -= n;
        }
    }

    private static Map<String, String> parameters(String query) {
        Map<String, String> params = new HashMap<>();
        if (query != null && !query.equals("null")) {
            for (String pair : query.split("&")) {
                int eq = pair.indexOf('=');
                params.put(decode(eq < 0 ? pair : pair.substring(0, eq)), eq < 0 ? "" : decode(pair.substring(eq + 1)));
            }
        }
        return params;
    }

    /** Percent-decoding of a URL component; a '+' stays a '+' (object names are path-encoded). */
    private static String decode(String s) {
        return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String error(int code, String reason, String message) {
        return "{\"error\": {\"code\": " + code + ", \"message\": \"" + message + "\", \"errors\": [{\"message\": \""
                + message + "\", \"domain\": \"global\", \"reason\": \"" + reason + "\"}]}}";
    }

    private static void respond(HttpExchange exchange, int status, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json; charset=UTF-8");
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
    }
}
