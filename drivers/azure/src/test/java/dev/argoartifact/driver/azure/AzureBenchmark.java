package dev.argoartifact.driver.azure;

import com.azure.core.util.Context;
import com.azure.storage.blob.BlobContainerAsyncClient;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.azure.storage.blob.options.BlobDownloadToFileOptions;
import com.azure.storage.blob.options.BlobUploadFromFileOptions;
import com.azure.storage.common.StorageSharedKeyCredential;
import dev.argoartifact.bench.DirectoryPeer;
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
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The azure driver against the Azure SDK's own uploadFromFile/downloadToFile (same block size and
 * concurrency) on the same Azurite, side by side in one run; a directory of small files in
 * parallel against one after another; and the driver process's peak resident memory.
 * Run with {@code bin/bench azure [MiB] [rounds] [small files] [--rtt MS]}.
 */
public final class AzureBenchmark {
    private AzureBenchmark() {}

    public static void main(String[] args) throws Exception {
        SideBySide.main(args, 2, "azure", (work, a) -> {
            try (AzuriteServer azurite = new AzuriteServer(work, true).start(0)) {
                run(work, azurite, a);
            }
        });
    }

    private static void run(Path work, AzuriteServer azurite, SideBySide.Arguments a) throws Exception {
        long sizeMib = a.sizeMib();
        int rounds = a.rounds();
        azurite.admin().createBlobContainer("bench");
        // Both sides reach Azurite the same way: directly, or through the latency proxy.
        String endpoint = "http://127.0.0.1:" + a.through(azurite.port()) + "/" + AzuriteServer.ACCOUNT;
        BlobServiceClientBuilder sdkBuilder = new BlobServiceClientBuilder()
                .endpoint(endpoint)
                .credential(new StorageSharedKeyCredential(AzuriteServer.ACCOUNT, AzuriteServer.KEY));
        BlobContainerClient sdk = sdkBuilder.buildClient().getBlobContainerClient("bench");
        String configuration = String.join(
                "\n",
                "endpoint: " + endpoint,
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
        // The operator's: workflows may ask for up to 64 files in flight (bin/bench azure plot).
        String operator = configuration + "policy: {authorMaxima: {transfer.filesInFlight: '64'}}\n";
        try (DriverJvm driver = DriverJvm.start("azure", operator, work, jvm)) {
            ArtifactClient client = driver.client();
            Path source = TestData.write(work.resolve("source.bin"), sizeMib << 20, 9);
            // The first side alternates: Azurite reclaims deleted data lazily, which slows whatever
            // runs after a large delete.
            SideBySide bench = SideBySide.titled(
                    rounds,
                    "azure driver vs Azure SDK (block %d MiB, concurrency %d) on Azurite (on disk) %s, %d MiB file, %d rounds (medians), driver JVM %s",
                    defaults.blockSize() >> 20,
                    dev.argoartifact.common.transfer.TransferSettings.defaults().partsPerFile(),
                    a.distance(),
                    sizeMib,
                    rounds,
                    jvm);
            bench.run(
                    round -> {
                        bench.timeBaselineUp(() -> sdk.getBlobClient("sdk-" + round)
                                .uploadFromFileWithResponse(
                                        new BlobUploadFromFileOptions(source.toString())
                                                .setParallelTransferOptions(uploadOptions),
                                        null,
                                        Context.NONE));
                        Path sdkTarget = work.resolve("sdk-" + round + ".bin");
                        bench.timeBaselineDown(() -> sdk.getBlobClient("sdk-" + round)
                                .downloadToFileWithResponse(
                                        new BlobDownloadToFileOptions(sdkTarget.toString())
                                                .setParallelTransferOptions(downloadOptions)
                                                .setOpenOptions(Set.of(
                                                        StandardOpenOption.CREATE_NEW,
                                                        StandardOpenOption.WRITE,
                                                        StandardOpenOption.READ)),
                                        null,
                                        Context.NONE));
                        Files.delete(sdkTarget);
                        sdk.getBlobClient("sdk-" + round).delete();
                    },
                    bench.driver(client, driver.pid(), "", source, work));
            bench.report(sizeMib, "the SDK", "SDK uploadFromFile", "SDK downloadToFile");
            if (rounds > 0) {
                System.out.printf(
                        Locale.ROOT,
                        "  driver peak resident memory (VmHWM) after the large transfers: %d MiB%n",
                        peakRssMib(driver.pid()));
            }

            if (a.smallFiles() > 0) {
                Measure.smallFilesAgainstPeer(
                        client,
                        driver.pid(),
                        azurite.pid(),
                        work,
                        a,
                        n -> "transfer: {filesInFlight: " + n + "}\n",
                        new SdkDirectories(sdkBuilder.buildAsyncClient().getBlobContainerAsyncClient("bench")),
                        a.distance());
            }
        }
    }

    /**
     * The SDK moving a directory as an expert would: the async client, one request per small file
     * (uploadFromFile and downloadToFile below their single-request size), as many in flight as
     * asked, the listing included in the download as it is in a Load.
     */
    private record SdkDirectories(BlobContainerAsyncClient container) implements DirectoryPeer {
        @Override
        public String name() {
            return "Azure SDK";
        }

        @Override
        public void upload(Path tree, String name, int inFlight) throws Exception {
            List<Path> files = Measure.filesUnder(tree);
            Flux.fromIterable(files)
                    .flatMap(
                            f -> container
                                    .getBlobAsyncClient(name + "/"
                                            + tree.relativize(f).toString().replace('\\', '/'))
                                    .uploadFromFile(f.toString(), true),
                            inFlight)
                    .blockLast();
        }

        @Override
        public void download(String name, Path target, int inFlight) throws Exception {
            container
                    .listBlobs(new ListBlobsOptions().setPrefix(name + "/"))
                    .flatMap(
                            item -> {
                                Path file = target.resolve(item.getName().substring(name.length() + 1));
                                try {
                                    Files.createDirectories(file.getParent());
                                } catch (IOException e) {
                                    return Mono.error(e);
                                }
                                return container
                                        .getBlobAsyncClient(item.getName())
                                        .downloadToFile(file.toString());
                            },
                            inFlight)
                    .blockLast();
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
