package dev.argoartifact.driver.volume;

import dev.argoartifact.conformance.ArtifactDriverConformance;
import dev.argoartifact.conformance.ConformanceFixture;
import dev.argoartifact.conformance.InProcessFixture;
import dev.argoartifact.conformance.LocalDirectoryBackend;
import java.nio.file.Files;
import java.nio.file.Path;

/** The whole conformance suite against the volume driver on a real directory. */
class VolumeDriverConformanceTest extends ArtifactDriverConformance {

    @Override
    protected ConformanceFixture createFixture() throws Exception {
        Path base = scratchDirectory("volume-conformance-");
        Path root = Files.createDirectories(base.resolve("artifacts"));
        return InProcessFixture.builder(new VolumeDriver(), base)
                .operatorConfiguration("root: " + root)
                .requiredFields("root")
                .backend(new LocalDirectoryBackend(root))
                .build();
    }
}
