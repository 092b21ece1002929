package dev.argoartifact.common.storage;

import java.io.IOException;

/** The object does not exist. Drivers throw it from {@code openRead}. */
public final class ObjectNotFoundException extends IOException {
  private static final long serialVersionUID = 1L;

  public ObjectNotFoundException(String key) {
    super("no object at key '" + key + "'");
  }
}
