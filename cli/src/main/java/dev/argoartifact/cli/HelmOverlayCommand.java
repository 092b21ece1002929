package dev.argoartifact.cli;

import dev.argoartifact.catalogue.ArgoWorkflowsOverlay;
import java.util.List;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints what to merge into the argo-workflows chart for the Argo Server sidecars. */
@Command(
        name = "helm-overlay",
        description = {
            "Print the values to merge into the argo-workflows Helm chart (server.extraContainers, server.volumes,",
            "server.volumeMounts, server.extraEnv) for the chosen drivers, as charts/argo-artifact-drivers renders them",
            "with its default values."
        })
final class HelmOverlayCommand implements Callable<Integer> {
    @Option(names = "--driver", required = true, description = "A driver (plugin) name; repeatable.")
    List<String> drivers;

    @Option(
            names = "--release",
            defaultValue = ArgoWorkflowsOverlay.DEFAULT_RELEASE,
            description = "The Helm release name of argo-artifact-drivers (default: ${DEFAULT-VALUE}).")
    String release;

    @Option(
            names = "--tag",
            defaultValue = ArgoArtifactCli.VERSION,
            description = "Image tag (default: ${DEFAULT-VALUE}).")
    String tag;

    @Option(
            names = "--controller-configmap",
            description = "The chart owns Argo's controller ConfigMap (controllerConfigMap.create=true).")
    boolean controllerConfigMap;

    @Override
    public Integer call() {
        if ("latest".equals(tag)) {
            System.err.println("error: --tag latest is refused: pods must run the image that was tested");
            return ArgoArtifactCli.FAILED;
        }
        System.out.print(ArgoWorkflowsOverlay.render(new TreeSet<>(drivers), release, tag, controllerConfigMap));
        return 0;
    }
}
