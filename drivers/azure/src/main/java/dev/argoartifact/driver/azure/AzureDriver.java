package dev.argoartifact.driver.azure;

import com.azure.core.credential.TokenCredential;
import com.azure.identity.ChainedTokenCredentialBuilder;
import com.azure.identity.EnvironmentCredentialBuilder;
import com.azure.identity.ManagedIdentityCredentialBuilder;
import com.azure.identity.WorkloadIdentityCredentialBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.Destination;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.storage.ArtifactStorage;
import java.net.URI;
import java.util.List;

/** Stores artifacts in Azure Blob Storage. */
public final class AzureDriver extends ArtifactDriver<AzureConfiguration> {
    public AzureDriver() {
        super("azure", AzureConfiguration.class, AzureStorage.class);
    }

    @Override
    public ArtifactStorage open(AzureConfiguration c, SecretResolver secrets) {
        BlobServiceClientBuilder builder = new BlobServiceClientBuilder();
        try {
            if (c.connectionString() != null) {
                builder.connectionString(secrets.resolve("connectionString", c.connectionString())
                        .text());
            } else {
                builder.endpoint(c.endpointUrl());
                if (c.accountKey() != null) {
                    String key = secrets.resolve("accountKey", c.accountKey()).text();
                    requireBase64(key);
                    builder.credential(new StorageSharedKeyCredential(c.account(), key));
                } else if (c.sasToken() != null) {
                    builder.sasToken(secrets.resolve("sasToken", c.sasToken()).text());
                } else {
                    builder.credential(podCredential());
                }
            }
        } catch (IllegalArgumentException e) {
            // The SDK's own validation (malformed connection string, bad key encoding). Its words quote
            // the offending character of the secret ("Illegal base64 character 2d"): name the field only.
            String field = c.connectionString() != null
                    ? "connectionString"
                    : c.accountKey() != null ? "accountKey" : "endpoint";
            throw new ConfigurationException(
                    field,
                    field.equals("accountKey")
                            ? "is not a valid account key (expected base64)"
                            : "is not valid: " + (field.equals("endpoint") ? e.getMessage() : "malformed"));
        }
        // One retry layer: the runtime's. The SDK tries each request once, within tryTimeout.
        builder.retryOptions(new RequestRetryOptions(RetryPolicyType.FIXED, 1, c.tryTimeout(), null, null, null));
        return new AzureStorage(
                builder.buildClient().getBlobContainerClient(c.container()),
                c.prefix(),
                c.blockSize(),
                transferSettings(c).partsPerFile());
    }

    /** The blob endpoint's host; a connection string names its own, inside the secret. */
    @Override
    public List<Destination> destinations(AzureConfiguration c) {
        return c.connectionString() != null
                ? List.of()
                : List.of(Destination.host(URI.create(c.endpointUrl()).getHost()));
    }

    /**
     * Checked here, before any request: the SDK decodes the key only when it signs one, and a
     * decoder's error quotes the offending character of the secret.
     */
    private static void requireBase64(String key) {
        try {
            java.util.Base64.getDecoder().decode(key);
        } catch (IllegalArgumentException e) {
            throw new ConfigurationException("accountKey", "is not a valid account key (expected base64)");
        }
    }

    /**
     * {@code credential: default}: what DefaultAzureCredential tries inside a pod, in its order: a
     * service principal from the {@code AZURE_*} environment, workload identity (when the webhook
     * has projected its token file) and managed identity. DefaultAzureCredential's developer-desktop
     * sources (Azure CLI, PowerShell, IDEs, the shared token cache) are left out: they need a shell
     * or a native keyring that a driver image has not, and their native libraries (JNA) would add
     * 3.5 MB to it.
     */
    static TokenCredential podCredential() {
        ChainedTokenCredentialBuilder chain =
                new ChainedTokenCredentialBuilder().addLast(new EnvironmentCredentialBuilder().build());
        String tokenFile = System.getenv("AZURE_FEDERATED_TOKEN_FILE");
        String clientId = System.getenv("AZURE_CLIENT_ID");
        String tenantId = System.getenv("AZURE_TENANT_ID");
        if (tokenFile != null && clientId != null && tenantId != null) {
            chain.addLast(new WorkloadIdentityCredentialBuilder()
                    .tokenFilePath(tokenFile)
                    .clientId(clientId)
                    .tenantId(tenantId)
                    .build());
        }
        return chain.addLast(new ManagedIdentityCredentialBuilder().build()).build();
    }
}
