package dev.argoartifact.driver.hdfs;

import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.Destination;
import dev.argoartifact.common.config.ConfigurationException;
import dev.argoartifact.common.config.HostPorts;
import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.storage.ArtifactStorage;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.hdfs.DistributedFileSystem;

/** Stores artifacts in HDFS. */
public final class HdfsDriver implements ArtifactDriver<HdfsConfiguration> {
    @Override
    public String name() {
        return "hdfs";
    }

    @Override
    public Class<HdfsConfiguration> configurationType() {
        return HdfsConfiguration.class;
    }

    @Override
    public ArtifactStorage open(HdfsConfiguration c, SecretResolver secrets) throws IOException {
        Configuration conf = hadoopConfiguration(c);
        HadoopLogin.Identity identity;
        if (c.kerberos() != null) {
            HdfsConfiguration.Kerberos k = c.kerberos();
            identity = HadoopLogin.kerberos(
                    conf,
                    k.principal(),
                    secrets.resolve("kerberos.keytab", k.keytab()),
                    secrets.resolve("kerberos.krb5Conf", k.krb5Conf()));
        } else {
            identity = HadoopLogin.simple(conf, c.user());
        }
        URI uri = URI.create(c.fileSystemUri());
        FileSystem fs;
        try {
            // newInstance, not get: Hadoop's FileSystem cache would share (and let someone close) it.
            fs = identity.run(() -> FileSystem.newInstance(uri, conf));
        } catch (IOException | RuntimeException e) {
            identity.close();
            throw e;
        }
        if (!(fs instanceof DistributedFileSystem dfs)) {
            fs.close();
            identity.close();
            throw new ConfigurationException("fileSystemUri", "is not served by HDFS's DistributedFileSystem");
        }
        return new HdfsStorage(dfs, identity, c.basePath());
    }

    /** The NameNodes' hosts (DataNodes are the ones the NameNode names). */
    @Override
    public List<Destination> destinations(HdfsConfiguration c) {
        return c.addresses().stream()
                .map(a -> Destination.host(HostPorts.host(a)))
                .toList();
    }

    /** The Hadoop client settings a configuration stands for; no storage is contacted. */
    static Configuration hadoopConfiguration(HdfsConfiguration c) {
        Configuration conf = new Configuration();
        // ${env.NAME} and ${system.property} in any value would put the driver's environment (its
        // secrets among it) into settings, errors and logs: taken literally instead.
        conf.setRestrictSystemProperties(true);
        if (c.hadoopConfig() != null) {
            for (Map.Entry<String, String> e : c.hadoopConfig().entrySet()) {
                conf.set(e.getKey(), e.getValue(), "hadoopConfig");
            }
        }
        long timeoutMillis = c.timeout().toMillis();
        setUnlessGiven(conf, c, "dfs.client.socket-timeout", Long.toString(timeoutMillis));
        setUnlessGiven(conf, c, "ipc.client.connect.timeout", Long.toString(Math.min(timeoutMillis, 20_000)));
        // Hadoop retries a refused connection 10 times a second apart; the runtime's per-file retries
        // with backoff take over sooner, so a dead NameNode gives a clear error in seconds.
        setUnlessGiven(conf, c, "ipc.client.connect.max.retries", "2");
        setUnlessGiven(conf, c, "ipc.client.connect.max.retries.on.timeouts", "2");
        setUnlessGiven(conf, c, "dfs.client.retry.policy.enabled", "false");
        // Closing a file polls the NameNode until the DataNodes have reported its last block, first
        // after 400 ms by default: most of a small file's write time. Poll sooner (it backs off).
        setUnlessGiven(conf, c, "dfs.client.block.write.locateFollowingBlock.initial.delay.ms", "20");
        // Hadoop's shutdown hook would close the FileSystem under transfers still finishing after
        // SIGTERM ("Filesystem closed"); the runtime closes it itself once they are done.
        setUnlessGiven(conf, c, "fs.automatic.close", "false");
        if (c.highAvailability()) {
            String ns = c.nameserviceOrDefault();
            conf.set("dfs.nameservices", ns);
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < c.addresses().size(); i++) {
                String id = "nn" + i;
                ids.add(id);
                conf.set(
                        "dfs.namenode.rpc-address." + ns + "." + id,
                        HostPorts.withPort(c.addresses().get(i), 8020));
            }
            conf.set("dfs.ha.namenodes." + ns, String.join(",", ids));
            setUnlessGiven(
                    conf,
                    c,
                    "dfs.client.failover.proxy.provider." + ns,
                    "org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider");
        }
        conf.set("fs.defaultFS", c.fileSystemUri());
        if (c.kerberos() != null) {
            conf.set("dfs.namenode.kerberos.principal", c.kerberos().namenodePrincipal());
        }
        if (c.dataTransferProtection() != null) {
            conf.set("dfs.data.transfer.protection", c.dataTransferProtection());
        }
        if (c.rpcProtection() != null) {
            conf.set("hadoop.rpc.protection", c.rpcProtection());
        }
        if (c.replication() != null) {
            conf.setInt("dfs.replication", c.replication());
        }
        if (c.blockSize() != null) {
            conf.setLong("dfs.blocksize", c.blockSize());
        }
        return conf;
    }

    private static void setUnlessGiven(Configuration conf, HdfsConfiguration c, String key, String value) {
        if (c.hadoopConfig() == null || !c.hadoopConfig().containsKey(key)) {
            conf.set(key, value);
        }
    }

    @Override
    public Class<HdfsStorage> storageType() {
        return HdfsStorage.class;
    }
}
