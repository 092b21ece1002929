package dev.argoartifact.common.storage;

import java.io.IOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.http.HttpTimeoutException;

/** Failures of the network itself, transient for every backend. Drivers add their own codes. */
public final class TransientFailures {
  private TransientFailures() {}

  public static boolean isNetworkFailure(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SocketTimeoutException
          || t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof HttpTimeoutException
          || (t instanceof SocketException && !(t instanceof java.net.BindException))) {
        return true;
      }
      if (t instanceof IOException && t.getMessage() != null
          && (t.getMessage().contains("Connection reset") || t.getMessage().contains("Broken pipe"))) {
        return true;
      }
    }
    return false;
  }
}
