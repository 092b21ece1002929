package dev.argoartifact.driver.gcs;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.argoartifact.common.config.Default;
import dev.argoartifact.common.config.How;
import dev.argoartifact.common.config.HttpEndpoint;
import dev.argoartifact.common.config.KeyPrefix;
import dev.argoartifact.common.config.Matches;
import dev.argoartifact.common.config.Range;
import dev.argoartifact.common.config.Required;
import dev.argoartifact.common.config.SecretRef;
import dev.argoartifact.common.config.Where;
import dev.argoartifact.common.config.Who;
import dev.argoartifact.common.transfer.TransferSettings;

/** Configuration of the Google Cloud Storage driver. */
public record GcsConfiguration(
        @Required
        @Where
        @Matches(
                value = "(?!goog)(?!.*\\.\\.)(?=[^.]{3,63}$|.*\\.)[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]",
                means = "a valid bucket name: 3 to 63 lowercase letters, digits, '-', '_' and '.' (up to 222 with"
                        + " dots), starting and ending with a letter or digit, not starting with 'goog'")
        @JsonPropertyDescription("Cloud Storage bucket holding the artifacts: its name alone, without gs://.")
        String bucket,

        @How(subPath = true) @JsonPropertyDescription(KeyPrefix.DESCRIPTION)
        String prefix,

        @Where @JsonPropertyDescription("Project of the bucket (optional; taken from the credentials otherwise).")
        String projectId,

        @Who @JsonPropertyDescription("Project billed for requests to a requester-pays bucket.")
        String userProject,

        @Who
        @JsonPropertyDescription(
                "Service account key (JSON), as a secret reference. Without it, Application Default Credentials are used (GKE Workload Identity, metadata server, GOOGLE_APPLICATION_CREDENTIALS).")
        SecretRef serviceAccountKey,

        @Where(destination = true)
        @JsonPropertyDescription(
                "Endpoint override for private endpoints and emulators, e.g. https://storage.example.internal.")
        String endpoint,

        @How
        @Default("8388608")
        @Range(min = "5242880", max = "268435456")
        @JsonPropertyDescription(
                "Part size in bytes of XML API multipart uploads (objects up to one part go in one request); a stream buffers one part.")
        Integer partSize,

        @How
        @Default("true")
        @JsonPropertyDescription(
                "Delete directories with batch requests of up to 100 objects; turn off for endpoints without the batch API.")
        Boolean batchDelete,

        @How
        @JsonPropertyDescription(
                "Parallelism and retries (parallelReadThreshold, parallelReadPartSize and maxUnflushedBytes tune ranged downloads).")
        TransferSettings transfer)
        implements TransferSettings.Tunable {

    public GcsConfiguration {
        if (endpoint != null) {
            HttpEndpoint.parse("endpoint", endpoint, "https://storage.example.internal");
        }
    }
}
