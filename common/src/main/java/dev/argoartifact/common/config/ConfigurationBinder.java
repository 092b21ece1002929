package dev.argoartifact.common.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Binds the plugin's {@code configuration} string (YAML; JSON is YAML too) into a driver's typed
 * configuration record, on top of the operator's defaults. Errors name the field path and what
 * was expected ("unknown field 'contianer', did you mean 'container'?"), never echo a value.
 */
public final class ConfigurationBinder<C> {
  /**
   * Made on first use, not when the driver starts: building it takes a cold JVM tens of
   * milliseconds, which the server spends after it listens (see {@link ConfigurationBinder#warmUp()}).
   */
  private static final class Mapper {
    static final ObjectMapper YAML = YAMLMapper.builder(YAMLFactory.builder().build())
        .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
        .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
        .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
        .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
        .build();
  }

  private final Class<C> type;
  private final ObjectNode defaults;

  /** @param defaultsYaml the operator's defaults for every artifact, or null for none */
  public ConfigurationBinder(Class<C> type, String defaultsYaml) {
    this.type = type;
    this.defaults = defaultsYaml == null || defaultsYaml.isBlank()
        ? JsonNodeFactory.instance.objectNode()
        : parseMapping(defaultsYaml, "the operator's default configuration");
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

  /** Parses, merges over the defaults and binds; throws {@link ConfigurationException}. */
  public C bind(String configuration) {
    ObjectNode own = configuration == null || configuration.isBlank()
        ? JsonNodeFactory.instance.objectNode()
        : parseMapping(configuration, "the configuration");
    ObjectNode merged = defaults.deepCopy();
    merge(merged, own);
    // Unknown fields first: a typo ("contianer") is the real cause of a "required" failure after it.
    rejectUnknownFields(merged, Mapper.YAML.constructType(type), "", own);
    requireFields(merged, type, "");
    try {
      return Mapper.YAML.treeToValue(merged, type);
    } catch (JsonProcessingException | IllegalArgumentException e) {
      throw explain(e, own);
    }
  }

  private static void rejectUnknownFields(ObjectNode node, JavaType type, String path, ObjectNode own) {
    if (!isBean(type)) {
      return;
    }
    BeanDescription bean = Mapper.YAML.getDeserializationConfig().introspect(type);
    Map<String, JavaType> known = new java.util.TreeMap<>();
    for (BeanPropertyDefinition property : bean.findProperties()) {
      known.put(property.getName(), property.getPrimaryType());
    }
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String fieldPath = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
      JavaType propertyType = known.get(field.getKey());
      if (propertyType == null) {
        throw unknownField(field.getKey(), path, List.copyOf(known.keySet()),
            own.at("/" + fieldPath.replace("~", "~0").replace(".", "/")).isMissingNode());
      }
      if (field.getValue() instanceof ObjectNode child) {
        rejectUnknownFields(child, propertyType, fieldPath, own);
      }
    }
  }

  /** Fields marked {@link Required}, in this mapping and in the nested mappings that are given. */
  private static void requireFields(ObjectNode node, Class<?> type, String path) {
    if (!type.isRecord()) {
      return;
    }
    for (var component : type.getRecordComponents()) {
      String field = path.isEmpty() ? component.getName() : path + "." + component.getName();
      JsonNode value = node.get(component.getName());
      boolean missing = value == null || value.isNull() || (value.isTextual() && value.asText().isBlank());
      if (missing && component.isAnnotationPresent(Required.class)) {
        throw new ConfigurationException(field, "is required");
      }
      if (value instanceof ObjectNode child) {
        requireFields(child, component.getType(), field);
      }
    }
  }

  /** Records and plain beans are checked; maps, trees and scalars take any field. */
  private static boolean isBean(JavaType type) {
    Class<?> raw = type.getRawClass();
    return !(type.isMapLikeType() || type.isCollectionLikeType() || type.isArrayType() || type.isEnumType()
        || raw.isPrimitive() || raw.getName().startsWith("java.") || JsonNode.class.isAssignableFrom(raw));
  }

  private static ConfigurationException unknownField(String name, String parent, List<String> known, boolean fromDefaults) {
    String where = parent.isEmpty() ? "" : " in '" + parent + "'";
    String origin = fromDefaults ? " (from the operator's default configuration)" : "";
    String suggestion = closest(name, known);
    return new ConfigurationException(null, "unknown field '" + name + "'" + where + origin
        + (suggestion != null ? ", did you mean '" + suggestion + "'?" : ".")
        + (known.isEmpty() ? "" : " Known fields: " + String.join(", ", known) + "."));
  }

  private static ObjectNode parseMapping(String yaml, String what) {
    JsonNode node;
    try {
      node = Mapper.YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null || at.getLineNr() < 0 ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      String problem = e.getOriginalMessage();
      if (problem != null && problem.startsWith("Duplicate field")) {
        throw new ConfigurationException(null, what + " has a duplicate " + problem.substring("Duplicate ".length()).replace('"', '\'') + where);
      }
      // SnakeYAML problems quote the offending text, which may be a secret: keep only the position.
      throw new ConfigurationException(null, what + " is not valid YAML or JSON" + where);
    }
    if (node == null || node instanceof MissingNode || node.isNull()) {
      return JsonNodeFactory.instance.objectNode();
    }
    if (!node.isObject()) {
      throw new ConfigurationException(null, what + " must be a YAML mapping (field: value), not "
          + describe(node));
    }
    return (ObjectNode) node;
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

  /** Deep merge: mappings merge key by key, everything else in {@code override} replaces. */
  static void merge(ObjectNode base, ObjectNode override) {
    for (Map.Entry<String, JsonNode> field : override.properties()) {
      JsonNode existing = base.get(field.getKey());
      if (existing instanceof ObjectNode baseChild && field.getValue() instanceof ObjectNode overrideChild) {
        merge(baseChild, overrideChild);
      } else {
        base.set(field.getKey(), field.getValue());
      }
    }
  }

  private RuntimeException explain(Exception failure, ObjectNode own) {
    if (failure instanceof ValueInstantiationException vie && vie.getCause() instanceof ConfigurationException ce) {
      return ce.under(path(vie.getPath()));
    }
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof ConfigurationException ce) {
        return failure instanceof JsonMappingException jme ? ce.under(path(jme.getPath())) : ce;
      }
    }
    if (failure instanceof UnrecognizedPropertyException upe) {
      List<String> known = upe.getKnownPropertyIds() == null ? List.of()
          : upe.getKnownPropertyIds().stream().map(Object::toString).sorted().toList();
      return unknownField(upe.getPropertyName(), path(upe.getPath().subList(0, upe.getPath().size() - 1)), known,
          own.at(pointer(upe.getPath())).isMissingNode());
    }
    if (failure instanceof InvalidFormatException ife) {
      return new ConfigurationException(path(ife.getPath()), "has the wrong type: expected " + expected(ife.getTargetType()));
    }
    if (failure instanceof MismatchedInputException mie) {
      String field = path(mie.getPath());
      return new ConfigurationException(field.isEmpty() ? null : field,
          (field.isEmpty() ? "the configuration " : "") + "has the wrong type: expected " + expected(mie.getTargetType()));
    }
    if (failure instanceof JsonParseException) {
      return new ConfigurationException(null, "the configuration is not valid YAML or JSON");
    }
    if (failure instanceof JsonMappingException jme) {
      return new ConfigurationException(path(jme.getPath()), "is invalid");
    }
    return new ConfigurationException(null, "the configuration is invalid");
  }

  private static String pointer(List<JsonMappingException.Reference> refs) {
    StringBuilder p = new StringBuilder();
    for (JsonMappingException.Reference ref : refs) {
      p.append('/').append(ref.getFieldName() != null ? ref.getFieldName().replace("~", "~0").replace("/", "~1") : ref.getIndex());
    }
    return p.toString();
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
    if (target.isEnum()) {
      return "one of " + java.util.Arrays.stream(target.getEnumConstants()).map(Object::toString)
          .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
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

  /** Known field names of a record type, for documentation and suggestions. */
  static List<String> fieldNames(Class<?> record) {
    List<String> names = new ArrayList<>();
    for (var component : record.getRecordComponents()) {
      names.add(component.getName());
    }
    return names;
  }
}
