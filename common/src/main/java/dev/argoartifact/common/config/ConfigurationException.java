package dev.argoartifact.common.config;

/**
 * A configuration that cannot be used. The message names the field path and what was expected,
 * never the value (it could be a secret pasted into the wrong field).
 */
public class ConfigurationException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String field;
    private final String problem;

    /** {@code field} is relative to the record that throws; the binder prefixes its path. */
    public ConfigurationException(String field, String problem) {
        super(field == null ? problem : "field '" + field + "' " + problem, null, false, false);
        this.field = field;
        this.problem = problem;
    }

    public String field() {
        return field;
    }

    public String problem() {
        return problem;
    }

    /** The same failure with the field path of the enclosing object in front. */
    public ConfigurationException under(String path) {
        if (path == null || path.isEmpty()) {
            return this;
        }
        return new ConfigurationException(field == null ? path : path + "." + field, problem);
    }

    /** Checks a required field; records call this from their canonical constructor. */
    public static <T> T require(String field, T value) {
        if (value == null || (value instanceof String s && s.isBlank())) {
            throw new ConfigurationException(field, "is required");
        }
        return value;
    }
}
