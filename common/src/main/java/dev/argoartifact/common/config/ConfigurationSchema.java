package dev.argoartifact.common.config;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.victools.jsonschema.generator.CustomDefinition;
import com.github.victools.jsonschema.generator.FieldScope;
import com.github.victools.jsonschema.generator.Option;
import com.github.victools.jsonschema.generator.OptionPreset;
import com.github.victools.jsonschema.generator.SchemaGenerator;
import com.github.victools.jsonschema.generator.SchemaGeneratorConfigBuilder;
import com.github.victools.jsonschema.generator.SchemaVersion;
import com.github.victools.jsonschema.module.jackson.JacksonModule;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * The JSON Schema of a driver's configuration, generated from its record (one source of truth):
 * field names and types, {@code @JsonPropertyDescription} texts, {@link Required} fields,
 * {@link Default} values, {@link Range} bounds, {@link Matches} patterns, each top-level field's class
 * ({@code x-argo-artifact-class}: where, who or how) and no unknown fields. A type whose YAML
 * shape is not its record shape (a string or a reference) declares {@code static ObjectNode
 * jsonSchema()}. Editors and the catalogue use the schema; the binder's own checks remain the
 * authority.
 */
public final class ConfigurationSchema {
    private ConfigurationSchema() {}

    /** The schema keyword that carries a top-level field's class. */
    public static final String CLASS_KEYWORD = "x-argo-artifact-class";

    public static ObjectNode generate(Class<?> configuration, String title) {
        SchemaGeneratorConfigBuilder builder = new SchemaGeneratorConfigBuilder(
                        SchemaVersion.DRAFT_2020_12, OptionPreset.PLAIN_JSON)
                .with(new JacksonModule())
                .with(Option.FORBIDDEN_ADDITIONAL_PROPERTIES_BY_DEFAULT)
                .with(Option.DEFINITIONS_FOR_ALL_OBJECTS)
                .with(Option.SCHEMA_VERSION_INDICATOR)
                .with(Option.MAP_VALUES_AS_ADDITIONAL_PROPERTIES);
        builder.forFields()
                .withRequiredCheck(field -> field.getAnnotationConsideringFieldAndGetter(Required.class) != null);
        builder.forFields().withDefaultResolver(field -> {
            Default d = field.getAnnotationConsideringFieldAndGetter(Default.class);
            return d == null ? null : literal(field.getType().getErasedType(), d.value());
        });
        builder.forFields().withStringPatternResolver(field -> {
            Matches form = field.getAnnotationConsideringFieldAndGetter(Matches.class);
            // JSON Schema's pattern matches anywhere in the value; the binder matches it whole.
            return form == null ? null : "^(?:" + form.value() + ")$";
        });
        builder.forFields().withNumberInclusiveMinimumResolver(field -> bound(field, true));
        builder.forFields().withNumberInclusiveMaximumResolver(field -> bound(field, false));
        builder.forFields().withInstanceAttributeOverride((attributes, field, context) -> {
            Range range = field.getAnnotationConsideringFieldAndGetter(Range.class);
            if (range != null && field.getType().getErasedType() == Duration.class && attributes.has("description")) {
                String bounds = !range.min().isEmpty() && !range.max().isEmpty()
                        ? "From " + range.min() + " to " + range.max() + "."
                        : !range.min().isEmpty() ? "At least " + range.min() + "." : "At most " + range.max() + ".";
                attributes.put("description", attributes.get("description").asText() + " " + bounds);
            }
            if (field.getDeclaringType().getErasedType() == configuration) {
                FieldClass fieldClass = field.getAnnotationConsideringFieldAndGetter(Where.class) != null
                        ? FieldClass.WHERE
                        : field.getAnnotationConsideringFieldAndGetter(Who.class) != null
                                ? FieldClass.WHO
                                : field.getAnnotationConsideringFieldAndGetter(How.class) != null
                                        ? FieldClass.HOW
                                        : null;
                if (fieldClass != null) {
                    attributes.put(CLASS_KEYWORD, fieldClass.label());
                }
            }
        });
        builder.forTypesInGeneral().withCustomDefinitionProvider((type, context) -> {
            Class<?> raw = type.getErasedType();
            if (raw == SecretRef.class) {
                return new CustomDefinition(
                        secretRefSchema(context.getGeneratorConfig().createObjectNode()));
            }
            if (raw == Duration.class) {
                ObjectNode duration = context.getGeneratorConfig().createObjectNode();
                duration.put("type", "string");
                duration.put("pattern", Durations.SCHEMA_PATTERN);
                return new CustomDefinition(
                        duration, CustomDefinition.DefinitionType.INLINE, CustomDefinition.AttributeInclusion.YES);
            }
            // A type whose YAML shape differs from its record shape describes itself.
            try {
                java.lang.reflect.Method own = raw.getDeclaredMethod("jsonSchema");
                if (java.lang.reflect.Modifier.isStatic(own.getModifiers())
                        && ObjectNode.class.isAssignableFrom(own.getReturnType())) {
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

    private static Object literal(Class<?> type, String text) {
        if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
            return Long.parseLong(text.trim());
        }
        if (type == Boolean.class || type == boolean.class) {
            return Boolean.parseBoolean(text.trim());
        }
        return text;
    }

    private static BigDecimal bound(FieldScope field, boolean lower) {
        Range range = field.getAnnotationConsideringFieldAndGetter(Range.class);
        Class<?> type = field.getType().getErasedType();
        if (range == null
                || !(type == Integer.class || type == int.class || type == Long.class || type == long.class)) {
            return null;
        }
        String value = lower ? range.min() : range.max();
        return value.isEmpty() ? null : new BigDecimal(value.trim());
    }

    /** Exactly one of secretKeyRef, file, env. */
    public static ObjectNode secretRefSchema(ObjectNode node) {
        node.put(
                "description",
                "A secret reference: exactly one of secretKeyRef (a key of a Kubernetes Secret in the pod's "
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
