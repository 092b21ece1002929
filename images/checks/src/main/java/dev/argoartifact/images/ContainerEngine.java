package dev.argoartifact.images;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.WaitContainerResultCallback;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.ContainerConfig;
import com.github.dockerjava.api.model.HostConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.testcontainers.DockerClientFactory;

/**
 * The container engine Testcontainers finds: Docker, or podman's Docker-compatible service, which
 * {@code bin/images} starts on these Docker-less machines and names in {@code DOCKER_HOST}.
 */
public final class ContainerEngine {
    private final DockerClient docker;

    private ContainerEngine(DockerClient docker) {
        this.docker = docker;
    }

    /** Null when a container engine is reachable; otherwise why not. */
    public static String unavailableReason() {
        try {
            return DockerClientFactory.instance().isDockerAvailable()
                    ? null
                    : "no container engine: start Docker, or podman's service and set DOCKER_HOST (bin/images test does)";
        } catch (RuntimeException e) {
            return "no container engine: " + e.getMessage();
        }
    }

    public static ContainerEngine connect() {
        return new ContainerEngine(DockerClientFactory.instance().client());
    }

    DockerClient docker() {
        return docker;
    }

    /** Loads a docker-save tar (Jib's buildTar) and returns the image name its manifest gives. */
    public String load(Path tar) throws IOException {
        String image = imageName(tar);
        try (InputStream in = Files.newInputStream(tar)) {
            docker.loadImageCmd(in).exec();
        }
        return image;
    }

    private static String imageName(Path tar) throws IOException {
        try (TarArchiveInputStream in = new TarArchiveInputStream(Files.newInputStream(tar))) {
            for (TarArchiveEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                if (entry.getName().equals("manifest.json")) {
                    JsonNode tags = new ObjectMapper()
                            .readTree(in.readAllBytes())
                            .path(0)
                            .path("RepoTags");
                    if (tags.size() > 0) {
                        return tags.get(0).asText();
                    }
                }
            }
        }
        throw new IOException(tar + " names no image in its manifest.json");
    }

    /** The image's configuration: user, entrypoint, command, labels. */
    public ContainerConfig imageConfig(String image) {
        return docker.inspectImageCmd(image).exec().getConfig();
    }

    public InspectContainerResponse.ContainerState state(String container) {
        return docker.inspectContainerCmd(container).exec().getState();
    }

    /** How a run of the image with another entrypoint ended: its exit code, or the engine's refusal to start it. */
    public record Exit(int code, String output) {}

    /** Runs the image with another entrypoint, without a network, to its end (a minute at most). */
    public Exit runToEnd(String image, String entrypoint, String... args) {
        String id = docker.createContainerCmd(image)
                .withEntrypoint(entrypoint)
                .withCmd(args)
                .withHostConfig(HostConfig.newHostConfig().withNetworkMode("none"))
                .exec()
                .getId();
        try {
            docker.startContainerCmd(id).exec();
            Integer code = docker.waitContainerCmd(id)
                    .exec(new WaitContainerResultCallback())
                    .awaitStatusCode(60, TimeUnit.SECONDS);
            return new Exit(code, "");
        } catch (DockerException refused) {
            return new Exit(-1, String.valueOf(refused.getMessage()));
        } finally {
            docker.removeContainerCmd(id).withForce(true).exec();
        }
    }
}
