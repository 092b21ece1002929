package dev.argoartifact.conformance;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The suite against a driver someone else started (any language), as run by
 * {@code argo-artifact conformance}. Checks that need a driver's internals (storage capabilities,
 * another operator's policy) are skipped with a reason; lifecycle checks run when a launch command
 * is given, the hostile-author checks for the fields and destinations the command names.
 */
public class ExternalDriverConformance extends ArtifactDriverConformance {
    /** Set by the command line before the JUnit launcher runs this class. */
    public record Settings(
            Path socket,
            String configuration,
            String keyPrefix,
            List<String> requiredFields,
            List<String> lockedFields,
            List<String> hostileDestinations,
            List<String> launchCommand,
            Path logFile,
            long largeFileBytes) {}

    private static volatile Settings settings;

    public static void configure(Settings value) {
        settings = value;
    }

    @Override
    protected ConformanceFixture createFixture() {
        Settings s = settings;
        if (s == null) {
            throw new IllegalStateException("ExternalDriverConformance runs through 'argo-artifact conformance'");
        }
        return new ConformanceFixture() {
            @Override
            public Path socket() {
                return s.socket();
            }

            @Override
            public String configuration() {
                return s.configuration();
            }

            @Override
            public String keyPrefix() {
                return s.keyPrefix();
            }

            @Override
            public List<String> requiredFields() {
                return s.requiredFields();
            }

            @Override
            public List<String> lockedFields() {
                return s.lockedFields();
            }

            @Override
            public List<String> hostileDestinations() {
                return s.hostileDestinations();
            }

            @Override
            public long largeFileBytes() {
                return s.largeFileBytes();
            }

            @Override
            public Optional<DriverLauncher> launcher() {
                if (s.launchCommand().isEmpty()) {
                    return Optional.empty();
                }
                return Optional.of(socket -> {
                    List<String> command = new ArrayList<>(s.launchCommand());
                    command.add(socket.toString());
                    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
                    builder.redirectOutput(
                            ProcessBuilder.Redirect.appendTo(s.logFile().toFile()));
                    try {
                        return builder.start();
                    } catch (IOException e) {
                        throw new IOException(
                                "cannot run the launch command " + s.launchCommand() + ": " + e.getMessage(), e);
                    }
                });
            }
        };
    }
}
