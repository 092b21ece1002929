package dev.argoartifact.common.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The settings of an SDK configured by string keys (Hadoop's {@code Configuration}, Kafka's
 * properties): which keys the typed fields set, and an operator-only escape-hatch map for every
 * other key. The map may not name a key a typed field owns, so nothing routes around that field's
 * checks (a Kerberos setting, a protection level). Built once, as a constant of the configuration.
 *
 * @param <C> the driver's configuration record
 */
public final class SdkSettings<C> {
    /** Writes one key, with the field it came from (Hadoop records it as the key's source). */
    @FunctionalInterface
    public interface Sink {
        void set(String key, String value, String field);
    }

    private record Setting<C>(String key, String field, Function<C, Object> value) {}

    private final String escapeHatchField;
    private final Function<C, Map<String, String>> escapeHatch;
    private final List<Setting<C>> settings = new ArrayList<>();
    private final Map<String, String> ownedPrefixes = new LinkedHashMap<>();

    /** {@code escapeHatchField} names the map field, and {@code escapeHatch} reads it. */
    public SdkSettings(String escapeHatchField, Function<C, Map<String, String>> escapeHatch) {
        this.escapeHatchField = escapeHatchField;
        this.escapeHatch = escapeHatch;
    }

    /** The typed {@code field} sets {@code key}, to {@code value}'s result unless it is null. */
    public SdkSettings<C> set(String key, String field, Function<C, Object> value) {
        settings.add(new Setting<>(key, field, value));
        return this;
    }

    /** The driver writes the keys under {@code prefix} itself, from the typed {@code field}. */
    public SdkSettings<C> ownPrefix(String prefix, String field) {
        ownedPrefixes.put(prefix, field);
        return this;
    }

    /** Refuses an escape-hatch entry without a value or naming a key that a typed field owns. */
    public void checkEscapeHatch(Map<String, String> entries) {
        if (entries == null) {
            return;
        }
        entries.forEach((key, value) -> {
            String owner = owner(key);
            if (owner != null || value == null) {
                throw new ConfigurationException(
                        escapeHatchField + "." + key,
                        value == null
                                ? "needs a value"
                                : "is set by the typed field '" + owner + "': use that field instead");
            }
        });
    }

    private String owner(String key) {
        for (Setting<C> setting : settings) {
            if (setting.key().equals(key)) {
                return setting.field();
            }
        }
        return ownedPrefixes.entrySet().stream()
                .filter(owned -> key.startsWith(owned.getKey()))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElse(null);
    }

    /** Writes the escape-hatch map, then every typed field that has a value, which so has the last word. */
    public void apply(C configuration, Sink sink) {
        Map<String, String> entries = escapeHatch.apply(configuration);
        if (entries != null) {
            entries.forEach((key, value) -> sink.set(key, value, escapeHatchField));
        }
        for (Setting<C> setting : settings) {
            Object value = setting.value().apply(configuration);
            if (value != null) {
                sink.set(setting.key(), value.toString(), setting.field());
            }
        }
    }
}
