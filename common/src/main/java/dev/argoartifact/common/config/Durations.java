package dev.argoartifact.common.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations the way Kubernetes users write them ("500ms", "10s", "2m", "1h") or as ISO-8601. */
public final class Durations {
    private static final Pattern SIMPLE = Pattern.compile("(\\d{1,12})(ms|s|m|h)");
    /** The JSON Schema pattern of a duration (the simple form; ISO-8601 is accepted too). */
    public static final String SCHEMA_PATTERN = "^([0-9]+(ms|s|m|h)|P.*)$";

    static final String EXPECTED = "a duration such as '500ms', '10s', '2m' or 'PT10S'";

    private Durations() {}

    public static Duration parse(String field, String text) {
        Matcher m = SIMPLE.matcher(text.trim());
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            return switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                default -> Duration.ofHours(n);
            };
        }
        try {
            return Duration.parse(text.trim());
        } catch (DateTimeParseException e) {
            throw new ConfigurationException(field, "expected " + EXPECTED);
        }
    }

    /** The shortest simple form that says the duration exactly: "200ms", "10s", "2m", "1h". */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0 && ms > 0) {
            return ms / 3_600_000 + "h";
        }
        if (ms % 60_000 == 0 && ms > 0) {
            return ms / 60_000 + "m";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + "s";
        }
        return ms + "ms";
    }

    /** Reads a configuration's durations into {@link Duration}; a bad one names the field, not the text. */
    static final class Deserializer extends StdScalarDeserializer<Duration> {
        private static final long serialVersionUID = 1L;

        Deserializer() {
            super(Duration.class);
        }

        @Override
        public Duration deserialize(JsonParser p, DeserializationContext context) throws IOException {
            if (p.currentToken() != JsonToken.VALUE_STRING) {
                return (Duration) context.handleUnexpectedToken(Duration.class, p);
            }
            return parse(null, p.getText());
        }
    }
}
