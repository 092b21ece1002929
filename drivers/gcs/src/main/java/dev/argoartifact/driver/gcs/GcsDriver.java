package dev.argoartifact.driver.gcs;

import com.google.auth.oauth2.GoogleCredentials;
import com.google.auth.oauth2.ServiceAccountCredentials;
import com.google.cloud.ServiceOptions;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.StorageOptions;
import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.Destination;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.storage.ArtifactStorage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.function.Function;

/** Stores artifacts in Google Cloud Storage. */
public final class GcsDriver extends ArtifactDriver<GcsConfiguration> {
    /** How the client authenticates; decided from the configuration alone, without any network call. */
    enum AuthMode {
        SERVICE_ACCOUNT_KEY,
        APPLICATION_DEFAULT
    }

    private final Function<StorageOptions.Builder, Storage> factory;

    public GcsDriver() {
        this(builder -> builder.build().getService());
    }

    /** For tests: builds the Storage service from the options the driver prepared. */
    GcsDriver(Function<StorageOptions.Builder, Storage> factory) {
        // Batched: batch deletes, unless a configuration turns them off (batchDelete: false).
        super("gcs", GcsConfiguration.class, GcsStorage.Batched.class);
        this.factory = factory;
    }

    static AuthMode authMode(GcsConfiguration c) {
        return c.serviceAccountKey() != null ? AuthMode.SERVICE_ACCOUNT_KEY : AuthMode.APPLICATION_DEFAULT;
    }

    @Override
    public ArtifactStorage open(GcsConfiguration c, SecretResolver secrets) {
        StorageOptions.Builder options = StorageOptions.newBuilder();
        if (c.projectId() != null) {
            options.setProjectId(c.projectId());
        }
        if (c.endpoint() != null) {
            options.setHost(c.endpoint());
        }
        if (authMode(c) == AuthMode.SERVICE_ACCOUNT_KEY) {
            options.setCredentials(serviceAccount(
                    secrets.resolve("serviceAccountKey", c.serviceAccountKey()).bytes()));
        }
        // Without a key the client finds Application Default Credentials itself, on first use, so a
        // driver that is only started (init containers, health checks) never probes the metadata server.
        // One retry layer: the runtime's. The SDK tries each request once.
        options.setRetrySettings(ServiceOptions.getNoRetrySettings());
        Storage storage = factory.apply(options);
        return c.batchDelete()
                ? new GcsStorage.Batched(storage, c.bucket(), c.prefix(), c.partSize(), c.userProject())
                : new GcsStorage(storage, c.bucket(), c.prefix(), c.partSize(), c.userProject());
    }

    /** The JSON API's host (a service account key names its token server, inside the secret). */
    @Override
    public List<Destination> destinations(GcsConfiguration c) {
        return List.of(
                Destination.host(c.endpoint() != null ? URI.create(c.endpoint()).getHost() : "storage.googleapis.com"));
    }

    /** Parses a service account key; a malformed one fails without echoing its content. */
    static GoogleCredentials serviceAccount(byte[] json) {
        try {
            return ServiceAccountCredentials.fromStream(new ByteArrayInputStream(json));
        } catch (IOException | RuntimeException e) {
            String why = e.getMessage() == null
                    ? ""
                    : e.getMessage().lines().findFirst().orElse("");
            // The parser's messages name missing fields; they never carry the key's values.
            throw new ConfigurationException(
                    "serviceAccountKey",
                    "is not a valid service account JSON key" + (why.isBlank() || why.contains("{") ? "" : ": " + why));
        }
    }
}
