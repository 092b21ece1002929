package dev.argoartifact.driver.azure;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import dev.argoartifact.conformance.LocalPorts;
import dev.argoartifact.conformance.LocalServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Azurite's blob service, from the npm install pinned by src/test/azurite/package-lock.json
 * (bin/test runs 'npm ci' there), as a process on a free loopback port with in-memory storage.
 */
final class AzuriteServer extends LocalServer {
    static final String ACCOUNT = "devstoreaccount1";
    /** Azurite's published development key: not a secret, but treated as one by the tests. */
    static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    static final Path BIN = Path.of("src/test/azurite/node_modules/.bin/azurite-blob");

    private final Path workDir;
    private final boolean onDisk;

    AzuriteServer(Path workDir) {
        this(workDir, false);
    }

    /** @param onDisk keep blobs under workDir instead of in memory (for large benchmarks) */
    AzuriteServer(Path workDir, boolean onDisk) {
        this.workDir = workDir;
        this.onDisk = onDisk;
    }

    static void assumeInstalled() {
        assumeTrue(
                Files.isExecutable(BIN),
                "Azurite is not installed: run 'npm ci' in drivers/azure/src/test/azurite "
                        + "(bin/test does this when Node.js is present)");
    }

    AzuriteServer start(int fixedPort) throws IOException, InterruptedException {
        assumeInstalled();
        port = fixedPort == 0 ? LocalPorts.free() : fixedPort;
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                BIN.toAbsolutePath().toString(),
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                String.valueOf(port),
                "--skipApiVersionCheck",
                "--loose",
                "--disableTelemetry",
                "--silent"));
        if (onDisk) {
            command.addAll(java.util.List.of(
                    "--location",
                    Files.createDirectories(workDir.resolve("azurite-data")).toString()));
        } else {
            command.addAll(java.util.List.of("--inMemoryPersistence", "--extentMemoryLimit", "2048"));
        }
        started(LocalPorts.startListening(
                command, workDir.resolve("azurite.log"), port, java.time.Duration.ofSeconds(30), "Azurite"));
        return this;
    }

    String endpoint() {
        return "http://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    String connectionString() {
        return "DefaultEndpointsProtocol=http;AccountName=" + ACCOUNT + ";AccountKey=" + KEY + ";BlobEndpoint="
                + endpoint() + ";";
    }

    BlobServiceClient admin() {
        return new BlobServiceClientBuilder()
                .endpoint(endpoint())
                .credential(new StorageSharedKeyCredential(ACCOUNT, KEY))
                .buildClient();
    }
}
