package dev.argoartifact.common.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import dev.argoartifact.common.secrets.SecretRef;

/**
 * The JSON Schema of a driver's configuration, generated from its record (one source of truth):
 * field names and types, {@code @JsonPropertyDescription} texts, {@link Required} fields, no
 * unknown fields. A type whose YAML shape is not its record shape (a string or a reference)
 * declares {@code static ObjectNode jsonSchema()}. Editors and the catalogue use the schema; the
 * binder's own checks remain the authority.
 */
public final class ConfigurationSchema {
  private ConfigurationSchema() {}

  public static ObjectNode generate(Class<?> configuration, String title) {
    SchemaGeneratorConfigBuilder builder = new SchemaGeneratorConfigBuilder(SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
        .with(new JacksonModule())
        .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT)
        .with(Option.DEFINITIONS_FOR_ALL_OBJECTS)
        .with(Option.SCHEMA_VERSION_INDICATOR)
        .with(Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES);
    builder.forFields().withRequiredCheck(field -> field.getAnnotationConsideringFieldAndGetter(Required.class) != null);
    builder.forTypesInGeneral().withCustomDefinitionProvider((type, context) -> {
      Class<?> raw = type.getErasedType();
      if (raw == SecretRef.class) {
        return new CustomDefinition(secretRefSchema(context.getGeneratorConfig().createObjectNode()));
      }
      // A type whose YAML shape differs from its record shape describes itself.
      try {
        java.lang.reflect.Method own = raw.getDeclaredMethod("jsonSchema");
        if (java.lang.reflect.Modifier.isStatic(own.getModifiers()) && ObjectNode.class.isAssignableFrom(own.getReturnType())) {
          own.setAccessible(true);
          return new CustomDefinition((ObjectNode) own.invoke(null));
        }
      } catch (NoSuchMethodException ordinary) {
        // described from its fields
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("cannot describe " + raw, e);
      }
      return null;
    });
    ObjectNode schema = new SchemaGenerator(builder.build()).generateSchema(configuration);
    schema.put("title", title);
    return schema;
  }

  /** Exactly one of secretKeyRef, file, env. */
  public static ObjectNode secretRefSchema(ObjectNode node) {
    node.put("description", "A secret reference: exactly one of secretKeyRef (a key of a Kubernetes Secret in the pod's "
        + "namespace), file (a mounted file) or env (an environment variable). Never the secret itself.");
    node.put("type", "object");
    ObjectNode props = node.putObject("properties");
    ObjectNode ref = props.putObject("secretKeyRef");
    ref.put("type", "object");
    ref.putObject("properties").putObject("name").put("type", "string");
    ((ObjectNode) ref.get("properties")).putObject("key").put("type", "string");
    ref.putArray("required").add("name").add("key");
    ref.put("additionalProperties", false);
    props.putObject("file").put("type", "string");
    props.putObject("env").put("type", "string");
    node.put("additionalProperties", false);
    node.put("minProperties", 1);
    node.put("maxProperties", 1);
    return node;
  }
}
