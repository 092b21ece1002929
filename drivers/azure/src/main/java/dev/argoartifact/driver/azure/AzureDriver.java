package dev.argoartifact.driver.azure;

import com.azure.identity.DefaultAzureCredentialBuilder;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.storage.ArtifactStorage;
import java.time.Duration;

/** Stores artifacts in Azure Blob Storage. */
public final class AzureDriver implements ArtifactDriver<AzureConfiguration> {
  @Override
  public String name() {
    return "azure";
  }

  @Override
  public Class<AzureConfiguration> configurationType() {
    return AzureConfiguration.class;
  }

  @Override
  public ArtifactStorage open(AzureConfiguration c, SecretResolver secrets) {
    BlobServiceClientBuilder builder = new BlobServiceClientBuilder();
    try {
      if (c.connectionString() != null) {
        builder.connectionString(secrets.resolve("connectionString", c.connectionString()).text());
      } else {
        builder.endpoint(c.endpointUrl());
        if (c.accountKey() != null) {
          builder.credential(new StorageSharedKeyCredential(c.account(), secrets.resolve("accountKey", c.accountKey()).text()));
        } else if (c.sasToken() != null) {
          builder.sasToken(secrets.resolve("sasToken", c.sasToken()).text());
        } else {
          builder.credential(new DefaultAzureCredentialBuilder().build());
        }
      }
    } catch (IllegalArgumentException e) {
      // The SDK's own validation (malformed connection string, bad key encoding): name the field.
      String field = c.connectionString() != null ? "connectionString" : c.accountKey() != null ? "accountKey" : "endpoint";
      throw new ConfigurationException(field, "is not valid: " + e.getMessage());
    }
    builder.retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, c.maxTriesOrDefault(),
        c.tryTimeoutOrDefault(), Duration.ofMillis(500), Duration.ofSeconds(30), null));
    return new AzureStorage(builder.buildClient().getBlobContainerClient(c.container()), c.normalizedPrefix(),
        c.blockSizeOrDefault(), c.concurrencyOrDefault());
  }
}
