package dev.argoartifact.driver.azure;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.options.BlobDownloadToFileOptions;
import com.azure.storage.blob.options.BlobUploadFromFileOptions;
import dev.argoartifact.bench.DriverJvm;
import dev.argoartifact.bench.Measure;
import dev.argoartifact.bench.SideBySide;
import dev.argoartifact.conformance.TestData;
import dev.argoartifact.conformance.client.ArtifactClient;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The azure driver against the Azure SDK's own uploadFromFile/downloadToFile (same block size and
 * concurrency) on the same Azurite, side by side in one run; a directory of small files in
 * parallel against one after another; and the driver process's peak resident memory.
 * Run with {@code bin/bench azure [MiB] [rounds] [small files]}.
 */
public final class AzureBenchmark {
    private AzureBenchmark() {}

    public static void main(String[] args) throws Exception {
        SideBySide.main(args, 2, "azure", (work, a) -> {
            try (AzuriteServer azurite = new AzuriteServer(work, true).start(0)) {
                run(work, azurite, a.sizeMib(), a.rounds(), a.smallFiles());
            }
        });
    }

    private static void run(Path work, AzuriteServer azurite, long sizeMib, int rounds, int smallFiles)
            throws Exception {
        BlobContainerClient sdk = azurite.admin().createBlobContainer("bench");
        String configuration = String.join(
                "\n",
                "endpoint: " + azurite.endpoint(),
                "container: bench",
                "accountKey: {file: " + Files.writeString(work.resolve("key"), AzuriteServer.KEY) + "}",
                "");
        AzureConfiguration defaults =
                new dev.argoartifact.common.config.ConfigurationBinder<>(AzureConfiguration.class).bind(configuration);
        var uploadOptions = new com.azure.storage.blob.models.ParallelTransferOptions()
                .setBlockSizeLong((long) defaults.blockSize())
                .setMaxConcurrency(dev.argoartifact.common.transfer.TransferSettings.defaults()
                        .partsPerFile())
                .setMaxSingleUploadSizeLong((long) defaults.blockSize());
        var downloadOptions = new com.azure.storage.common.ParallelTransferOptions()
                .setBlockSizeLong((long) defaults.blockSize())
                .setMaxConcurrency(dev.argoartifact.common.transfer.TransferSettings.defaults()
                        .partsPerFile());

        List<String> jvm =
                List.of(System.getProperty("bench.driverJvm", "-Xmx256m").split("[\\s,]+"));
        try (DriverJvm driver = DriverJvm.start("azure", configuration, work, jvm)) {
            ArtifactClient client = driver.client();
            Path source = TestData.write(work.resolve("source.bin"), sizeMib << 20, 9);
            // The first side alternates: Azurite reclaims deleted data lazily, which slows whatever
            // runs after a large delete.
            SideBySide bench = SideBySide.titled(
                    rounds,
                    "azure driver vs Azure SDK (block %d MiB, concurrency %d) on Azurite (on disk), %d MiB file, %d rounds (medians), driver JVM %s",
                    defaults.blockSize() >> 20,
                    dev.argoartifact.common.transfer.TransferSettings.defaults().partsPerFile(),
                    sizeMib,
                    rounds,
                    jvm);
            bench.run(
                    round -> {
                        long t = System.nanoTime();
                        sdk.getBlobClient("sdk-" + round)
                                .uploadFromFileWithResponse(
                                        new BlobUploadFromFileOptions(source.toString())
                                                .setParallelTransferOptions(uploadOptions),
                                        null,
                                        Context.NONE);
                        bench.baselineUp.add(Measure.secondsSince(t));
                        Path sdkTarget = work.resolve("sdk-" + round + ".bin");
                        t = System.nanoTime();
                        sdk.getBlobClient("sdk-" + round)
                                .downloadToFileWithResponse(
                                        new BlobDownloadToFileOptions(sdkTarget.toString())
                                                .setParallelTransferOptions(downloadOptions)
                                                .setOpenOptions(Set.of(
                                                        StandardOpenOption.CREATE_NEW,
                                                        StandardOpenOption.WRITE,
                                                        StandardOpenOption.READ)),
                                        null,
                                        Context.NONE);
                        bench.baselineDown.add(Measure.secondsSince(t));
                        Files.delete(sdkTarget);
                        sdk.getBlobClient("sdk-" + round).delete();
                    },
                    round -> Measure.driverRound(client, "", source, work, round, bench.save, bench.load));
            bench.report(sizeMib, "the SDK", "SDK uploadFromFile", "SDK downloadToFile");
            System.out.printf(
                    Locale.ROOT,
                    "  driver peak resident memory (VmHWM) after the large transfers: %d MiB%n",
                    peakRssMib(driver.pid()));

            if (smallFiles == 0) {
                return;
            }
            Measure.smallFilesSerialVersusParallel(client, work, smallFiles, "transfer: {filesInFlight: 1}\n", "");
        }
    }

    private static long peakRssMib(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
            }
        }
        return -1;
    }
}
