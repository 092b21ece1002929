package dev.argoartifact.driver.azure;

import dev.argoartifact.common.semantics.LocalTree;
import dev.argoartifact.testkit.bench.Measure;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.options.BlobDownloadToFileOptions;
import com.azure.storage.blob.options.BlobUploadFromFileOptions;
import com.azure.core.util.Context;
import dev.argoartifact.testkit.client.ArtifactClient;
import dev.argoartifact.testkit.conformance.DriverLauncher;
import dev.argoartifact.testkit.conformance.JavaDriverLauncher;
import dev.argoartifact.testkit.conformance.TestData;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The azure driver against the Azure SDK's own uploadFromFile/downloadToFile (same block size and
 * concurrency) on the same Azurite, side by side in one run; a directory of small files in
 * parallel against one after another; and the driver process's peak resident memory.
 * Run with {@code bin/bench azure [MiB] [rounds] [small files]}.
 */
public final class AzureBenchmark {
  private AzureBenchmark() {}

  public static void main(String[] args) throws Exception {
    long sizeMib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 2;
    int smallFiles = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
    Path work = Files.createTempDirectory("azure-bench-");
    try (AzuriteServer azurite = new AzuriteServer(work, true).start(0)) {
      run(work, azurite, sizeMib, rounds, smallFiles);
    } finally {
      LocalTree.delete(work);
    }
  }

  private static void run(Path work, AzuriteServer azurite, long sizeMib, int rounds, int smallFiles) throws Exception {
    BlobContainerClient sdk = azurite.admin().createBlobContainer("bench");
    String configuration = String.join("\n", "endpoint: " + azurite.endpoint(), "container: bench",
        "accountKey: {file: " + Files.writeString(work.resolve("key"), AzuriteServer.KEY) + "}", "");
    AzureConfiguration defaults = new AzureConfiguration(azurite.endpoint(), null, "bench", null,
        dev.argoartifact.common.secrets.SecretRef.ofEnv("unused"), null, null, null, null, null, null, null, null);
    var uploadOptions = new com.azure.storage.blob.models.ParallelTransferOptions()
        .setBlockSizeLong(defaults.blockSizeOrDefault()).setMaxConcurrency(defaults.concurrencyOrDefault())
        .setMaxSingleUploadSizeLong(defaults.blockSizeOrDefault());
    var downloadOptions = new com.azure.storage.common.ParallelTransferOptions()
        .setBlockSizeLong(defaults.blockSizeOrDefault()).setMaxConcurrency(defaults.concurrencyOrDefault());

    Path socket = work.resolve("plugin/socket");
    List<String> jvm = List.of(System.getProperty("bench.driverJvm", "-Xmx256m").split("[\\s,]+"));
    Process driver = new JavaDriverLauncher("azure", Map.of("ARGO_ARTIFACT_LOG_LEVEL", "warn"), work.resolve("driver.log"), jvm).start(socket);
    try {
      DriverLauncher.awaitConnectable(socket, driver, Duration.ofSeconds(30));
      ArtifactClient client = new ArtifactClient(socket, "azure");
      Path source = TestData.write(work.resolve("source.bin"), sizeMib << 20, 9);
      System.out.printf(Locale.ROOT, "azure driver vs Azure SDK (block %d MiB, concurrency %d) on Azurite (on disk), %d MiB file, %d rounds (medians), driver JVM %s%n",
          defaults.blockSizeOrDefault() >> 20, defaults.concurrencyOrDefault(), sizeMib, rounds, jvm);
      List<Double> sdkUp = new ArrayList<>();
      List<Double> sdkDown = new ArrayList<>();
      List<Double> save = new ArrayList<>();
      List<Double> load = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        // Alternate which side goes first: Azurite reclaims deleted data lazily, which slows
        // whatever runs after a large delete.
        int r = round;
        Runnable sdkSide = () -> {
          long t = System.nanoTime();
          sdk.getBlobClient("sdk-" + r).uploadFromFileWithResponse(new BlobUploadFromFileOptions(source.toString())
              .setParallelTransferOptions(uploadOptions), null, Context.NONE);
          sdkUp.add(Measure.secondsSince(t));
          Path sdkTarget = work.resolve("sdk-" + r + ".bin");
          t = System.nanoTime();
          sdk.getBlobClient("sdk-" + r).downloadToFileWithResponse(new BlobDownloadToFileOptions(sdkTarget.toString())
              .setParallelTransferOptions(downloadOptions).setOpenOptions(Set.of(StandardOpenOption.CREATE_NEW,
                  StandardOpenOption.WRITE, StandardOpenOption.READ)), null, Context.NONE);
          sdkDown.add(Measure.secondsSince(t));
          try {
            Files.delete(sdkTarget);
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
          sdk.getBlobClient("sdk-" + r).delete();
        };
        Runnable driverSide = () -> {
          try {
            long t = System.nanoTime();
            Measure.check(client.save(source, client.artifact(configuration, "driver-" + r)));
            save.add(Measure.secondsSince(t));
            Path target = Files.createDirectories(work.resolve("in-" + r)).resolve("a.tmp");
            t = System.nanoTime();
            Measure.check(client.load(client.artifact(configuration, "driver-" + r), target));
            load.add(Measure.secondsSince(t));
            if (r == 0 && !TestData.sha256(target).equals(TestData.sha256(source))) {
              throw new IOException("loaded file differs");
            }
            Files.delete(target);
            Measure.check(client.delete(client.artifact(configuration, "driver-" + r)));
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        };
        if (round % 2 == 0) {
          sdkSide.run();
          driverSide.run();
        } else {
          driverSide.run();
          sdkSide.run();
        }
      }
      Measure.row("SDK uploadFromFile", Measure.median(sdkUp), sizeMib, 0, "the SDK");
      Measure.row("SDK downloadToFile", Measure.median(sdkDown), sizeMib, 0, "the SDK");
      Measure.row("driver Save", Measure.median(save), sizeMib, Measure.median(sdkUp), "the SDK");
      Measure.row("driver Load", Measure.median(load), sizeMib, Measure.median(sdkDown), "the SDK");
      System.out.printf(Locale.ROOT, "  driver peak resident memory (VmHWM) after the large transfers: %d MiB%n", peakRssMib(driver.pid()));

      if (smallFiles == 0) {
        return;
      }
      Measure.smallFilesSerialVersusParallel(client, work, smallFiles, configuration + "transfer: {filesInFlight: 1}\n", configuration);
    } finally {
      driver.destroy();
      driver.waitFor(10, TimeUnit.SECONDS);
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
