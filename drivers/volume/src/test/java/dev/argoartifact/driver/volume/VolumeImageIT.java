package dev.argoartifact.driver.volume;

import dev.argoartifact.images.ContainerSetup;
import dev.argoartifact.images.DriverImageChecks;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** The volume driver's image (bin/images builds it; the images profile runs this). */
class VolumeImageIT extends DriverImageChecks {
    private Path artifacts;

    VolumeImageIT() {
        super("volume", 45, "roots: /mnt/artifacts", "unknown field 'roots', did you mean 'root'?");
    }

    @Override
    protected String startBackend() throws Exception {
        artifacts = Files.createDirectories(work.resolve("artifacts"));
        Files.setPosixFilePermissions(artifacts, PosixFilePermissions.fromString("rwxrwxrwx"));
        return "root: /mnt/artifacts";
    }

    @Override
    protected ContainerSetup roundTripSetup() {
        return ContainerSetup.ISOLATED.withBind(artifacts, "/mnt/artifacts");
    }
}
