package dev.argoartifact.catalogue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;

/**
 * The values to merge into the argo-workflows Helm chart for the Argo Server sidecars of chosen
 * drivers, with the chart's default values: the same tree the chart renders into its
 * {@code <release>-argo-workflows-values} ConfigMap (a test in charts/ compares the two).
 */
public final class ArgoWorkflowsOverlay {
    public static final String DEFAULT_RELEASE = "argo-artifact-drivers";
    static final String DEFAULTS_FILE = "/etc/argo-artifact-driver/configuration.yaml";

    private ArgoWorkflowsOverlay() {}

    /** {@code drivers} in any order (rendered sorted, as Helm ranges over map keys). */
    public static String render(SortedSet<String> drivers, String release, String tag, boolean controllerConfigMap) {
        String fullname = release.contains("argo-artifact-drivers") ? release : release + "-argo-artifact-drivers";
        fullname = fullname.length() > 50 ? fullname.substring(0, 50) : fullname;
        while (fullname.endsWith("-")) {
            fullname = fullname.substring(0, fullname.length() - 1);
        }
        String defaults = fullname + "-server-defaults";
        List<Object> containers = new ArrayList<>();
        List<Object> volumes = new ArrayList<>();
        List<Object> mounts = new ArrayList<>();
        for (String plugin : drivers) {
            String dir = "/tmp/artifact-plugins/" + plugin;
            Map<String, Object> c = new LinkedHashMap<>();
            c.put("args", List.of(dir + "/socket"));
            c.put("env", List.of(Map.of("name", "ARGO_ARTIFACT_DEFAULT_CONFIGURATION_FILE", "value", DEFAULTS_FILE)));
            c.put("image", "ghcr.io/argo-artifact-drivers/" + plugin + ":" + tag);
            c.put("name", "artifact-" + plugin);
            c.put(
                    "resources",
                    Map.of("limits", Map.of("memory", "256Mi"), "requests", Map.of("cpu", "50m", "memory", "192Mi")));
            Map<String, Object> security = new LinkedHashMap<>();
            security.put("allowPrivilegeEscalation", false);
            security.put("capabilities", Map.of("drop", List.of("ALL")));
            security.put("readOnlyRootFilesystem", true);
            security.put("runAsGroup", 8737);
            security.put("runAsNonRoot", true);
            security.put("runAsUser", 8737);
            security.put("seccompProfile", Map.of("type", "RuntimeDefault"));
            c.put("securityContext", security);
            c.put(
                    "volumeMounts",
                    List.of(
                            Map.of("mountPath", "/tmp", "name", "artifact-" + plugin + "-tmp"),
                            Map.of("mountPath", dir, "name", "artifact-plugin-" + plugin),
                            Map.of(
                                    "mountPath",
                                    DEFAULTS_FILE,
                                    "name",
                                    defaults,
                                    "readOnly",
                                    true,
                                    "subPath",
                                    plugin + ".yaml")));
            containers.add(c);
            volumes.add(Map.of("emptyDir", Map.of(), "name", "artifact-plugin-" + plugin));
            volumes.add(Map.of("emptyDir", Map.of(), "name", "artifact-" + plugin + "-tmp"));
            mounts.add(Map.of("mountPath", dir, "name", "artifact-plugin-" + plugin));
        }
        volumes.add(Map.of("configMap", Map.of("name", defaults), "name", defaults));
        Map<String, Object> server = new LinkedHashMap<>();
        server.put("extraContainers", containers);
        server.put(
                "extraEnv",
                List.of(Map.of(
                        "name",
                        "ARGO_POD_NAME",
                        "valueFrom",
                        Map.of("fieldRef", Map.of("fieldPath", "metadata.name")))));
        server.put("volumeMounts", mounts);
        server.put("volumes", volumes);
        Map<String, Object> overlay = new LinkedHashMap<>();
        if (controllerConfigMap) {
            overlay.put(
                    "controller",
                    Map.of("configMap", Map.of("create", false, "name", "workflow-controller-configmap")));
        }
        overlay.put("server", server);
        try {
            return YAMLMapper.builder(YAMLFactory.builder()
                            .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                            .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                            .build())
                    .configure(com.fasterxml.jackson.databind.SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
                    .build()
                    .writeValueAsString(overlay);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
