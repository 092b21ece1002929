package dev.argoartifact.driver.azure;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.config.Default;
import dev.argoartifact.common.config.How;
import dev.argoartifact.common.config.HttpEndpoint;
import dev.argoartifact.common.config.KeyPrefix;
import dev.argoartifact.common.config.Matches;
import dev.argoartifact.common.config.OneOf;
import dev.argoartifact.common.config.Range;
import dev.argoartifact.common.config.Required;
import dev.argoartifact.common.config.SecretRef;
import dev.argoartifact.common.config.Where;
import dev.argoartifact.common.config.Who;
import dev.argoartifact.common.transfer.TransferSettings;
import java.net.URI;
import java.time.Duration;

/** Configuration of the Azure Blob Storage driver. */
@OneOf(
        value = {"accountKey", "sasToken", "connectionString", "credential"},
        required = false)
public record AzureConfiguration(
        @Where(destination = true)
        @JsonPropertyDescription(
                "Blob endpoint, e.g. https://<account>.blob.core.windows.net, or http://host:port/<account> for Azurite.")
        String endpoint,

        @Where(destination = true)
        @JsonPropertyDescription(
                "Storage account name; builds https://<accountName>.blob.core.windows.net. Alternative to endpoint.")
        String accountName,

        @Required
        @Where
        @Matches(
                value = "\\$root|[a-z0-9](?!.*--)[a-z0-9-]{1,61}[a-z0-9]",
                means = "a valid container name: 3 to 63 lowercase letters, digits and single hyphens, starting and"
                        + " ending with a letter or digit")
        @JsonPropertyDescription("Container holding the artifacts.")
        String container,

        @How(subPath = true) @JsonPropertyDescription(KeyPrefix.DESCRIPTION)
        String prefix,

        @Who @JsonPropertyDescription("Storage account key, as a secret reference.")
        SecretRef accountKey,

        @Who @JsonPropertyDescription("SAS token (with or without the leading '?'), as a secret reference.")
        SecretRef sasToken,

        @Who @JsonPropertyDescription("Connection string, as a secret reference; it also names the endpoint.")
        SecretRef connectionString,

        @Who
        @Matches(
                value = "default",
                means = "'default' (the pod's identity: environment, workload identity, managed identity)")
        @JsonPropertyDescription(
                "'default': the pod's identity, tried in DefaultAzureCredential's order: a service principal in AZURE_* variables, workload identity, managed identity. The default when no secret is given.")
        String credential,

        @How
        @Default("8388608")
        @Range(min = "1048576", max = "268435456")
        @JsonPropertyDescription(
                "Block size in bytes of uploads; a file larger than one block goes as parallel blocks, and a stream buffers one.")
        Integer blockSize,

        @How
        @Default("60s")
        @Range(min = "1s", max = "1h")
        @JsonPropertyDescription("Time allowed for one request attempt.")
        Duration tryTimeout,

        @How @JsonPropertyDescription("Parallelism and retries.")
        TransferSettings transfer)
        implements TransferSettings.Tunable {

    public AzureConfiguration {
        if (connectionString == null) {
            if ((endpoint == null) == (accountName == null)) {
                throw new ConfigurationException(
                        null,
                        endpoint == null
                                ? "one of 'endpoint' and 'accountName' is required"
                                : "give only one of 'endpoint' and 'accountName'");
            }
            if (endpoint != null) {
                URI uri = parseEndpoint(endpoint);
                if ("http".equals(uri.getScheme()) && accountKey == null && sasToken == null) {
                    throw new ConfigurationException(
                            null,
                            (credential == null
                                            ? "without accountKey or sasToken the driver uses "
                                                    + "'credential: default', whose"
                                            : "'credential: default' sends")
                                    + " bearer tokens, which Azure accepts only over "
                                    + "https: use an https endpoint, or accountKey/sasToken for an http emulator");
                }
            }
        } else if (endpoint != null || accountName != null) {
            throw new ConfigurationException(
                    null, "'connectionString' already names the account: remove 'endpoint' and 'accountName'");
        }
    }

    static URI parseEndpoint(String endpoint) {
        return HttpEndpoint.parse("endpoint", endpoint, "https://<account>.blob.core.windows.net");
    }

    String endpointUrl() {
        return endpoint != null ? endpoint : "https://" + accountName + ".blob.core.windows.net";
    }

    /** The account name: given, or read from the endpoint's host or (Azurite-style) first path segment. */
    String account() {
        if (accountName != null) {
            return accountName;
        }
        URI uri = parseEndpoint(endpoint);
        String host = uri.getHost();
        if (host.contains(".blob.")) {
            return host.substring(0, host.indexOf('.'));
        }
        String path = uri.getPath() == null ? "" : uri.getPath().replaceAll("^/+", "");
        if (!path.isEmpty()) {
            return path.split("/", 2)[0];
        }
        throw new ConfigurationException(
                "endpoint",
                "does not show the account name (use https://<account>.blob.core.windows.net or set accountName)");
    }
}
