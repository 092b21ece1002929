package dev.argoartifact.common.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.argoartifact.common.log.Printable;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * Binds a configuration (YAML; JSON is YAML too) into a driver's typed configuration record.
 * Errors name the field path and what was expected ("unknown field 'contianer', did you mean
 * 'container'?"), never echo a value. Defaults ({@link Default}) and ranges ({@link Range}) come
 * from the record's annotations. Who may set which field is the trust boundary's business
 * ({@code dev.argoartifact.common.trust}); this class only reads and binds.
 */
public final class ConfigurationBinder<C> {
    /**
     * The longest configuration read at all, before parsing: a workflow's string is untrusted, and
     * a 7 MB scalar cost 11 s of CPU and 450 MB to parse. Real configurations are under 4 KiB.
     */
    public static final int MAX_CHARS = 256 * 1024;
    /** Nesting deeper than this is no configuration of ours. */
    static final int MAX_DEPTH = 32;

    /**
     * Made on first use, not when the driver starts: building it takes a cold JVM tens of
     * milliseconds, which the server spends after it listens (see {@link ConfigurationBinder#warmUp()}).
     */
    private static final class Mapper {
        static final ObjectMapper YAML;

        static {
            LoaderOptions loader = new LoaderOptions();
            loader.setCodePointLimit(MAX_CHARS + 1);
            loader.setNestingDepthLimit(MAX_DEPTH);
            YAMLFactory factory = YAMLFactory.builder()
                    .loaderOptions(loader)
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(MAX_DEPTH)
                            .maxStringLength(MAX_CHARS)
                            .build())
                    .build();
            SimpleModule durations = new SimpleModule("durations");
            durations.addDeserializer(Duration.class, new Durations.Deserializer());
            YAML = YAMLMapper.builder(factory)
                    .addModule(durations)
                    .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                    .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                    .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
                    .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
                    .build();
        }
    }

    private final Class<C> type;

    public ConfigurationBinder(Class<C> type) {
        this.type = type;
    }

    public Class<C> type() {
        return type;
    }

    /**
     * Builds the mapper and introspects the configuration type, as the first call would, so that
     * it finds them ready. Binding nothing usually fails on a required field: expected, and any
     * other failure is left for the first real call to report with its own configuration.
     */
    public void warmUp() {
        try {
            bind("");
        } catch (RuntimeException expected) {
            // Only the work done before it mattered.
        }
    }

    /** Parses, checks the field names and binds one configuration on its own (tools, tests). */
    public C bind(String configuration) {
        ObjectNode tree = parse(configuration, "the configuration");
        rejectUnknownFields(tree);
        return bind(tree);
    }

    /**
     * Binds a tree whose field names were checked: fills defaults, checks ranges and required
     * fields, and builds the record, whose constructor checks the rest.
     */
    public C bind(ObjectNode tree) {
        ObjectNode effective = tree.deepCopy();
        ConfigurationFields fields = ConfigurationFields.of(type);
        applyDefaults(effective, fields);
        checkRanges(effective, fields);
        requireFields(effective, type, "");
        try {
            return Mapper.YAML.treeToValue(effective, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw explain(e);
        }
    }

    /**
     * A configuration text as a mapping; {@code what} names it in errors ("the configuration",
     * "the operator's configuration"). Blank is an empty mapping. Size and nesting are bounded
     * before anything else is done with the text.
     */
    public static ObjectNode parse(String text, String what) {
        if (text == null || text.isBlank()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (text.length() > MAX_CHARS) {
            throw new ConfigurationException(
                    null,
                    what + " is " + text.length() + " characters long; at most " + MAX_CHARS
                            + " are read (a configuration names a location and references, not data)");
        }
        JsonNode node;
        try {
            node = Mapper.YAML.readTree(text);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null || at.getLineNr() < 0
                    ? ""
                    : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            String problem = e.getOriginalMessage();
            if (problem != null && problem.startsWith("Duplicate field")) {
                String name = problem.substring("Duplicate field ".length())
                        .replace("'", "")
                        .replace("\"", "");
                throw new ConfigurationException(
                        null, what + " has a duplicate field '" + Printable.of(name, 64) + "'" + where);
            }
            // SnakeYAML problems quote the offending text, which may be a secret: keep only the position.
            throw new ConfigurationException(null, what + " is not valid YAML or JSON" + where);
        }
        if (node == null || node instanceof MissingNode || node.isNull()) {
            return JsonNodeFactory.instance.objectNode();
        }
        if (!node.isObject()) {
            throw new ConfigurationException(
                    null, what + " must be a YAML mapping (field: value), not " + describe(node));
        }
        return (ObjectNode) node;
    }

    /** A JSON tree as a typed value (parts of a configuration: a policy, a secret reference). */
    public static <T> T convert(JsonNode node, Class<T> type) {
        try {
            return Mapper.YAML.treeToValue(node, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw explain(e);
        }
    }

    /** Refuses the first field no record declares, with the closest known name. */
    public void rejectUnknownFields(ObjectNode tree) {
        rejectUnknownFields(tree, "");
    }

    /** The same for a tree that sits at {@code path} of a larger configuration ("policy"). */
    public void rejectUnknownFields(ObjectNode tree, String path) {
        rejectUnknownFields(tree, Mapper.YAML.constructType(type), path);
    }

    private static void rejectUnknownFields(ObjectNode node, JavaType type, String path) {
        if (!isBean(type)) {
            return;
        }
        BeanDescription bean = Mapper.YAML.getDeserializationConfig().introspect(type);
        Map<String, JavaType> known = new TreeMap<>();
        for (BeanPropertyDefinition property : bean.findProperties()) {
            known.put(property.getName(), property.getPrimaryType());
        }
        for (Map.Entry<String, JsonNode> field : node.properties()) {
            String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
            JavaType propertyType = known.get(field.getKey());
            if (propertyType == null) {
                throw unknownField(field.getKey(), path, List.copyOf(known.keySet()));
            }
            if (field.getValue() instanceof ObjectNode child) {
                rejectUnknownFields(child, propertyType, fieldPath);
            }
        }
    }

    /** The value of a field nobody gives, as YAML would carry it; null when it has none. */
    public static JsonNode defaultValue(ConfigurationFields.Field field) {
        return field.defaultValue() == null ? null : literal(field, field.defaultValue());
    }

    /** A value written in an annotation or a policy ("16", "200ms", "true") as the field's JSON. */
    public static JsonNode literal(ConfigurationFields.Field field, String text) {
        if (field.isWholeNumber()) {
            try {
                return LongNode.valueOf(Long.parseLong(text.trim()));
            } catch (NumberFormatException e) {
                throw new ConfigurationException(field.path(), "expected a whole number");
            }
        }
        if (field.type() == Boolean.class || field.type() == boolean.class) {
            return BooleanNode.valueOf(Boolean.parseBoolean(text.trim()));
        }
        return TextNode.valueOf(text);
    }

    /**
     * A number or duration field's value as a comparable count (the number, or milliseconds), or
     * null when the value is not one (the binder then reports the type).
     */
    public static Long quantity(ConfigurationFields.Field field, JsonNode value) {
        if (value == null || value.isNull()) {
            return null;
        }
        if (field.isWholeNumber()) {
            return value.isIntegralNumber() ? value.asLong() : null;
        }
        if (field.isDuration() && value.isTextual()) {
            try {
                return Durations.parse(field.path(), value.asText()).toMillis();
            } catch (ConfigurationException notADuration) {
                return null;
            }
        }
        return null;
    }

    /** A quantity as the user writes it: "16", or "10s" for a duration. */
    public static String formatQuantity(ConfigurationFields.Field field, long quantity) {
        return field.isDuration() ? Durations.format(Duration.ofMillis(quantity)) : Long.toString(quantity);
    }

    private static void applyDefaults(ObjectNode node, ConfigurationFields fields) {
        for (ConfigurationFields.Field f : fields.fields()) {
            JsonNode value = node.get(f.name());
            if ((value == null || value.isNull()) && f.defaultValue() != null) {
                node.set(f.name(), defaultValue(f));
            } else if (f.nested() != null && hasDefaults(f.nested())) {
                if (value == null || value.isNull()) {
                    node.set(f.name(), node.objectNode());
                }
                if (node.get(f.name()) instanceof ObjectNode child) {
                    applyDefaults(child, f.nested());
                }
            }
        }
    }

    private static boolean hasDefaults(ConfigurationFields fields) {
        return fields.all().stream().anyMatch(f -> f.defaultValue() != null);
    }

    private static void checkRanges(ObjectNode node, ConfigurationFields fields) {
        for (ConfigurationFields.Field f : fields.fields()) {
            JsonNode value = node.get(f.name());
            if (value instanceof ObjectNode child && f.nested() != null) {
                checkRanges(child, f.nested());
            }
            if ((f.min() == null && f.max() == null) || !f.isQuantity()) {
                continue;
            }
            Long q = quantity(f, value);
            if (q == null) {
                continue; // absent, or of the wrong type: treeToValue says which
            }
            Long min = f.min() == null ? null : quantity(f, literal(f, f.min()));
            Long max = f.max() == null ? null : quantity(f, literal(f, f.max()));
            if ((min != null && q < min) || (max != null && q > max)) {
                throw new ConfigurationException(
                        f.path(),
                        min != null && max != null
                                ? "must be between " + f.min() + " and " + f.max()
                                : min != null ? "must be at least " + f.min() : "must be at most " + f.max());
            }
        }
    }

    /**
     * The rules declared on the record's fields and type ({@link Required}, {@link Matches},
     * {@link AbsolutePath}, {@link OnlyWith}, {@link OneOf}), in this mapping and in the nested mappings that are given.
     */
    private static void requireFields(ObjectNode node, Class<?> type, String path) {
        if (!type.isRecord()) {
            return;
        }
        String prefix = path.isEmpty() ? "" : path + ".";
        for (var component : type.getRecordComponents()) {
            String field = prefix + component.getName();
            JsonNode value = node.get(component.getName());
            if (!isSet(value) && component.isAnnotationPresent(Required.class)) {
                throw new ConfigurationException(field, "is required");
            }
            OnlyWith needs = component.getAnnotation(OnlyWith.class);
            if (needs != null && isSet(value) && !isSet(node.get(needs.value()))) {
                String other = prefix + needs.value();
                throw new ConfigurationException(
                        field, "is only used with '" + other + "': set '" + other + "' too, or remove it");
            }
            How how = component.getAnnotation(How.class);
            if (how != null && how.subPath() && value != null && value.isTextual()) {
                KeyPrefix.validate(field, value.asText());
            }
            Matches form = component.getAnnotation(Matches.class);
            if (form != null
                    && isSet(value)
                    && value.isTextual()
                    && !value.asText().matches(form.value())) {
                throw new ConfigurationException(field, "must be " + form.means());
            }
            if (component.isAnnotationPresent(AbsolutePath.class)
                    && value != null
                    && value.isTextual()
                    && !value.asText().startsWith("/")) {
                throw new ConfigurationException(field, "must be an absolute path (starting with '/')");
            }
            if (value instanceof ObjectNode child) {
                requireFields(child, component.getType(), field);
            }
        }
        // Alternatives after single fields: a missing required field is the first thing to fix.
        for (OneOf rule : type.getAnnotationsByType(OneOf.class)) {
            List<String> given = Arrays.stream(rule.value())
                    .filter(f -> isSet(node.get(f)))
                    .map(f -> prefix + f)
                    .toList();
            if (given.size() > 1) {
                throw new ConfigurationException(path.isEmpty() ? null : path, "give only one of " + quoted(given));
            }
            if (given.isEmpty() && rule.required()) {
                throw new ConfigurationException(
                        path.isEmpty() ? null : path,
                        "one of "
                                + quoted(Arrays.stream(rule.value())
                                        .map(f -> prefix + f)
                                        .toList()) + " is required");
            }
        }
    }

    private static boolean isSet(JsonNode value) {
        return !(value == null
                || value.isNull()
                || (value.isTextual() && value.asText().isBlank()));
    }

    /** 'a' and 'b'; 'a', 'b' and 'c'. */
    private static String quoted(List<String> fields) {
        List<String> q = fields.stream().map(f -> "'" + f + "'").toList();
        return q.size() == 1 ? q.getFirst() : String.join(", ", q.subList(0, q.size() - 1)) + " and " + q.getLast();
    }

    /** Records and plain beans are checked; maps, trees and scalars take any field. */
    private static boolean isBean(JavaType type) {
        Class<?> raw = type.getRawClass();
        return !(type.isMapLikeType()
                || type.isCollectionLikeType()
                || type.isArrayType()
                || type.isEnumType()
                || raw.isPrimitive()
                || raw.getName().startsWith("java.")
                || JsonNode.class.isAssignableFrom(raw));
    }

    private static ConfigurationException unknownField(String name, String parent, List<String> known) {
        String where = parent.isEmpty() ? "" : " in '" + parent + "'";
        String suggestion = name.length() > 64 ? null : closest(name, known);
        return new ConfigurationException(
                null,
                "unknown field '" + Printable.of(name, 64) + "'" + where
                        + (suggestion != null ? ", did you mean '" + suggestion + "'?" : ".")
                        + (known.isEmpty() ? "" : " Known fields: " + String.join(", ", known) + "."));
    }

    private static String describe(JsonNode node) {
        if (node.isArray()) {
            return "a list";
        }
        if (node.isTextual()) {
            return "a string";
        }
        return "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
    }

    private static RuntimeException explain(Exception failure) {
        if (failure instanceof ValueInstantiationException vie && vie.getCause() instanceof ConfigurationException ce) {
            return ce.under(path(vie.getPath()));
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ConfigurationException ce) {
                return failure instanceof JsonMappingException jme ? ce.under(path(jme.getPath())) : ce;
            }
        }
        if (failure instanceof UnrecognizedPropertyException upe) {
            List<String> known = upe.getKnownPropertyIds() == null
                    ? List.of()
                    : upe.getKnownPropertyIds().stream()
                            .map(Object::toString)
                            .sorted()
                            .toList();
            return unknownField(
                    upe.getPropertyName(),
                    path(upe.getPath().subList(0, upe.getPath().size() - 1)),
                    known);
        }
        if (failure instanceof InvalidFormatException ife) {
            return new ConfigurationException(
                    path(ife.getPath()), "has the wrong type: expected " + expected(ife.getTargetType()));
        }
        if (failure instanceof MismatchedInputException mie) {
            String field = path(mie.getPath());
            return new ConfigurationException(
                    field.isEmpty() ? null : field,
                    (field.isEmpty() ? "the configuration " : "") + "has the wrong type: expected "
                            + expected(mie.getTargetType()));
        }
        if (failure instanceof JsonParseException) {
            return new ConfigurationException(null, "the configuration is not valid YAML or JSON");
        }
        if (failure instanceof JsonMappingException jme) {
            return new ConfigurationException(path(jme.getPath()), "is invalid");
        }
        return new ConfigurationException(null, "the configuration is invalid");
    }

    static String path(List<JsonMappingException.Reference> refs) {
        StringBuilder p = new StringBuilder();
        for (JsonMappingException.Reference ref : refs) {
            if (ref.getFieldName() != null) {
                if (!p.isEmpty()) {
                    p.append('.');
                }
                p.append(ref.getFieldName());
            } else if (ref.getIndex() >= 0) {
                p.append('[').append(ref.getIndex()).append(']');
            }
        }
        return p.toString();
    }

    private static String expected(Class<?> target) {
        if (target == null) {
            return "another type";
        }
        if (target == Integer.class || target == int.class || target == Long.class || target == long.class) {
            return "a whole number";
        }
        if (target == Boolean.class || target == boolean.class) {
            return "true or false";
        }
        if (target == String.class) {
            return "a string";
        }
        if (target == Duration.class) {
            return Durations.EXPECTED;
        }
        if (target.isEnum()) {
            return "one of "
                    + Arrays.stream(target.getEnumConstants())
                            .map(Object::toString)
                            .map(s -> s.toLowerCase(Locale.ROOT))
                            .collect(Collectors.joining(", "));
        }
        if (Collection.class.isAssignableFrom(target) || target.isArray()) {
            return "a list";
        }
        if (Map.class.isAssignableFrom(target)) {
            return "a mapping";
        }
        return "a mapping (field: value)";
    }

    /** The known name closest to a typo, if it is close enough to be a plausible intent. */
    static String closest(String typo, List<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String candidate : known) {
            int d = distance(typo.toLowerCase(Locale.ROOT), candidate.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                bestDistance = d;
                best = candidate;
            }
        }
        return best != null && bestDistance <= Math.max(2, typo.length() / 3) ? best : null;
    }

    /** Optimal string alignment distance: Levenshtein plus adjacent transpositions ("contianer"). */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
                }
            }
        }
        return d[a.length()][b.length()];
    }
}
