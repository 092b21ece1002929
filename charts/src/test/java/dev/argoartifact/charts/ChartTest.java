package dev.argoartifact.charts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import dev.argoartifact.catalogue.ArgoWorkflowsOverlay;
import dev.argoartifact.catalogue.DriverModules;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.trust.TrustBoundary;
import dev.argoartifact.driver.volume.VolumeDriver;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.rbac.Role;
import io.fabric8.kubernetes.api.model.rbac.RoleBinding;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The chart, offline through helm-java: lint, render, parse into typed objects, reject bad values. */
class ChartTest {
    static final Path CHART = Path.of("argo-artifact-drivers").toAbsolutePath();
    /** Every driver module: the chart's values are generated from them, so each must render. */
    static final List<String> DRIVERS = DriverModules.at(Path.of("..")).names();

    static final KubernetesSerialization KUBERNETES = new KubernetesSerialization();
    static final YAMLMapper YAML = new YAMLMapper();

    @TempDir
    Path work;

    private String render(String values) throws IOException {
        Path file = Files.writeString(work.resolve("values-" + System.nanoTime() + ".yaml"), values);
        return new Helm(CHART)
                .template()
                .withName("argo-artifact-drivers")
                .withNamespace("argo")
                .withKubeVersion("1.31.0")
                .withValuesFile(file)
                .call();
    }

    /** Every document, parsed into its typed Kubernetes class, with no unknown field anywhere. */
    private static List<HasMetadata> objects(String manifests) {
        List<HasMetadata> objects = new ArrayList<>();
        for (String document : manifests.split("(?m)^---\\s*$")) {
            if (document.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                continue;
            }
            HasMetadata object = KUBERNETES.unmarshal(document);
            assertNoUnknownFields(
                    object, object.getKind() + "/" + object.getMetadata().getName());
            objects.add(object);
        }
        return objects;
    }

    /** fabric8 keeps keys it does not know in additionalProperties: a typo would hide there. */
    static void assertNoUnknownFields(Object object, String path) {
        if (object == null || !object.getClass().getPackageName().startsWith("io.fabric8.kubernetes.api.model")) {
            return;
        }
        for (Method getter : object.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object value;
            try {
                value = getter.invoke(object);
            } catch (ReflectiveOperationException e) {
                continue;
            }
            String child = path + "." + getter.getName().substring(3);
            if (getter.getName().equals("getAdditionalProperties")) {
                assertThat((Map<?, ?>) value).as("unknown fields at " + path).isNullOrEmpty();
            } else if (value instanceof Collection<?> items) {
                items.forEach(item -> assertNoUnknownFields(item, child));
            } else if (value instanceof Map<?, ?> map) {
                map.values().forEach(item -> assertNoUnknownFields(item, child));
            } else {
                assertNoUnknownFields(value, child);
            }
        }
    }

    private static <T extends HasMetadata> List<T> ofType(List<HasMetadata> objects, Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    private static ConfigMap configMap(List<HasMetadata> objects, String name) {
        return ofType(objects, ConfigMap.class).stream()
                .filter(c -> c.getMetadata().getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no ConfigMap " + name));
    }

    private static String enable(String driver, String extra) {
        return "drivers:\n  " + driver + ":\n    enabled: true\n" + extra;
    }

    @Test
    void strictLintPasses() {
        LintResult lint = new Helm(CHART).lint().strict().call();
        assertThat(lint.isFailed()).as(String.join("\n", lint.getMessages())).isFalse();
    }

    static List<String> drivers() {
        return DRIVERS;
    }

    @ParameterizedTest
    @MethodSource("drivers")
    void eachDriverAloneRendersEverythingArgoNeeds(String driver) throws IOException {
        String values = enable(driver, """
            defaultConfiguration: {someField: some-value, secretField: {secretKeyRef: {name: creds, key: k}}}
            secretNames: [creds]
        serviceAccounts:
          workflow: [{name: argo-workflow}]
          artifactGC: [{name: argo-gc}]
          server: [{name: argo-server, namespace: argo-server-ns}]
        artifactRepositories: {default: %s}
        """.formatted(driver));
        List<HasMetadata> objects = objects(render(values));
        String image = "ghcr.io/argo-artifact-drivers/" + driver + ":0.1.0";

        JsonNode controller = YAML.readTree(configMap(objects, "argo-artifact-drivers-controller-config")
                .getData()
                .get("config"));
        assertThat(controller.path("artifactDrivers")).hasSize(1);
        assertThat(controller.path("artifactDrivers").get(0).path("name").asText())
                .isEqualTo(driver);
        assertThat(controller.path("artifactDrivers").get(0).path("image").asText())
                .isEqualTo(image);
        JsonNode env = controller.path("executor").path("env").get(0);
        assertThat(env.path("name").asText()).isEqualTo("ARGO_ARTIFACT_DEFAULT_CONFIGURATION_" + driver.toUpperCase());
        assertThat(YAML.readTree(env.path("value").asText()).path("someField").asText())
                .isEqualTo("some-value");

        ConfigMap repositories = configMap(objects, "artifact-repositories");
        assertThat(repositories.getMetadata().getAnnotations())
                .containsEntry("workflows.argoproj.io/default-artifact-repository", driver);
        JsonNode repository = YAML.readTree(repositories.getData().get(driver));
        assertThat(repository.path("plugin").path("name").asText()).isEqualTo(driver);
        assertThat(YAML.readTree(repository.path("plugin").path("configuration").asText())
                        .path("secretField")
                        .path("secretKeyRef")
                        .path("name")
                        .asText())
                .isEqualTo("creds");

        List<Role> roles = ofType(objects, Role.class);
        assertThat(roles)
                .extracting(r -> r.getMetadata().getNamespace())
                .containsExactlyInAnyOrder("argo", "argo-server-ns");
        for (Role role : roles) {
            assertThat(role.getRules()).singleElement().satisfies(rule -> {
                assertThat(rule.getResources()).containsExactly("secrets");
                assertThat(rule.getResourceNames()).containsExactly("creds");
                assertThat(rule.getVerbs()).containsExactly("get");
            });
        }
        List<RoleBinding> bindings = ofType(objects, RoleBinding.class);
        assertThat(bindings.stream()
                        .flatMap(b -> b.getSubjects().stream())
                        .map(s -> s.getNamespace() + "/" + s.getName()))
                .containsExactlyInAnyOrder("argo/argo-workflow", "argo/argo-gc", "argo-server-ns/argo-server");

        JsonNode overlay = YAML.readTree(configMap(objects, "argo-artifact-drivers-argo-workflows-values")
                .getData()
                .get("values.yaml"));
        List<Container> sidecars = new ArrayList<>();
        for (JsonNode c : overlay.path("server").path("extraContainers")) {
            Container container = KUBERNETES.convertValue(c, Container.class);
            assertNoUnknownFields(container, "server.extraContainers");
            sidecars.add(container);
        }
        assertThat(sidecars).singleElement().satisfies(c -> {
            assertThat(c.getImage())
                    .as("Argo requires the same image string")
                    .isEqualTo(image)
                    .doesNotEndWith(":latest");
            assertThat(c.getArgs()).containsExactly("/tmp/artifact-plugins/" + driver + "/socket");
            assertThat(c.getCommand()).as("the image's entrypoint").isNullOrEmpty();
            assertThat(c.getSecurityContext().getRunAsNonRoot()).isTrue();
            assertThat(c.getSecurityContext().getRunAsUser()).isEqualTo(8737L);
            assertThat(c.getSecurityContext().getReadOnlyRootFilesystem()).isTrue();
            assertThat(c.getResources().getLimits()).containsKey("memory");
            assertThat(c.getResources().getRequests()).containsKeys("cpu", "memory");
        });
        JsonNode server = YAML.readTree(configMap(objects, "argo-artifact-drivers-server-defaults")
                .getData()
                .get(driver + ".yaml"));
        assertThat(server.path("someField").asText()).isEqualTo("some-value");
        assertThat(server.path("policy").isObject() && server.path("policy").isEmpty())
                .as("the strictest policy")
                .isTrue();
        assertThat(render(values)).doesNotContain(":latest");
    }

    /**
     * The policy reaches workflow and artifact-GC pods; the Argo Server sidecar, which serves every
     * namespace with the server's identity, runs the strictest one whatever the values open. Read by
     * the volume driver itself, as each pod's driver reads it.
     */
    @Test
    void theArgoServerSidecarAlwaysRunsTheStrictestPolicy() throws Exception {
        Path teams = Files.createDirectories(work.resolve("teams"));
        Path teamA = Files.createDirectories(teams.resolve("a"));
        List<HasMetadata> objects = objects(render(enable("volume", """
            defaultConfiguration: {root: %s}
            secretNames: [team-credentials]
            policy:
              authorFields: [root]
              allowedRoots: [%s]
              authorMaxima: {transfer.filesInFlight: 64}
        artifactRepositories: {default: volume}
        """.formatted(teamA, teams))));
        JsonNode controller = YAML.readTree(configMap(objects, "argo-artifact-drivers-controller-config")
                .getData()
                .get("config"));
        String workflowPods =
                controller.path("executor").path("env").get(0).path("value").asText();
        JsonNode policy = YAML.readTree(workflowPods).path("policy");
        assertThat(policy.path("authorFields").toString()).isEqualTo("[\"root\"]");
        assertThat(policy.path("secretSources").path("secretNames").toString())
                .as("the secrets RBAC grants")
                .isEqualTo("[\"team-credentials\"]");
        String serverSidecar = configMap(objects, "argo-artifact-drivers-server-defaults")
                .getData()
                .get("volume.yaml");
        assertThat(YAML.readTree(serverSidecar).path("policy").isEmpty()).isTrue();
        String repository = YAML.readTree(
                        configMap(objects, "artifact-repositories").getData().get("volume"))
                .path("plugin")
                .path("configuration")
                .asText();
        assertThat(YAML.readTree(repository).has("policy"))
                .as("the repository entry carries no policy")
                .isFalse();

        Path teamB = Files.createDirectories(teams.resolve("b"));
        TrustBoundary<?> inWorkflowPods = new TrustBoundary<>(new VolumeDriver(), workflowPods);
        assertThat(inWorkflowPods.bind("root: " + teamB + "\ntransfer: {filesInFlight: 64}"))
                .isNotNull();
        assertThat(inWorkflowPods.bind(repository))
                .as("the repository's configuration is the operator's own")
                .isNotNull();
        TrustBoundary<?> inTheArgoServer = new TrustBoundary<>(new VolumeDriver(), serverSidecar);
        assertThat(inTheArgoServer.bind(repository)).isNotNull();
        assertThatThrownBy(() -> inTheArgoServer.bind("root: " + teamB))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageStartingWith("field 'root' is fixed by the operator of this driver");
        assertThatThrownBy(() -> inTheArgoServer.bind("transfer: {filesInFlight: 64}"))
                .hasMessageStartingWith("field 'transfer.filesInFlight' may be at most 16");
    }

    @Test
    void allDriversTogetherAndTheCliOverlayAgree() throws IOException {
        StringBuilder values = new StringBuilder("drivers:\n");
        DRIVERS.forEach(d -> values.append("  ").append(d).append(": {enabled: true}\n"));
        values.append(
                "controllerConfigMap:\n  create: true\n  extraConfig: {executor: {env: [{name: KEEP, value: me}]}, parallelism: 10}\n");
        List<HasMetadata> objects = objects(render(values.toString()));

        JsonNode config = YAML.readTree(
                configMap(objects, "workflow-controller-configmap").getData().get("config"));
        assertThat(config.path("artifactDrivers").findValuesAsText("name")).containsExactlyElementsOf(DRIVERS);
        assertThat(config.path("parallelism").asInt()).as("extraConfig is kept").isEqualTo(10);
        assertThat(config.path("executor").path("env").findValuesAsText("name")).containsExactly("KEEP");
        assertThat(YAML.readTree(configMap(objects, "artifact-repositories")
                                .getData()
                                .get("hdfs"))
                        .path("plugin")
                        .path("name")
                        .asText())
                .isEqualTo("hdfs");

        JsonNode rendered = YAML.readTree(configMap(objects, "argo-artifact-drivers-argo-workflows-values")
                .getData()
                .get("values.yaml"));
        String cli = ArgoWorkflowsOverlay.render(new TreeSet<>(DRIVERS), "argo-artifact-drivers", "0.1.0", true);
        assertThat(YAML.readTree(cli))
                .as("argo-artifact helm-overlay prints what the chart renders")
                .isEqualTo(rendered);
        assertThat(rendered.path("controller").path("configMap").path("create").asBoolean(true))
                .isFalse();

        Path example = CHART.resolve("examples/argo-workflows-values.yaml");
        String exampleText;
        try (Stream<String> lines = Files.lines(example)) {
            exampleText =
                    String.join("\n", lines.filter(l -> !l.startsWith("#")).toList());
        }
        assertThat(YAML.readTree(exampleText))
                .as(example + " is `argo-artifact helm-overlay` for every driver")
                .isEqualTo(rendered);
    }

    @Test
    void theReleaseNameFlowsIntoNamesAndTheOverlay() throws IOException {
        Path file = Files.writeString(work.resolve("v.yaml"), enable("sftp", ""));
        String out = new Helm(CHART)
                .template()
                .withName("team")
                .withNamespace("wf")
                .withKubeVersion("1.31.0")
                .withValuesFile(file)
                .call();
        ConfigMap overlay = configMap(objects(out), "team-argo-artifact-drivers-argo-workflows-values");
        assertThat(YAML.readTree(overlay.getData().get("values.yaml")))
                .isEqualTo(YAML.readTree(
                        ArgoWorkflowsOverlay.render(new TreeSet<>(List.of("sftp")), "team", "0.1.0", false)));
    }

    @Test
    void theNotesTellTheOperatorWhatToMergeIntoArgo() throws IOException {
        Path file = Files.writeString(
                work.resolve("notes.yaml"), enable("hdfs", "artifactRepositories: {default: hdfs}\n"));
        String notes = new Helm(CHART)
                .install()
                .withName("argo-artifact-drivers")
                .withNamespace("argo")
                .withKubeVersion("1.31.0")
                .clientOnly()
                .dryRun()
                .withValuesFile(file)
                .call()
                .getOutput();
        assertThat(notes)
                .contains(
                        "plugins hdfs",
                        "argo-artifact-drivers-controller-config",
                        "extraContainers:",
                        "image: ghcr.io/argo-artifact-drivers/hdfs:0.1.0",
                        "plugin: {name: hdfs",
                        "'hdfs' is this namespace's default artifact repository");
    }

    @Test
    void aDigestReplacesTheTag() throws IOException {
        String digest = "sha256:" + "a".repeat(64);
        String out = render(
                enable("volume", "    image: {repository: registry.example/argo/volume, digest: " + digest + "}\n"));
        assertThat(out)
                .contains("registry.example/argo/volume@" + digest)
                .doesNotContain("registry.example/argo/volume:");
    }

    @Test
    void invalidValuesAreRejectedWithTheFieldNamed() {
        assertThatThrownBy(() -> render(enable("sftp", "    image: {repository: ghcr.io/x/sftp, tag: latest}\n")))
                .hasMessageContaining("drivers.sftp.image.tag: 'latest' is refused");
        assertThatThrownBy(() -> render("drivers:\n  swift: {enabled: true}\n"))
                .hasMessageContaining("/drivers")
                .hasMessageContaining("swift");
        assertThatThrownBy(() -> render(enable("sftp", "    image: {repository: ghcr.io/x/sftp, digest: md5:abc}\n")))
                .hasMessageContaining("/drivers/sftp/image/digest");
        assertThatThrownBy(() -> render(enable("sftp", "    secretNames: [Not_A_Name]\n")))
                .hasMessageContaining("/drivers/sftp/secretNames/0");
        assertThatThrownBy(() -> render(enable("sftp", "    connectionTimeoutSeconds: 0\n")))
                .hasMessageContaining("/drivers/sftp/connectionTimeoutSeconds");
        assertThatThrownBy(() -> render(enable("sftp", "artifactRepositories: {default: hdfs}\n")))
                .hasMessageContaining("artifactRepositories.default: 'hdfs' is not an enabled driver");
        assertThatThrownBy(
                        () -> render(
                                "drivers:\n  sftp: {enabled: true, pluginName: store}\n  hdfs: {enabled: true, pluginName: store}\n"))
                .hasMessageContaining("plugin name 'store' is already used");
        assertThatThrownBy(() -> render(enable("sftp", "controllerConfigMap: {extraConfig: {artifactDrivers: []}}\n")))
                .hasMessageContaining("controllerConfigMap.extraConfig.artifactDrivers");
        assertThatThrownBy(() -> render(enable("sftp", "server: {resources: {limits: null}}\n")))
                .hasMessageContaining("/server/resources")
                .hasMessageContaining("limits");
        assertThatThrownBy(() -> render(enable("sftp", "    policy: {authorFeilds: [host]}\n")))
                .hasMessageContaining("/drivers/sftp/policy")
                .hasMessageContaining("authorFeilds");
        assertThatThrownBy(() -> render(enable("sftp", "    policy: {secretSources: {secretNames: [any]}}\n")))
                .as("secret names come from secretNames, which the RBAC grants")
                .hasMessageContaining("/drivers/sftp/policy/secretSources");
    }
}
