package dev.argoartifact.common.storage;

/**
 * Optional storage abilities. A storage declares them in {@link ArtifactStorage#capabilities()};
 * an undeclared one must throw {@link UnsupportedCapabilityException}, a declared one must work.
 * The conformance suite checks both directions.
 */
public enum StorageCapability {
  /**
   * {@link ArtifactStorage#openRead(String, long, long)}: ranged reads, and parallel ranged
   * downloads of large objects pay off (network object stores). Local or kernel-copied storage
   * should not declare it: its {@code readToFile} is faster.
   */
  RANGED_READ,
  /** {@link ArtifactStorage#deleteDirectory(String)}: native recursive delete of real directories. */
  DIRECTORY_DELETE,
  /** {@link ArtifactStorage#deleteBatch(java.util.Collection)}: server-side batch delete. */
  BATCH_DELETE
}
