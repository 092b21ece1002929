package dev.argoartifact.conformance;

import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.config.OperatorConfiguration;
import dev.argoartifact.common.secrets.DefaultSecretResolver;
import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.StorageAbilities;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The usual fixture of a Java driver: the driver in the test JVM on a real socket (so in-process
 * backends are reachable), configured by the operator's configuration as in production, a
 * child-JVM launcher for the lifecycle checks, direct storage access for the capability checks,
 * and the backends to stop afterwards.
 */
public final class InProcessFixture implements ConformanceFixture {
    private final ArtifactDriver<?> driverType;
    private final Path work;
    private final InProcessDriver driver;
    private final List<String> published;
    private final String operatorConfiguration;
    private final String configuration;
    private final List<String> requiredFields;
    private final List<String> secretValues;
    private final List<String> hostileDestinations;
    private final Backend backend;
    private final SecretResolver secrets;
    private final DriverLauncher launcher;
    private final List<AutoCloseable> resources;

    private InProcessFixture(Builder b) throws IOException {
        this.driverType = b.driver;
        this.work = b.work;
        this.secrets = b.secrets;
        this.driver =
                new InProcessDriver(b.driver, b.work.resolve("plugin/socket"), b.operatorConfiguration, b.secrets);
        this.published = StorageAbilities.of(b.driver.storageType());
        this.operatorConfiguration = b.operatorConfiguration;
        this.configuration = b.configuration;
        this.requiredFields = List.copyOf(b.requiredFields);
        this.secretValues = List.copyOf(b.secretValues);
        this.hostileDestinations = List.copyOf(b.hostileDestinations);
        this.backend = b.backend;
        this.launcher = b.launch
                ? new JavaDriverLauncher(
                        b.driver.name(),
                        b.operatorConfiguration == null
                                ? Map.of()
                                : Map.of(OperatorConfiguration.ENV, b.operatorConfiguration),
                        b.work.resolve("driver-processes.log"))
                : null;
        this.resources = List.copyOf(b.resources);
    }

    /** Another fixture of the same kind: its own driver on its own socket, nothing to close but itself. */
    private InProcessFixture(InProcessFixture base, String operatorConfiguration) throws IOException {
        this.driverType = base.driverType;
        this.work = Files.createDirectories(
                base.work.resolve("variant-" + UUID.randomUUID().toString().substring(0, 8)));
        this.secrets = base.secrets;
        this.driver = new InProcessDriver(base.driverType, work.resolve("socket"), operatorConfiguration, base.secrets);
        this.published = base.published;
        this.operatorConfiguration = operatorConfiguration;
        this.configuration = base.configuration;
        this.requiredFields = base.requiredFields;
        this.secretValues = base.secretValues;
        this.hostileDestinations = base.hostileDestinations;
        this.backend = base.backend;
        this.launcher = null;
        this.resources = List.of();
    }

    public static Builder builder(ArtifactDriver<?> driver, Path work) {
        return new Builder(driver, work);
    }

    @Override
    public Optional<List<String>> publishedAbilities() {
        return Optional.of(published);
    }

    @Override
    public Path socket() {
        return driver.socket();
    }

    @Override
    public String configuration() {
        return configuration;
    }

    @Override
    public Optional<String> operatorConfiguration() {
        return Optional.ofNullable(operatorConfiguration);
    }

    @Override
    public Optional<ConformanceFixture> withOperatorConfiguration(String operatorConfiguration) throws IOException {
        return Optional.of(new InProcessFixture(this, operatorConfiguration));
    }

    @Override
    public Optional<Class<?>> configurationType() {
        return Optional.of(driverType.configurationType());
    }

    @Override
    public Optional<Backend> backend() {
        return Optional.ofNullable(backend);
    }

    @Override
    public List<String> hostileDestinations() {
        return hostileDestinations;
    }

    @Override
    public String keyPrefix() {
        return "conformance-" + UUID.randomUUID();
    }

    @Override
    public List<String> requiredFields() {
        return requiredFields;
    }

    @Override
    public List<String> secretValues() {
        return secretValues;
    }

    @Override
    public Optional<DriverLauncher> launcher() {
        return Optional.ofNullable(launcher);
    }

    @Override
    public Optional<ArtifactStorage> storage() {
        return Optional.of(driver.runtime().operations(configuration).storage());
    }

    /** The driver behind the socket. */
    public InProcessDriver driver() {
        return driver;
    }

    @Override
    public void close() throws IOException {
        driver.close();
        IOException first = null;
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e instanceof IOException io ? io : new IOException(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /** Builds a fixture; the operator's configuration and the required fields are what most drivers give. */
    public static final class Builder {
        private final ArtifactDriver<?> driver;
        private final Path work;
        private String operatorConfiguration;
        private String configuration = "";
        private final List<String> requiredFields = new ArrayList<>();
        private final List<String> secretValues = new ArrayList<>();
        private final List<String> hostileDestinations = new ArrayList<>();
        private Backend backend;
        private final List<AutoCloseable> resources = new ArrayList<>();
        private SecretResolver secrets = new DefaultSecretResolver();
        private boolean launch = true;

        private Builder(ArtifactDriver<?> driver, Path work) {
            this.driver = driver;
            this.work = work;
        }

        /** The operator's configuration (Helm values, rendered into the driver's environment). */
        public Builder operatorConfiguration(String value) {
            this.operatorConfiguration = value;
            return this;
        }

        /** What workflows send (default: nothing; the operator's configuration holds the location). */
        public Builder configuration(String value) {
            this.configuration = value;
            return this;
        }

        public Builder requiredFields(String... fields) {
            requiredFields.addAll(List.of(fields));
            return this;
        }

        public Builder secretValues(String... values) {
            secretValues.addAll(List.of(values));
            return this;
        }

        /** A workflow configuration that would send requests to the kit's listener at {@code {port}}. */
        public Builder hostileDestination(String fragment) {
            hostileDestinations.add(fragment);
            return this;
        }

        /** Direct access to the backend, for the checks that change it behind the driver's back. */
        public Builder backend(Backend value) {
            this.backend = value;
            return this;
        }

        /** How secret references resolve (default: files, the environment and the pod's Kubernetes API). */
        public Builder secrets(SecretResolver resolver) {
            this.secrets = resolver;
            return this;
        }

        /** Closed after the driver, in order: backends, containers, servers. */
        public Builder closeAfterwards(AutoCloseable resource) {
            resources.add(resource);
            return this;
        }

        /** Without lifecycle checks (when the driver cannot start in a child JVM with this setup). */
        public Builder withoutLauncher() {
            this.launch = false;
            return this;
        }

        public InProcessFixture build() throws IOException {
            if (operatorConfiguration == null && configuration.isBlank()) {
                throw new IllegalStateException("a fixture needs an operator's configuration");
            }
            return new InProcessFixture(this);
        }
    }
}
