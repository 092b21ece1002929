package dev.argoartifact.common.config;

import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The fields of a configuration record, read once from its annotations: their paths, classes
 * ({@link Where}, {@link Who}, {@link How}), defaults and ranges. The binder, the JSON Schema and
 * the trust boundary all read this one model, so a fact about a field is stated once, on the field.
 */
public final class ConfigurationFields {
    private static final Map<Class<?>, ConfigurationFields> TOP_LEVEL = new ConcurrentHashMap<>();

    /** One field. {@code nested} holds the fields of a record value that maps field by field. */
    public record Field(
            String path,
            String name,
            FieldClass fieldClass,
            Class<?> type,
            String defaultValue,
            String min,
            String max,
            boolean subPath,
            boolean zeroIsUnlimited,
            boolean destination,
            boolean operatorOnly,
            ConfigurationFields nested) {

        public boolean isWholeNumber() {
            return type == Integer.class || type == int.class || type == Long.class || type == long.class;
        }

        public boolean isDuration() {
            return type == Duration.class;
        }

        /** A number or a duration: values that have a maximum. */
        public boolean isQuantity() {
            return isWholeNumber() || isDuration();
        }

        /** A secret reference, replaced whole when given, never merged key by key. */
        public boolean isSecretReference() {
            return type == SecretRef.class;
        }
    }

    private final Class<?> type;
    private final Map<String, Field> fields;

    private ConfigurationFields(Class<?> type, String parentPath, FieldClass inherited) {
        this.type = type;
        Map<String, Field> byName = new LinkedHashMap<>();
        for (RecordComponent c : type.getRecordComponents()) {
            String path = parentPath.isEmpty() ? c.getName() : parentPath + "." + c.getName();
            FieldClass own = classOf(c);
            FieldClass fieldClass = own != null ? own : inherited;
            Where where = c.getAnnotation(Where.class);
            How how = c.getAnnotation(How.class);
            Default def = c.getAnnotation(Default.class);
            Range range = c.getAnnotation(Range.class);
            Class<?> raw = c.getType();
            ConfigurationFields nested = expandable(raw) ? new ConfigurationFields(raw, path, fieldClass) : null;
            byName.put(
                    c.getName(),
                    new Field(
                            path,
                            c.getName(),
                            fieldClass,
                            raw,
                            def == null ? null : def.value(),
                            range == null || range.min().isEmpty() ? null : range.min(),
                            range == null || range.max().isEmpty() ? null : range.max(),
                            how != null && how.subPath(),
                            how != null && how.zeroIsUnlimited(),
                            where != null && where.destination(),
                            where != null && where.operatorOnly(),
                            nested));
        }
        this.fields = Collections.unmodifiableMap(byName);
    }

    /** The model of a configuration record (cached). */
    public static ConfigurationFields of(Class<?> type) {
        if (!type.isRecord()) {
            throw new IllegalArgumentException(type + " is not a record");
        }
        return TOP_LEVEL.computeIfAbsent(type, t -> new ConfigurationFields(t, "", null));
    }

    private static FieldClass classOf(RecordComponent c) {
        List<FieldClass> given = new ArrayList<>();
        if (c.isAnnotationPresent(Where.class)) {
            given.add(FieldClass.WHERE);
        }
        if (c.isAnnotationPresent(Who.class)) {
            given.add(FieldClass.WHO);
        }
        if (c.isAnnotationPresent(How.class)) {
            given.add(FieldClass.HOW);
        }
        if (given.size() > 1) {
            throw new IllegalStateException("configuration field '" + c.getName() + "' of "
                    + c.getDeclaringRecord().getSimpleName() + " has more than one class (" + given
                    + "): give exactly one of @Where, @Who and @How");
        }
        return given.isEmpty() ? null : given.getFirst();
    }

    /**
     * A record whose YAML shape is its record shape, mapped field by field (not a secret
     * reference, nor a type that describes itself with {@code static jsonSchema()}).
     */
    static boolean expandable(Class<?> raw) {
        if (!raw.isRecord() || raw == SecretRef.class || raw.getName().startsWith("java.")) {
            return false;
        }
        try {
            return !Modifier.isStatic(raw.getDeclaredMethod("jsonSchema").getModifiers());
        } catch (NoSuchMethodException ordinary) {
            return true;
        }
    }

    public Class<?> type() {
        return type;
    }

    /** The fields of this record, in declaration order. */
    public List<Field> fields() {
        return List.copyOf(fields.values());
    }

    public Optional<Field> field(String name) {
        return Optional.ofNullable(fields.get(name));
    }

    /** The field at a dotted path ("transfer.filesInFlight"), if there is one. */
    public Optional<Field> find(String path) {
        int dot = path.indexOf('.');
        Field head = fields.get(dot < 0 ? path : path.substring(0, dot));
        if (head == null || dot < 0) {
            return Optional.ofNullable(head);
        }
        return head.nested() == null ? Optional.empty() : head.nested().find(path.substring(dot + 1));
    }

    /** Every field, nested ones after their parent. */
    public List<Field> all() {
        List<Field> out = new ArrayList<>();
        for (Field f : fields.values()) {
            out.add(f);
            if (f.nested() != null) {
                out.addAll(f.nested().all());
            }
        }
        return out;
    }

    /** Fails, naming the field, unless every top-level field has a class: a driver declares them all. */
    public ConfigurationFields requireClassified() {
        for (Field f : fields.values()) {
            if (f.fieldClass() == null) {
                throw new IllegalStateException("configuration field '" + f.name() + "' of " + type.getSimpleName()
                        + " has no class: annotate it @Where (where the data lives), @Who (who the driver authenticates as)"
                        + " or @How (how it transfers)");
            }
        }
        return this;
    }
}
