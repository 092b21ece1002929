package dev.argoartifact.driver.s3;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.argoartifact.common.config.Default;
import dev.argoartifact.common.config.How;
import dev.argoartifact.common.config.HttpEndpoint;
import dev.argoartifact.common.config.KeyPrefix;
import dev.argoartifact.common.config.Matches;
import dev.argoartifact.common.config.OneOf;
import dev.argoartifact.common.config.OnlyWith;
import dev.argoartifact.common.config.Range;
import dev.argoartifact.common.config.Required;
import dev.argoartifact.common.config.SecretRef;
import dev.argoartifact.common.config.TextOrSecretRef;
import dev.argoartifact.common.config.Where;
import dev.argoartifact.common.config.Who;
import dev.argoartifact.common.transfer.TransferSettings;
import java.time.Duration;

/** Configuration of the S3 driver: Amazon S3, or any store that speaks its API. */
@OneOf({"accessKeyId", "credential"})
public record S3Configuration(
        @Required
        @Where
        @Matches(
                value = "(?!xn--)(?!.*\\.\\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]",
                means = "a valid bucket name: 3 to 63 lowercase letters, digits, '.' and '-', starting and ending"
                        + " with a letter or digit")
        @JsonPropertyDescription("Bucket holding the artifacts: its name alone, without s3:// or an ARN.")
        String bucket,

        @How(subPath = true) @JsonPropertyDescription(KeyPrefix.DESCRIPTION)
        String prefix,

        @Where
        @Default("us-east-1")
        @Matches(value = "[a-z0-9-]{1,32}", means = "a region name such as eu-west-1")
        @JsonPropertyDescription(
                "Region of the bucket, which requests are signed for; S3-compatible stores usually take us-east-1.")
        String region,

        @Where(destination = true)
        @JsonPropertyDescription(
                "Endpoint of an S3-compatible store (MinIO, Ceph RGW, R2, ...) or a private endpoint, e.g. https://minio.example.internal:9000. Unset: Amazon S3 in the region.")
        String endpoint,

        @Where
        @Default("false")
        @JsonPropertyDescription(
                "Address the bucket in the path (https://host/bucket/key) instead of the host name (https://bucket.host/key); most S3-compatible stores need true.")
        Boolean pathStyle,

        @Who
        @OnlyWith("secretAccessKey")
        @JsonPropertyDescription("Access key id of static credentials, inline or as a secret reference.")
        TextOrSecretRef accessKeyId,

        @Who
        @OnlyWith("accessKeyId")
        @JsonPropertyDescription("Secret access key of static credentials, as a secret reference.")
        SecretRef secretAccessKey,

        @Who
        @OnlyWith("accessKeyId")
        @JsonPropertyDescription("Session token of temporary static credentials, as a secret reference.")
        SecretRef sessionToken,

        @Who
        @Matches(value = "default", means = "'default'")
        @JsonPropertyDescription(
                "'default': the AWS SDK's chain (web identity/IRSA, EKS Pod Identity, container and instance profiles, the environment). Exclusive with accessKeyId.")
        String credential,

        @Who
        @Matches(value = "arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]{1,512}", means = "a role ARN")
        @JsonPropertyDescription(
                "Role to assume through STS, with the static or default credentials, e.g. arn:aws:iam::123456789012:role/argo-artifacts.")
        String roleArn,

        @Who @OnlyWith("roleArn") @JsonPropertyDescription("External id the role's trust policy requires, if any.")
        String externalId,

        @Where
        @Default("when_supported")
        @Matches(value = "when_supported|when_required", means = "when_supported or when_required")
        @JsonPropertyDescription(
                "Request and response checksums: when_supported (the AWS SDKs' default since 2025) or when_required, for S3-compatible stores that reject the newer checksum headers.")
        String checksums,

        @How
        @Default("8388608")
        @Range(min = "5242880", max = "268435456")
        @JsonPropertyDescription(
                "Part size in bytes of multipart uploads (objects up to one part go in one request); a stream buffers one part.")
        Integer partSize,

        @How
        @Default("60s")
        @Range(min = "1s", max = "1h")
        @JsonPropertyDescription(
                "A connection that stays silent this long fails the request as a transient error, which is retried.")
        Duration timeout,

        @How @JsonPropertyDescription("Parallelism and retries.")
        TransferSettings transfer)
        implements TransferSettings.Tunable {

    public S3Configuration {
        if (endpoint != null) {
            HttpEndpoint.parse("endpoint", endpoint, "https://minio.example.internal:9000");
        }
    }
}
