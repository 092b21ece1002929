package dev.argoartifact.driver.hdfs;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import dev.argoartifact.common.config.AbsolutePath;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.config.Default;
import dev.argoartifact.common.config.HostPorts;
import dev.argoartifact.common.config.How;
import dev.argoartifact.common.config.Matches;
import dev.argoartifact.common.config.OneOf;
import dev.argoartifact.common.config.Range;
import dev.argoartifact.common.config.Required;
import dev.argoartifact.common.config.SdkSettings;
import dev.argoartifact.common.config.SecretRef;
import dev.argoartifact.common.config.Where;
import dev.argoartifact.common.config.Who;
import dev.argoartifact.common.transfer.TransferSettings;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Configuration of the HDFS driver. */
@OneOf({"user", "kerberos"})
public record HdfsConfiguration(
        @Required
        @Where(destination = true)
        @JsonPropertyDescription(
                "NameNode RPC addresses as host:port (port 8020 when omitted). Two or more form an HA nameservice with client-side failover.")
        List<String> addresses,

        @Where
        @Matches(value = "[A-Za-z0-9][A-Za-z0-9-]*", means = "a plain name of letters, digits and '-'")
        @JsonPropertyDescription(
                "Logical name of the HA nameservice the addresses belong to (default 'argo-artifact' when there are several addresses). Must match the name in Kerberos service principals that use it.")
        String nameservice,

        @Required @AbsolutePath @Where @JsonPropertyDescription("Absolute HDFS directory under which all keys live.")
        String basePath,

        @Who
        @JsonPropertyDescription(
                "User for simple (non-Kerberos) authentication. Files are created as this user. Not used with kerberos.")
        String user,

        @Who @JsonPropertyDescription("Kerberos authentication from a keytab. Mutually exclusive with user.")
        Kerberos kerberos,

        @How
        @Range(min = "1", max = "512")
        @JsonPropertyDescription("Replication factor of new files (unset: the cluster's dfs.replication).")
        Integer replication,

        @How
        @Range(min = "1048576")
        @JsonPropertyDescription(
                "Block size of new files in bytes, a multiple of 512 (unset: the cluster's dfs.blocksize).")
        Long blockSize,

        @How
        @Default("30s")
        @Range(min = "1s", max = "1h")
        @JsonPropertyDescription(
                "A NameNode or DataNode that stays silent this long fails the call as a transient error, which is retried.")
        Duration timeout,

        @Where(operatorOnly = true)
        @JsonPropertyDescription(
                "Escape hatch, for the operator only: any other Hadoop client setting (key: value), applied before the typed fields. Keys owned by a typed field are refused; ${...} in values is taken literally.")
        Map<String, String> hadoopConfig,

        @How @JsonPropertyDescription("Parallelism and retries.")
        TransferSettings transfer)
        implements TransferSettings.Tunable {

    static final String DEFAULT_NAMESERVICE = "argo-artifact";
    static final String PROTECTION = "authentication|integrity|privacy";
    static final String PRINCIPAL = "[^@\\s]+@[^@\\s]+";

    /**
     * Every Hadoop key a typed field sets: the driver applies them after hadoopConfig, and
     * hadoopConfig may not name them, so there is no way around the Kerberos checks.
     */
    static final SdkSettings<HdfsConfiguration> SETTINGS = new SdkSettings<>(
                    "hadoopConfig", HdfsConfiguration::hadoopConfig)
            .ownPrefix("dfs.namenode.rpc-address.", "addresses")
            .ownPrefix("dfs.ha.namenodes.", "addresses")
            .set("fs.defaultFS", "addresses", HdfsConfiguration::fileSystemUri)
            .set("dfs.nameservices", "nameservice", c -> c.highAvailability() ? c.nameserviceOrDefault() : null)
            .set("hadoop.security.authentication", "kerberos", c -> c.kerberos() != null ? "kerberos" : "simple")
            .set("hadoop.security.authorization", "kerberos", c -> c.kerberos() != null ? "true" : null)
            .set(
                    "dfs.namenode.kerberos.principal",
                    "kerberos.namenodePrincipal",
                    c -> c.kerberos(Kerberos::namenodePrincipal))
            .set("hadoop.rpc.protection", "kerberos.rpcProtection", c -> c.kerberos(Kerberos::rpcProtection))
            .set(
                    "dfs.data.transfer.protection",
                    "kerberos.dataTransferProtection",
                    c -> c.kerberos(Kerberos::dataTransferProtection))
            .set("dfs.replication", "replication", HdfsConfiguration::replication)
            .set("dfs.blocksize", "blockSize", HdfsConfiguration::blockSize);

    public HdfsConfiguration {
        if (addresses != null) {
            HostPorts.validate("addresses", addresses, "namenode.example.com:8020");
        }
        if (blockSize != null && blockSize % 512 != 0) {
            throw new ConfigurationException("blockSize", "must be a multiple of 512 bytes");
        }
        SETTINGS.checkEscapeHatch(hadoopConfig);
    }

    /** hdfs://host:port for one NameNode, hdfs://nameservice for several. */
    String fileSystemUri() {
        return "hdfs://"
                + (highAvailability() ? nameserviceOrDefault() : HostPorts.withPort(addresses.getFirst(), 8020));
    }

    private Object kerberos(Function<Kerberos, Object> field) {
        return kerberos == null ? null : field.apply(kerberos);
    }

    boolean highAvailability() {
        return addresses.size() > 1 || nameservice != null;
    }

    String nameserviceOrDefault() {
        return nameservice != null ? nameservice : DEFAULT_NAMESERVICE;
    }

    /** Kerberos login from a keytab. */
    public record Kerberos(
            @Required
            @Matches(value = PRINCIPAL, means = "name@REALM (the realm is required, for example argo@EXAMPLE.COM)")
            @JsonPropertyDescription("The client's principal, name@REALM (for example argo/workflows@EXAMPLE.COM).")
            String principal,

            @Required @JsonPropertyDescription("The principal's keytab, as a secret reference (binary keytab file).")
            SecretRef keytab,

            @Required
            @JsonPropertyDescription(
                    "krb5.conf naming the realm's KDCs, as a secret reference (usually file: from a mounted ConfigMap). One krb5.conf per driver process.")
            SecretRef krb5Conf,

            @Required
            @Matches(value = PRINCIPAL, means = "service/host@REALM (for example nn/_HOST@EXAMPLE.COM)")
            @JsonPropertyDescription(
                    "The NameNode's service principal, for example nn/_HOST@EXAMPLE.COM (dfs.namenode.kerberos.principal).")
            String namenodePrincipal,

            @Matches(value = PROTECTION, means = "one of authentication, integrity, privacy")
            @JsonPropertyDescription(
                    "SASL protection of NameNode RPC: authentication, integrity or privacy (hadoop.rpc.protection). Must match the cluster.")
            String rpcProtection,

            @Matches(value = PROTECTION, means = "one of authentication, integrity, privacy")
            @JsonPropertyDescription(
                    "SASL protection of DataNode transfers: authentication, integrity or privacy (dfs.data.transfer.protection). Must match the cluster.")
            String dataTransferProtection) {}
}
