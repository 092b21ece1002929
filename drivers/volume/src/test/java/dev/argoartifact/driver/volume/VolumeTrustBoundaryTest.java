package dev.argoartifact.driver.volume;

import static org.assertj.core.api.Assertions.assertThat;

import dev.argoartifact.common.storage.StagedWrites;
import dev.argoartifact.conformance.InProcessDriver;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import dev.argoartifact.conformance.client.ArtifactClient.Reply;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The volume driver's root is where a workflow would reach any file of the node (the Argo
 * Server's token, other plugins' sockets, /etc): the attacks a workflow author would try.
 */
class VolumeTrustBoundaryTest {
    @TempDir
    Path work;

    private Reply saveWith(InProcessDriver driver, String configuration) throws Exception {
        ArtifactClient client = new ArtifactClient(driver.socket(), "volume");
        return client.save(
                TestData.write(work.resolve("f-" + System.nanoTime()), 10, 1),
                client.artifact(configuration, "wf/out.bin"));
    }

    @Test
    void aWorkflowCannotNameARootOfItsOwn() throws Exception {
        Path root = Files.createDirectories(work.resolve("artifacts"));
        Path elsewhere = Files.createDirectories(work.resolve("elsewhere"));
        try (InProcessDriver driver =
                new InProcessDriver(new VolumeDriver(), work.resolve("p1/socket"), "root: " + root)) {
            for (String hostile :
                    List.of("root: /", "root: /var/run/secrets/kubernetes.io/serviceaccount", "root: " + elsewhere)) {
                Reply reply = saveWith(driver, hostile);
                assertThat(reply.success()).as(hostile).isFalse();
                assertThat(reply.error())
                        .as(hostile)
                        .isEqualTo("save failed for key 'wf/out.bin': invalid configuration: field 'root' is "
                                + "fixed by the operator of this driver, so a workflow's configuration cannot change it; it may set only transfer "
                                + "(the operator can open more in policy.authorFields)");
            }
            assertThat(elsewhere).isEmptyDirectory();
            assertThat(saveWith(driver, "root: " + root))
                    .as("the operator's own root, repeated")
                    .isEqualTo(new Reply(true, ""));
        }
    }

    @Test
    void anOpenedRootStaysWithinTheOperatorsAllowedRoots() throws Exception {
        try (InProcessDriver unbounded = new InProcessDriver(
                new VolumeDriver(),
                work.resolve("p2/socket"),
                "root: " + work + "\npolicy: {authorFields: [root]}\n")) {
            assertThat(saveWith(unbounded, ""))
                    .as("an opened root needs policy.allowedRoots")
                    .isEqualTo(
                            new Reply(
                                    false,
                                    "save failed for key 'wf/out.bin': invalid configuration: the operator's configuration is"
                                            + " invalid: field 'policy.authorFields' opens a field that says where requests and their credentials go: list what"
                                            + " workflows may choose in policy.allowedHosts (or policy.allowedRoots for local directories)"));
        }
        Path teams = Files.createDirectories(work.resolve("teams"));
        Path teamA = Files.createDirectories(teams.resolve("a"));
        Path outside = Files.createDirectories(work.resolve("outside"));
        Files.createSymbolicLink(teams.resolve("escape"), outside);
        String operator = "root: " + teamA + "\npolicy: {authorFields: [root], allowedRoots: [" + teams + "]}\n";
        try (InProcessDriver driver = new InProcessDriver(new VolumeDriver(), work.resolve("p3/socket"), operator)) {
            assertThat(saveWith(driver, "root: " + teamA)).isEqualTo(new Reply(true, ""));
            Path teamB = Files.createDirectories(teams.resolve("b"));
            assertThat(saveWith(driver, "root: " + teamB)).isEqualTo(new Reply(true, ""));
            assertThat(teamB.resolve("wf/out.bin")).exists();
            for (String hostile : List.of(
                    "root: " + outside,
                    "root: " + teams.resolve("escape"),
                    "root: " + teams + "/../outside",
                    "root: /")) {
                Reply reply = saveWith(driver, hostile);
                assertThat(reply.success()).as(hostile).isFalse();
                assertThat(reply.error())
                        .as(hostile)
                        .contains(
                                "which this driver's operator does not allow workflows to choose (policy.allowedRoots");
            }
            assertThat(outside).isEmptyDirectory();
        }
    }

    @Test
    void writesADeadWriterLeftAreRemovedOnceTheyAreOld() throws Exception {
        Path root = Files.createDirectories(work.resolve("with-debris"));
        Path staging = Files.createDirectories(root.resolve(StagedWrites.DIRECTORY));
        Path old = Files.writeString(staging.resolve("killed-mid-save"), "partial");
        Files.setLastModifiedTime(old, FileTime.from(Instant.now().minus(Duration.ofHours(25))));
        Path recent = Files.writeString(staging.resolve("still-writing"), "partial");
        try (InProcessDriver driver =
                new InProcessDriver(new VolumeDriver(), work.resolve("p4/socket"), "root: " + root)) {
            assertThat(saveWith(driver, "")).isEqualTo(new Reply(true, ""));
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (Files.exists(old) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(old).as("a day-old staged write is a dead writer's").doesNotExist();
            assertThat(recent).as("a recent one may still be written").exists();
            ArtifactClient client = new ArtifactClient(driver.socket(), "volume");
            assertThat(client.listObjects(client.artifact("", StagedWrites.DIRECTORY))
                            .error())
                    .contains("is not allowed");
        }
    }

    @Test
    void listingLeavesOutNamesThatLoadWouldRefuse() throws Exception {
        Path root = Files.createDirectories(work.resolve("hostile-names"));
        Files.createDirectories(root.resolve("wf/dir"));
        Files.writeString(root.resolve("wf/dir/fine.txt"), "ok");
        Files.writeString(root.resolve("wf/dir/back\\slash.txt"), "made by another client");
        try (InProcessDriver driver =
                new InProcessDriver(new VolumeDriver(), work.resolve("p5/socket"), "root: " + root)) {
            ArtifactClient client = new ArtifactClient(driver.socket(), "volume");
            assertThat(client.listObjects(client.artifact("", "wf/dir")).objects())
                    .containsExactly("wf/dir/fine.txt");
            assertThat(client.load(client.artifact("", "wf/dir"), work.resolve("loaded"))
                            .error())
                    .as("Load refuses the tree rather than dropping a file silently")
                    .contains("back\\slash.txt");
        }
    }
}
