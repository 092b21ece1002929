package dev.argoartifact.driver.s3;

import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.Destination;
import dev.argoartifact.common.secrets.Secret;
import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.storage.ArtifactStorage;
import dev.argoartifact.common.transfer.TransferSettings;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.SdkHttpClient;
import software.amazon.awssdk.http.apache5.Apache5HttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sts.StsClient;
import software.amazon.awssdk.services.sts.auth.StsAssumeRoleCredentialsProvider;

/** Stores artifacts in Amazon S3 and S3-compatible storage. */
public final class S3Driver extends ArtifactDriver<S3Configuration> {
    public S3Driver() {
        super("s3", S3Configuration.class, S3Storage.class);
    }

    @Override
    public ArtifactStorage open(S3Configuration c, SecretResolver secrets) {
        // One HTTP client for S3 and STS; as many connections as the runtime's parts in flight.
        TransferSettings transfer = transferSettings(c);
        SdkHttpClient http = Apache5HttpClient.builder()
                .maxConnections(transfer.filesInFlight() * transfer.partsPerFile())
                .socketTimeout(c.timeout())
                .build();
        Region region = Region.of(c.region());
        List<AutoCloseable> resources = new ArrayList<>(List.of(http));
        AwsCredentialsProvider credentials = credentials(c, secrets, http, region, resources);
        boolean whenRequired = "when_required".equals(c.checksums());
        S3Client s3 = S3Client.builder()
                .httpClient(http)
                .region(region)
                .credentialsProvider(credentials)
                .endpointOverride(c.endpoint() == null ? null : URI.create(c.endpoint()))
                .forcePathStyle(c.pathStyle())
                .requestChecksumCalculation(
                        whenRequired
                                ? RequestChecksumCalculation.WHEN_REQUIRED
                                : RequestChecksumCalculation.WHEN_SUPPORTED)
                .responseChecksumValidation(
                        whenRequired
                                ? ResponseChecksumValidation.WHEN_REQUIRED
                                : ResponseChecksumValidation.WHEN_SUPPORTED)
                // One retry layer: the runtime's. The SDK tries each request once.
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        DirectReads direct = DirectReads.forBucket(s3, http, credentials, c.region(), c.bucket(), !whenRequired);
        return new S3Storage(s3, resources, c.bucket(), c.prefix(), c.partSize(), !whenRequired, direct);
    }

    /**
     * Static keys or the SDK's default chain, either of them optionally assuming a role. Nothing
     * is fetched here: the chain and STS are asked on the first request, so a driver that is only
     * started (init containers, health checks) never probes the metadata server.
     */
    static AwsCredentialsProvider credentials(
            S3Configuration c, SecretResolver secrets, SdkHttpClient http, Region region, List<AutoCloseable> opened) {
        AwsCredentialsProvider base;
        if (c.accessKeyId() != null) {
            String id = secrets.resolve("accessKeyId", c.accessKeyId()).text();
            String key = secrets.resolve("secretAccessKey", c.secretAccessKey()).text();
            Secret token = secrets.resolveIfSet("sessionToken", c.sessionToken());
            base = StaticCredentialsProvider.create(
                    token == null
                            ? AwsBasicCredentials.create(id, key)
                            : AwsSessionCredentials.create(id, key, token.text()));
        } else {
            DefaultCredentialsProvider chain =
                    DefaultCredentialsProvider.builder().build();
            opened.add(chain);
            base = chain;
        }
        String source = c.accessKeyId() != null ? "accessKeyId" : "credential: default";
        if (c.roleArn() == null) {
            return new Guarded(base, source);
        }
        StsClient sts = StsClient.builder()
                .httpClient(http)
                .region(region)
                .credentialsProvider(base)
                .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
                .build();
        opened.add(sts);
        StsAssumeRoleCredentialsProvider role = StsAssumeRoleCredentialsProvider.builder()
                .stsClient(sts)
                .refreshRequest(r ->
                        r.roleArn(c.roleArn()).roleSessionName("argo-artifact").externalId(c.externalId()))
                .asyncCredentialUpdateEnabled(false)
                .build();
        opened.add(role);
        return new Guarded(role, "roleArn (with " + source + ")");
    }

    /** Credentials that could not be obtained, from which configured source; never retried. */
    static final class CredentialsUnavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        CredentialsUnavailable(String source, RuntimeException cause) {
            super("the credentials could not be obtained from " + source, cause);
        }
    }

    /** Marks a failure to obtain credentials by type, wherever the SDK wraps it. */
    private record Guarded(AwsCredentialsProvider provider, String source) implements AwsCredentialsProvider {
        @Override
        public AwsCredentials resolveCredentials() {
            try {
                return provider.resolveCredentials();
            } catch (RuntimeException e) {
                throw new CredentialsUnavailable(source, e);
            }
        }
    }

    /** The host requests go to (with the bucket in it, unless path-style), and STS's for a role. */
    @Override
    public List<Destination> destinations(S3Configuration c) {
        String host = c.endpoint() != null ? URI.create(c.endpoint()).getHost() : "s3." + c.region() + ".amazonaws.com";
        List<Destination> hosts =
                new ArrayList<>(List.of(Destination.host(c.pathStyle() ? host : c.bucket() + "." + host)));
        if (c.roleArn() != null) {
            hosts.add(Destination.host("sts." + c.region() + ".amazonaws.com"));
        }
        return hosts;
    }
}
