package dev.argoartifact.common.log;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringWriter;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * One JSON object per line on stdout, the shape Kubernetes log pipelines expect. The level comes
 * from {@code ARGO_ARTIFACT_LOG_LEVEL} (debug, info, warn, error; default info). Callers pass only
 * fields that are safe to print: never a configuration string or a secret.
 */
public final class JsonLog {
    public enum Level {
        DEBUG,
        INFO,
        WARN,
        ERROR
    }

    private static final JsonFactory JSON = new JsonFactory();
    private static volatile Level threshold = parseLevel(System.getenv("ARGO_ARTIFACT_LOG_LEVEL"));
    private static volatile PrintStream out = System.out;

    private JsonLog() {}

    static Level parseLevel(String text) {
        if (text == null || text.isBlank()) {
            return Level.INFO;
        }
        return switch (text.trim().toLowerCase(Locale.ROOT)) {
            case "debug", "trace" -> Level.DEBUG;
            case "warn", "warning" -> Level.WARN;
            case "error" -> Level.ERROR;
            default -> Level.INFO;
        };
    }

    public static boolean enabled(Level level) {
        return level.compareTo(threshold) >= 0;
    }

    public static void setThreshold(Level level) {
        threshold = level;
    }

    /** Redirects the log (the command-line tool sends it to stderr). */
    public static void redirect(PrintStream stream) {
        out = stream;
    }

    public static void debug(String message, Map<String, ?> fields) {
        write(Level.DEBUG, message, fields);
    }

    public static void info(String message, Map<String, ?> fields) {
        write(Level.INFO, message, fields);
    }

    public static void warn(String message, Map<String, ?> fields) {
        write(Level.WARN, message, fields);
    }

    public static void error(String message, Map<String, ?> fields) {
        write(Level.ERROR, message, fields);
    }

    public static void write(Level level, String message, Map<String, ?> fields) {
        if (!enabled(level)) {
            return;
        }
        StringWriter line = new StringWriter(256);
        try (JsonGenerator g = JSON.createGenerator(line)) {
            g.writeStartObject();
            g.writeStringField("time", Instant.now().toString());
            g.writeStringField("level", level.name().toLowerCase(Locale.ROOT));
            g.writeStringField("msg", Redaction.apply(message));
            for (Map.Entry<String, ?> e : fields.entrySet()) {
                Object v = e.getValue();
                if (v == null) {
                    continue;
                }
                if (v instanceof Number n) {
                    g.writeFieldName(e.getKey());
                    if (n instanceof Double || n instanceof Float) {
                        g.writeNumber(n.doubleValue());
                    } else {
                        g.writeNumber(n.longValue());
                    }
                } else if (v instanceof Boolean b) {
                    g.writeBooleanField(e.getKey(), b);
                } else {
                    g.writeStringField(e.getKey(), Redaction.apply(v.toString()));
                }
            }
            g.writeEndObject();
        } catch (IOException impossible) {
            throw new IllegalStateException(impossible);
        }
        PrintStream target = out;
        synchronized (target) {
            target.println(line);
        }
    }

    /**
     * Netty warns that TCP keep-alive does not apply to Unix domain sockets, once per connection;
     * gRPC always sets it. Held here so the setting is not garbage-collected with the logger.
     */
    private static final Logger NETTY_BOOTSTRAP = Logger.getLogger("io.grpc.netty.shaded.io.netty.bootstrap");

    /**
     * Loggers that dump what goes over the wire at debug level: gRPC's and Netty's frame loggers
     * (configuration strings and artifact bytes, in hex), HTTP clients and servers (request and
     * response headers and bodies: the JDK's HttpURLConnection printed "Authorization: Bearer ..."
     * under the GCS SDK, found by the conformance kit's debug-log check), TLS. They stay at INFO
     * whatever the level, so a debug log never holds payload bytes or credentials. Held here so the
     * settings are not garbage-collected.
     */
    private static final java.util.List<Logger> PAYLOAD_LOGGERS = java.util.stream.Stream.of(
                    "io.grpc.netty.shaded.io.grpc.netty",
                    "io.grpc.netty.shaded.io.netty.handler",
                    "io.grpc.netty",
                    "io.netty",
                    "reactor.netty",
                    "com.google.api.client.http",
                    "com.google.auth",
                    "com.azure.core.http.policy",
                    "software.amazon.awssdk.request",
                    "software.amazon.awssdk.http",
                    "org.apache.http.wire",
                    "org.apache.hc.client5.http.wire",
                    "sun.net.www",
                    "com.sun.net.httpserver",
                    "jdk.internal.httpclient",
                    "java.net.http",
                    "javax.net.ssl",
                    "sun.security.ssl")
            .map(Logger::getLogger)
            .toList();

    /** Sends java.util.logging (gRPC, Netty, and SLF4J through slf4j-jdk14) into this log. */
    public static void captureJavaUtilLogging() {
        LogManager.getLogManager().reset();
        NETTY_BOOTSTRAP.setLevel(java.util.logging.Level.SEVERE);
        boolean debug = enabled(Level.DEBUG);
        PAYLOAD_LOGGERS.forEach(
                l -> l.setLevel(debug ? java.util.logging.Level.INFO : java.util.logging.Level.WARNING));
        Logger root = Logger.getLogger("");
        root.setLevel(debug ? java.util.logging.Level.FINE : java.util.logging.Level.WARNING);
        root.addHandler(new Handler() {
            @Override
            public void publish(LogRecord record) {
                java.util.logging.Level l = record.getLevel();
                Level level = l.intValue() >= java.util.logging.Level.SEVERE.intValue()
                        ? Level.ERROR
                        : l.intValue() >= java.util.logging.Level.WARNING.intValue()
                                ? Level.WARN
                                : l.intValue() >= java.util.logging.Level.INFO.intValue() ? Level.INFO : Level.DEBUG;
                String text = record.getMessage();
                if (record.getParameters() != null && text != null && text.contains("{0")) {
                    text = java.text.MessageFormat.format(text, record.getParameters());
                }
                write(
                        level,
                        text == null ? "" : text,
                        Map.of(
                                "logger",
                                String.valueOf(record.getLoggerName()),
                                "exception",
                                record.getThrown() == null
                                        ? ""
                                        : record.getThrown().toString()));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
    }
}
