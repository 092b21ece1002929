package dev.argoartifact.common.storage;

/** Thrown by an optional storage method the storage did not declare. */
public final class UnsupportedCapabilityException extends UnsupportedOperationException {
  private static final long serialVersionUID = 1L;
  private final StorageCapability capability;

  public UnsupportedCapabilityException(StorageCapability capability) {
    super("this storage does not support " + capability);
    this.capability = capability;
  }

  public StorageCapability capability() {
    return capability;
  }
}
