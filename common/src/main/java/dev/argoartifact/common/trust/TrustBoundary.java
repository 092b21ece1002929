package dev.argoartifact.common.trust;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.Destination;
import dev.argoartifact.common.config.ConfigurationBinder;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.config.ConfigurationFields;
import dev.argoartifact.common.config.ConfigurationFields.Field;
import dev.argoartifact.common.config.FieldClass;
import dev.argoartifact.common.config.KeyPrefix;
import dev.argoartifact.common.config.SecretRef;
import dev.argoartifact.common.log.Printable;
import dev.argoartifact.common.secrets.SecretResolver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The line between the operator's configuration, which is trusted, and a workflow's
 * {@code configuration} string, which is not: whoever writes a workflow writes it, and the same
 * driver runs beside the Argo Server with that server's identity, for every namespace.
 *
 * <p>A workflow's configuration may set the how fields of the driver's record ({@link
 * dev.argoartifact.common.config.How}): a sub-path below the operator's, tuning no higher than
 * the operator's values. Where and who fields are the operator's: a workflow that sets one to
 * another value than the operator's is refused with one line naming the field, unless the
 * operator opened it by name in {@code policy.authorFields}. What an opened field may then name
 * is bounded too: secret references by {@code policy.secretSources}, destinations by
 * {@code policy.allowedHosts} and {@code policy.allowedRoots}, all checked before anything is
 * read or sent. Without an operator configuration nothing is opened.
 */
public final class TrustBoundary<C> {
    /** The operator's policy lives under this key of its own configuration, never a workflow's. */
    public static final String POLICY = "policy";

    private static final String OPERATOR = "the operator's configuration";
    private static final Pattern HOST_PATTERN = Pattern.compile(
            "(\\*\\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*|\\[?[0-9A-Fa-f:.]+]?");
    private static final Pattern SECRET_NAME = Pattern.compile("[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?");
    private static final Pattern ENV_PREFIX = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Comparator<JsonNode> SAME_VALUE = (a, b) -> {
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue());
        }
        return a.equals(b) ? 0 : 1;
    };

    private final ArtifactDriver<C> driver;
    private final ConfigurationBinder<C> binder;
    private final ConfigurationFields fields;
    private final ObjectNode operator;
    private final OperatorPolicy policy;
    private final WorkflowSecrets workflowSecrets;
    /** The operator's own secret references, by field path: trusted wherever they are used there. */
    private final Map<String, SecretRef> operatorReferences = new HashMap<>();

    private final List<String> workflowFields;

    /**
     * Reads and checks the operator's configuration ({@code null} or blank: none), its policy
     * included; throws {@link ConfigurationException} when it cannot serve any workflow.
     */
    public TrustBoundary(ArtifactDriver<C> driver, String operatorConfiguration) {
        this.driver = driver;
        this.binder = new ConfigurationBinder<>(driver.configurationType());
        this.fields = ConfigurationFields.of(driver.configurationType()).requireClassified();
        try {
            ObjectNode tree = ConfigurationBinder.parse(operatorConfiguration, "it");
            JsonNode policyNode = tree.remove(POLICY);
            this.policy = policyNode == null || policyNode.isNull() ? OperatorPolicy.STRICT : readPolicy(policyNode);
            binder.rejectUnknownFields(tree);
            this.operator = tree;
            checkPolicy();
            collectReferences(tree, fields);
            if (!tree.isEmpty()) {
                trialBind();
            }
        } catch (ConfigurationException e) {
            // Said where it lands, a workflow's error or the driver's log: whose configuration is wrong.
            throw new ConfigurationException(null, OPERATOR + " is invalid: " + e.getMessage());
        }
        this.workflowSecrets = new WorkflowSecrets(policy.secretSources());
        this.workflowFields = describeWorkflowFields();
    }

    /** Whether the operator gave a configuration at all. */
    public boolean configured() {
        return !operator.isEmpty() || !policy.equals(OperatorPolicy.STRICT);
    }

    public OperatorPolicy policy() {
        return policy;
    }

    /** The fields a workflow's configuration may set here: the how fields and what the policy opens. */
    public List<String> workflowFields() {
        return workflowFields;
    }

    /**
     * A workflow's configuration string, admitted across the boundary and bound over the
     * operator's: the configuration a storage is opened with. Throws {@link ConfigurationException}
     * for anything the workflow may not set or name; nothing has been read or sent by then.
     */
    public C bind(String workflowConfiguration) {
        ObjectNode workflow = ConfigurationBinder.parse(workflowConfiguration, "the configuration");
        if (workflow.has(POLICY)) {
            throw new ConfigurationException(
                    POLICY, "is the operator's to set: a workflow's configuration cannot carry a policy");
        }
        binder.rejectUnknownFields(workflow);
        Admission admission = new Admission();
        ObjectNode effective = operator.deepCopy();
        admit(effective, workflow, fields, admission);
        C configuration = binder.bind(effective);
        if (admission.destinationChosen) {
            for (Destination d : driver.destinations(configuration)) {
                checkDestination(d);
            }
        }
        for (Map.Entry<String, SecretRef> ref : admission.workflowReferences.entrySet()) {
            workflowSecrets.check(ref.getKey(), ref.getValue());
        }
        return configuration;
    }

    /**
     * The resolver a storage gets: the operator's own references resolve as they are; any other
     * (a workflow's, in an opened field) only within {@code policy.secretSources}, a file from the
     * real path that check found.
     */
    public SecretResolver guard(SecretResolver resolver) {
        return (field, ref) -> {
            if (ref.equals(operatorReferences.get(field))) {
                return resolver.resolve(field, ref);
            }
            Optional<Path> real = workflowSecrets.check(field, ref);
            return resolver.resolve(
                    field, real.map(p -> SecretRef.ofFile(p.toString())).orElse(ref));
        };
    }

    /** What the workflow set that the admission must check after merging. */
    private static final class Admission {
        final Map<String, SecretRef> workflowReferences = new HashMap<>();
        boolean destinationChosen;
    }

    /** Merges {@code workflow} into {@code effective} field by field, refusing what it may not set. */
    private void admit(ObjectNode effective, ObjectNode workflow, ConfigurationFields model, Admission admission) {
        for (Map.Entry<String, JsonNode> entry : workflow.properties()) {
            Field f = model.field(entry.getKey()).orElseThrow();
            JsonNode given = entry.getValue();
            JsonNode current = effective.get(f.name());
            if (given.isNull()) {
                // Null unsets an opened field (to choose another way to authenticate, say). A how
                // field keeps the operator's value: its default could exceed the operator's maximum.
                if (current != null && !current.isNull() && f.fieldClass() != FieldClass.HOW) {
                    if (!opened(f.path())) {
                        throw locked(f, true);
                    }
                    effective.remove(f.name());
                }
                continue;
            }
            if (f.nested() != null && given instanceof ObjectNode child) {
                if (!(current instanceof ObjectNode) && f.fieldClass() != FieldClass.HOW && !opened(f.path())) {
                    // Even an empty mapping would bring the record in, defaults and all: that is setting it.
                    throw locked(f, false);
                }
                ObjectNode target = current instanceof ObjectNode o ? o : effective.putObject(f.name());
                admit(target, child, f.nested(), admission);
                continue;
            }
            if (f.fieldClass() == FieldClass.HOW) {
                effective.set(f.name(), admitHow(f, current, given));
                continue;
            }
            JsonNode operatorValue =
                    current != null && !current.isNull() ? current : ConfigurationBinder.defaultValue(f);
            if (operatorValue != null && operatorValue.equals(SAME_VALUE, given)) {
                continue; // the operator's own value, repeated (a configuration copied from the repository)
            }
            if (!opened(f.path())) {
                throw locked(f, current != null && !current.isNull());
            }
            effective.set(f.name(), given);
            admission.destinationChosen |= f.destination();
            if (f.fieldClass() == FieldClass.WHO) {
                collectWorkflowReferences(f.path(), given, admission);
            }
        }
    }

    private JsonNode admitHow(Field f, JsonNode current, JsonNode given) {
        if (f.subPath() && given.isTextual()) {
            String operatorPath = current != null && current.isTextual() ? current.asText() : "";
            String own = given.asText();
            if (KeyPrefix.normalize(own).equals(KeyPrefix.normalize(operatorPath))) {
                return current; // repeated, not a sub-path of itself
            }
            KeyPrefix.validate(f.path(), own);
            return TextNode.valueOf(KeyPrefix.normalize(operatorPath) + KeyPrefix.normalize(own));
        }
        if (f.isQuantity()) {
            Long asked = ConfigurationBinder.quantity(f, given);
            if (asked != null) {
                String ceiling = policy.authorMaxima().get(f.path());
                JsonNode maximum = ceiling != null
                        ? ConfigurationBinder.literal(f, ceiling)
                        : current != null && !current.isNull() ? current : ConfigurationBinder.defaultValue(f);
                Long max = maximum == null ? null : ConfigurationBinder.quantity(f, maximum);
                if (max == null) {
                    throw new ConfigurationException(
                            f.path(),
                            "cannot be set by a workflow here: the operator gives it no value and "
                                    + "no maximum (policy.authorMaxima." + f.path() + ")");
                }
                if (unlimited(f, asked) > unlimited(f, max)) {
                    throw new ConfigurationException(
                            f.path(),
                            "may be at most "
                                    + (f.zeroIsUnlimited() && max == 0
                                            ? "0 (no limit)"
                                            : ConfigurationBinder.formatQuantity(f, max))
                                    + " in a workflow's configuration: the operator's maximum"
                                    + " (it can raise it with policy.authorMaxima." + f.path() + ")");
                }
            }
        }
        return given;
    }

    private static long unlimited(Field f, long quantity) {
        return f.zeroIsUnlimited() && quantity == 0 ? Long.MAX_VALUE : quantity;
    }

    private ConfigurationException locked(Field f, boolean operatorSetIt) {
        return new ConfigurationException(
                f.path(),
                "is fixed by the operator of this driver" + (operatorSetIt ? "" : " (who leaves it unset)")
                        + ", so a workflow's configuration cannot " + (operatorSetIt ? "change" : "set")
                        + " it; it may set "
                        + (workflowFields.isEmpty() ? "no field" : "only " + String.join(", ", workflowFields))
                        + " (the operator can open more in policy.authorFields)");
    }

    private boolean opened(String path) {
        for (String open : policy.authorFields()) {
            if (path.equals(open) || path.startsWith(open + ".")) {
                return true;
            }
        }
        return false;
    }

    /** Secret references in a value a workflow set in an opened who field, by field path. */
    private static void collectWorkflowReferences(String path, JsonNode value, Admission admission) {
        asReference(path, value).ifPresentOrElse(ref -> admission.workflowReferences.put(path, ref), () -> {
            if (value instanceof ObjectNode object) {
                object.properties()
                        .forEach(e -> collectWorkflowReferences(path + "." + e.getKey(), e.getValue(), admission));
            }
        });
    }

    private void collectReferences(ObjectNode node, ConfigurationFields model) {
        for (Field f : model.fields()) {
            JsonNode value = node.get(f.name());
            if (value == null) {
                continue;
            }
            if (f.nested() != null && value instanceof ObjectNode child) {
                collectReferences(child, f.nested());
            } else {
                asReference(f.path(), value).ifPresent(ref -> operatorReferences.put(f.path(), ref));
            }
        }
    }

    /** A value shaped as a secret reference ({secretKeyRef}, {file} or {env}), as one. */
    private static Optional<SecretRef> asReference(String path, JsonNode value) {
        if (!(value instanceof ObjectNode object)
                || object.size() != 1
                || !(object.has("secretKeyRef") || object.has("file") || object.has("env"))) {
            return Optional.empty();
        }
        try {
            return Optional.of(ConfigurationBinder.convert(object, SecretRef.class));
        } catch (ConfigurationException e) {
            throw e.under(path);
        }
    }

    private void checkDestination(Destination d) {
        switch (d.kind()) {
            case HOST -> {
                String host = d.value().toLowerCase(Locale.ROOT).replaceAll("^\\[|]$", "");
                boolean allowed = policy.allowedHosts().stream()
                        .map(p -> p.toLowerCase(Locale.ROOT).replaceAll("^\\[|]$", ""))
                        .anyMatch(p -> p.startsWith("*.") ? host.endsWith(p.substring(1)) : host.equals(p));
                if (!allowed) {
                    throw new ConfigurationException(
                            null,
                            "the configuration sends requests to host '" + Printable.of(d.value(), 100)
                                    + "', which this driver's operator does not allow workflows to choose (policy.allowedHosts)");
                }
            }
            case LOCAL_DIRECTORY -> {
                Path real = ProtectedPaths.real(Path.of(d.value()))
                        .orElseThrow(() -> new ConfigurationException(
                                null,
                                "the configuration names the local directory '" + Printable.of(d.value(), 100)
                                        + "', which does not exist"));
                Optional<Path> system = ProtectedPaths.systemPathOf(real);
                boolean allowed = system.isEmpty()
                        && policy.allowedRoots().stream()
                                .map(r -> ProtectedPaths.real(Path.of(r)))
                                .flatMap(Optional::stream)
                                .anyMatch(real::startsWith);
                if (!allowed) {
                    throw new ConfigurationException(
                            null,
                            "the configuration names the local directory '" + Printable.of(d.value(), 100)
                                    + "', which this driver's operator does not allow workflows to choose (policy.allowedRoots"
                                    + system.map(s -> "; it is, holds or lies in " + s)
                                            .orElse("") + ")");
                }
            }
        }
    }

    private static OperatorPolicy readPolicy(JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            throw new ConfigurationException(
                    POLICY,
                    "must be a mapping (authorFields, authorMaxima, allowedHosts, allowedRoots, secretSources)");
        }
        ConfigurationBinder<OperatorPolicy> binder = new ConfigurationBinder<>(OperatorPolicy.class);
        binder.rejectUnknownFields(object, POLICY);
        try {
            return binder.bind(object);
        } catch (ConfigurationException e) {
            throw e.under(POLICY);
        }
    }

    /** Every name and value in the policy, checked once at start-up, so a typo fails there. */
    private void checkPolicy() {
        boolean opensDestination = false;
        for (String path : policy.authorFields()) {
            Field f = fields.find(path)
                    .orElseThrow(() -> new ConfigurationException(
                            POLICY + ".authorFields",
                            "names '" + Printable.of(path, 64) + "', which is no field of the " + driver.name()
                                    + " configuration"));
            if (f.fieldClass() == FieldClass.HOW) {
                throw new ConfigurationException(
                        POLICY + ".authorFields", "names '" + path + "', a how field, which workflows may always set");
            }
            if (inOperatorOnly(path)) {
                throw new ConfigurationException(
                        POLICY + ".authorFields",
                        "names '" + path + "', which only the operator may ever set "
                                + "(raw client settings can reroute requests, read the environment or load classes)");
            }
            opensDestination |= f.destination()
                    || (f.nested() != null && f.nested().all().stream().anyMatch(Field::destination));
        }
        if (opensDestination
                && policy.allowedHosts().isEmpty()
                && policy.allowedRoots().isEmpty()) {
            throw new ConfigurationException(
                    POLICY + ".authorFields",
                    "opens a field that says where requests and their credentials go:"
                            + " list what workflows may choose in policy.allowedHosts (or policy.allowedRoots for local directories)");
        }
        for (Map.Entry<String, String> max : policy.authorMaxima().entrySet()) {
            String where = POLICY + ".authorMaxima." + Printable.of(max.getKey(), 64);
            Field f = fields.find(max.getKey())
                    .orElseThrow(() -> new ConfigurationException(
                            where, "is no field of the " + driver.name() + " configuration"));
            if (f.fieldClass() != FieldClass.HOW || !f.isQuantity()) {
                throw new ConfigurationException(where, "is not a number or duration how field");
            }
            if (ConfigurationBinder.quantity(f, ConfigurationBinder.literal(f, max.getValue())) == null) {
                throw new ConfigurationException(
                        where, "must be " + (f.isDuration() ? "a duration such as '10s'" : "a whole number"));
            }
        }
        for (String host : policy.allowedHosts()) {
            if (!HOST_PATTERN.matcher(host).matches()) {
                throw new ConfigurationException(
                        POLICY + ".allowedHosts",
                        "has '" + Printable.of(host, 64) + "', which is not a host name,"
                                + " an IP address or '*.domain'");
            }
        }
        for (String root : policy.allowedRoots()) {
            if (!Path.of(root).isAbsolute()) {
                throw new ConfigurationException(POLICY + ".allowedRoots", "must hold absolute paths");
            }
        }
        OperatorPolicy.SecretSources sources = policy.secretSources();
        for (String dir : sources.files()) {
            if (!Path.of(dir).isAbsolute()) {
                throw new ConfigurationException(POLICY + ".secretSources.files", "must hold absolute paths");
            }
        }
        for (String prefix : sources.envPrefixes()) {
            if (!ENV_PREFIX.matcher(prefix).matches()) {
                throw new ConfigurationException(
                        POLICY + ".secretSources.envPrefixes",
                        "must hold non-empty prefixes of variable names" + " (letters, digits and '_')");
            }
        }
        for (String name : sources.secretNames()) {
            if (!SECRET_NAME.matcher(name).matches()) {
                throw new ConfigurationException(POLICY + ".secretSources.secretNames", "must hold Secret names");
            }
        }
    }

    private boolean inOperatorOnly(String path) {
        String prefix = "";
        for (String segment : path.split("\\.", -1)) {
            prefix = prefix.isEmpty() ? segment : prefix + "." + segment;
            if (fields.find(prefix).map(Field::operatorOnly).orElse(false)) {
                return true;
            }
        }
        return fields.find(path)
                .map(f -> f.nested() != null && f.nested().all().stream().anyMatch(Field::operatorOnly))
                .orElse(false);
    }

    /**
     * Binds the operator's configuration alone, so that a broken one fails at start-up. Where the
     * operator opened fields, a failure about one of them is the workflows' to complete.
     */
    private void trialBind() {
        try {
            binder.bind(operator);
        } catch (ConfigurationException e) {
            boolean workflowsComplete = !policy.authorFields().isEmpty() && (e.field() == null || opened(e.field()));
            if (!workflowsComplete) {
                throw e;
            }
        }
    }

    private List<String> describeWorkflowFields() {
        List<String> open = new ArrayList<>();
        for (Field f : fields.fields()) {
            if (f.fieldClass() == FieldClass.HOW) {
                open.add(f.name());
            }
        }
        open.addAll(policy.authorFields());
        return List.copyOf(open);
    }
}
