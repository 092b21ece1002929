package dev.argoartifact.testkit.conformance;

import java.io.IOException;
import java.nio.file.Path;

/** Starts a driver process the way Argo does: {@code <entrypoint> <socket-path>}. */
@FunctionalInterface
public interface DriverLauncher {
  Process start(Path socket) throws IOException;
}
