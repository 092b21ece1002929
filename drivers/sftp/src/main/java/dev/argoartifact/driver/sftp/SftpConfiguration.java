package dev.argoartifact.driver.sftp;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.argoartifact.common.config.AbsolutePath;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.config.Default;
import dev.argoartifact.common.config.How;
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

/** Configuration of the SFTP driver. */
@OneOf({"password", "privateKey"})
public record SftpConfiguration(
        @Required @Where(destination = true) @JsonPropertyDescription("SFTP server host name or address.")
        String host,

        @Where(destination = true) @Default("22") @Range(min = "1", max = "65535") @JsonPropertyDescription("SSH port.")
        Integer port,

        @Required @Who @JsonPropertyDescription("User to log in as.")
        String username,

        @Required
        @AbsolutePath
        @Where
        @JsonPropertyDescription("Absolute directory on the server under which all keys live.")
        String basePath,

        @Who @JsonPropertyDescription("Password, as a secret reference. Exactly one of password and privateKey.")
        SecretRef password,

        @Who @JsonPropertyDescription("Private key (OpenSSH or PEM format), as a secret reference.")
        SecretRef privateKey,

        @Who @OnlyWith("privateKey") @JsonPropertyDescription("Passphrase of the private key, as a secret reference.")
        SecretRef passphrase,

        @Who
        @JsonPropertyDescription(
                "The server's host keys in known_hosts format: inline entries or a secret reference. Required unless insecureIgnoreHostKey is true.")
        TextOrSecretRef knownHosts,

        @Who
        @Default("false")
        @JsonPropertyDescription(
                "Accept any host key (vulnerable to man-in-the-middle; logs a warning on every connection).")
        Boolean insecureIgnoreHostKey,

        @How
        @Default("15s")
        @Range(min = "1s", max = "10m")
        @JsonPropertyDescription("Time allowed to connect and authenticate.")
        Duration connectTimeout,

        @How
        @Default("30s")
        @Range(min = "1s", max = "1h")
        @JsonPropertyDescription("A call on a connection that stays silent this long fails as a dropped connection.")
        Duration readTimeout,

        @How
        @Default("2")
        @Range(min = "1", max = "16")
        @JsonPropertyDescription(
                "SSH connections open at once, each with up to channelsInFlight channels (servers limit connections per user).")
        Integer connections,

        @How
        @Default("8")
        @Range(min = "1", max = "10")
        @JsonPropertyDescription("SFTP channels open at once on each SSH connection (OpenSSH's MaxSessions is 10).")
        Integer channelsInFlight,

        @How
        @Default("64")
        @Range(min = "1", max = "1024")
        @JsonPropertyDescription(
                "Outstanding read/write requests per channel (64 to 128 is 3 to 4 times faster than JSch's 16).")
        Integer bulkRequests,

        @How @JsonPropertyDescription("Parallelism and retries.")
        TransferSettings transfer)
        implements TransferSettings.Tunable {

    public SftpConfiguration {
        if (knownHosts == null && !Boolean.TRUE.equals(insecureIgnoreHostKey)) {
            throw new ConfigurationException(
                    "knownHosts",
                    "is required (host keys are always checked unless "
                            + "'insecureIgnoreHostKey: true' is set explicitly)");
        }
    }

    boolean insecure() {
        return Boolean.TRUE.equals(insecureIgnoreHostKey);
    }
}
