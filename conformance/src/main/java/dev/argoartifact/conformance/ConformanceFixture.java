package dev.argoartifact.conformance;

import dev.argoartifact.common.storage.ArtifactStorage;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What a driver's test supplies to {@link ArtifactDriverConformance}: a running driver on a real
 * Unix socket, configured as an operator configures it, a workflow's configuration for a real
 * backend, and optional extras that unlock more checks. Drivers in other languages get one from
 * the {@code argo-artifact conformance} command.
 */
public interface ConformanceFixture extends AutoCloseable {

    /** The socket of a driver that is already serving. */
    Path socket();

    /**
     * The configuration a workflow sends (YAML mapping or JSON object; often empty): what the
     * operator's configuration leaves to workflows, for a real backend.
     */
    String configuration();

    /** The operator's configuration the driver runs with, where the kit knows it (Java drivers). */
    default Optional<String> operatorConfiguration() {
        return Optional.empty();
    }

    /**
     * Another driver of the same kind, serving with {@code operatorConfiguration} instead, for the
     * checks that need another policy; closed by the caller. Empty where the kit cannot start one.
     * Throws {@code ConfigurationException} when that configuration cannot serve, as the driver
     * refuses to start with it.
     */
    default Optional<ConformanceFixture> withOperatorConfiguration(String operatorConfiguration) throws Exception {
        return Optional.empty();
    }

    /** All keys the suite writes start with this, so runs never collide and are easy to clean up. */
    String keyPrefix();

    /** Top-level fields the configuration cannot do without; the suite removes each in turn. */
    List<String> requiredFields();

    /** Secret values present in the configuration's referenced secrets; no error or log may show them. */
    default List<String> secretValues() {
        return List.of();
    }

    /** The driver's configuration record, whose field classes say which fields a workflow may not set. */
    default Optional<Class<?>> configurationType() {
        return Optional.empty();
    }

    /**
     * Fields a workflow's configuration may not set here, for drivers whose record the kit cannot
     * read (other languages); a Java driver's come from {@link #configurationType()}.
     */
    default List<String> lockedFields() {
        return List.of();
    }

    /**
     * Workflow configurations (YAML fragments) that would send the driver's requests to a listener
     * of the kit, {@code {port}} standing for its port: "endpoint: http://127.0.0.1:{port}/x". The
     * driver must refuse each, and the listener must see nothing.
     */
    default List<String> hostileDestinations() {
        return List.of();
    }

    /** Starts fresh driver processes for lifecycle checks (SIGTERM, socket creation). */
    default Optional<DriverLauncher> launcher() {
        return Optional.empty();
    }

    /** The driver's storage for the same configuration, for capability checks. */
    default Optional<ArtifactStorage> storage() {
        return Optional.empty();
    }

    /**
     * The storage abilities the driver publishes in the index, by their index names
     * ({@code StorageAbilities.of(ArtifactDriver.storageType())}).
     */
    default Optional<List<String>> publishedAbilities() {
        return Optional.empty();
    }

    /**
     * The backend behind the driver, reached directly as another client would, for the checks that
     * change it behind the driver's back; empty where the fixture cannot.
     */
    default Optional<Backend> backend() {
        return Optional.empty();
    }

    /** Direct access to the backend, by the keys the driver uses (below its root or prefix). */
    interface Backend {
        /** Removes everything under {@code keyPrefix} (which ends with '/'), directories included. */
        void removeUnder(String keyPrefix) throws Exception;

        /**
         * Makes the backend refuse to delete the objects under {@code keyPrefix}, as a permission, a
         * lease or a bucket policy would; false where it cannot (a local directory when the tests run
         * as root, whom permissions do not stop).
         */
        default boolean refuseDeletesUnder(String keyPrefix) throws Exception {
            return false;
        }

        /**
         * What the backend holds of writes not finished: staged files, uncommitted blocks, multipart
         * uploads or resumable sessions, one entry each; empty where it cannot tell.
         */
        default Optional<java.util.Set<String>> unfinishedUploads() throws Exception {
            return Optional.empty();
        }
    }

    /** Size of the largest round trip; the kit's default is 100 MiB. */
    default long largeFileBytes() {
        return 100L << 20;
    }

    @Override
    default void close() throws java.io.IOException {}
}
