package dev.argoartifact.driver.gcs;

import dev.argoartifact.testkit.images.DriverImageChecks;

/**
 * The gcs driver's image (bin/images test). Its round trips are skipped here: the only GCS fake
 * these machines have (LocalStorageHelper) lives inside a JVM, and no HTTP emulator is installable.
 */
class GcsImageIT extends DriverImageChecks {
  @Override
  protected String driver() {
    return "gcs";
  }

  @Override
  protected long sizeBudgetMegabytes() {
    return 75;
  }

  @Override
  protected String badConfiguration() {
    return "bucket: Bad_Bucket\n";
  }

  @Override
  protected String badConfigurationMessage() {
    return "field 'bucket' is not a valid bucket name";
  }

  @Override
  protected String roundTripConfiguration() {
    return null;
  }
}
