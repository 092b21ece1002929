package dev.argoartifact.common;

import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.storage.StorageAbilities;
import dev.argoartifact.common.transfer.TransferSettings;
import java.io.IOException;
import java.util.List;

/**
 * A storage backend plugged into the shared runtime: three facts given to the constructor (its
 * name, its configuration record, the class of its storages) and {@link #open}. Registered through
 * {@code META-INF/services/dev.argoartifact.common.ArtifactDriver}; an image holds exactly one.
 *
 * @param <C> the driver's typed configuration, a record bound from the plugin's YAML
 *     {@code configuration} string. Its canonical constructor validates invariants by throwing
 *     {@link ConfigurationException}.
 */
public abstract class ArtifactDriver<C> {
    private final String name;
    private final Class<C> configurationType;
    private final Class<? extends ArtifactStorage> storageType;

    /**
     * Declares a driver.
     *
     * @param name short and stable: the module name, the index entry and the image suffix ("volume")
     * @param configurationType the configuration record
     * @param storageType the class of the storages {@link #open} returns: the abilities it implements
     *     ({@link StorageAbilities}) are what the index publishes and what the conformance suite checks
     */
    protected ArtifactDriver(String name, Class<C> configurationType, Class<? extends ArtifactStorage> storageType) {
        this.name = name;
        this.configurationType = configurationType;
        this.storageType = storageType;
    }

    public final String name() {
        return name;
    }

    public final Class<C> configurationType() {
        return configurationType;
    }

    public final Class<? extends ArtifactStorage> storageType() {
        return storageType;
    }

    /**
     * Connects a storage for one configuration. The runtime caches it per configuration string and
     * closes it when it is evicted or at shutdown. Secret references in the configuration are
     * resolved through {@code secrets}, never logged.
     */
    public abstract ArtifactStorage open(C configuration, SecretResolver secrets) throws IOException;

    /** Parallelism and retries for transfers; records that embed {@link TransferSettings} get it free. */
    public TransferSettings transferSettings(C configuration) {
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
    public List<Destination> destinations(C configuration) {
        return List.of();
    }
}
