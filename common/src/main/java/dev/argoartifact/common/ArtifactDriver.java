package dev.argoartifact.common;

import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.transfer.TransferSettings;
import java.io.IOException;
import java.util.List;

/**
 * A storage backend plugged into the shared runtime. Registered through
 * {@code META-INF/services/dev.argoartifact.common.ArtifactDriver}; an image holds exactly one.
 *
 * @param <C> the driver's typed configuration, a record bound from the plugin's YAML
 *     {@code configuration} string. Its canonical constructor validates invariants by throwing
 *     {@link dev.argoartifact.common.config.ConfigurationException}.
 */
public interface ArtifactDriver<C> {

    /** Short, stable name: the module name, the index entry and the image suffix ("volume"). */
    String name();

    /** The configuration record type. */
    Class<C> configurationType();

    /**
     * Connects a storage for one configuration. The runtime caches it per configuration string and
     * closes it at shutdown. Secret references in the configuration are resolved through
     * {@code secrets}, never logged.
     */
    ArtifactStorage open(C configuration, SecretResolver secrets) throws IOException;

    /** Parallelism and retries for transfers; records that embed {@link TransferSettings} get it free. */
    default TransferSettings transferSettings(C configuration) {
        if (configuration instanceof TransferSettings.Tunable tunable && tunable.transfer() != null) {
            return tunable.transfer().withDefaults();
        }
        return TransferSettings.defaults();
    }

    /**
     * Where a storage for this configuration sends requests, and its credentials with them (hosts),
     * or which local directory it uses. When a workflow chose one of them (a {@code @Where(destination
     * = true)} field the operator opened), each must be on the operator's allow-list before the
     * storage is opened. A configuration that names them only inside a secret may leave them out.
     */
    default List<Destination> destinations(C configuration) {
        return List.of();
    }

    /**
     * The class of the storages {@link #open} returns: the abilities it implements
     * ({@link dev.argoartifact.common.storage.StorageAbilities}) are what the index publishes and
     * what the conformance suite checks, both ways.
     */
    Class<? extends ArtifactStorage> storageType();
}
