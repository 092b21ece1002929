package dev.argoartifact.driver.hdfs;

import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.Destination;
import dev.argoartifact.common.config.HostPorts;
import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.storage.ArtifactStorage;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.hdfs.DistributedFileSystem;

/** Stores artifacts in HDFS. */
public final class HdfsDriver extends ArtifactDriver<HdfsConfiguration> {
    public HdfsDriver() {
        super("hdfs", HdfsConfiguration.class, HdfsStorage.class);
    }

    @Override
    public ArtifactStorage open(HdfsConfiguration c, SecretResolver secrets) throws IOException {
        Configuration conf = hadoopConfiguration(c);
        HadoopLogin login =
                c.kerberos() != null ? HadoopLogin.kerberos(conf, c.kerberos(), secrets) : HadoopLogin.simple(c.user());
        try {
            // Not FileSystem.get: Hadoop's cache would share (and let someone close) it; not
            // newInstance: fs.hdfs.impl in hadoopConfig could make hdfs:// another filesystem.
            DistributedFileSystem fs = login.run(() -> {
                DistributedFileSystem dfs = new DistributedFileSystem();
                dfs.initialize(URI.create(c.fileSystemUri()), conf); // the client is its last step: nothing left open
                return dfs;
            });
            return new HdfsStorage(fs, login, c.basePath());
        } catch (IOException | RuntimeException e) {
            login.close();
            throw e;
        }
    }

    /** The NameNodes' hosts (DataNodes are the ones the NameNode names). */
    @Override
    public List<Destination> destinations(HdfsConfiguration c) {
        return c.addresses().stream()
                .map(a -> Destination.host(HostPorts.host(a)))
                .toList();
    }

    /**
     * The Hadoop client settings a configuration stands for; no storage is contacted. The driver's
     * own defaults first, then hadoopConfig (the operator's, which may change them), then the typed
     * fields, which hadoopConfig may not name.
     */
    static Configuration hadoopConfiguration(HdfsConfiguration c) {
        Configuration conf = new Configuration();
        // ${env.NAME} and ${system.property} in any value would put the driver's environment (its
        // secrets among it) into settings, errors and logs: taken literally instead.
        conf.setRestrictSystemProperties(true);
        conf.addResource(HdfsDriver.class.getResource("/argo-artifact-hdfs-client.xml"));
        long timeoutMillis = c.timeout().toMillis();
        conf.set("dfs.client.socket-timeout", Long.toString(timeoutMillis));
        conf.set("ipc.client.connect.timeout", Long.toString(Math.min(timeoutMillis, 20_000)));
        String ns = c.nameserviceOrDefault();
        if (c.highAvailability()) {
            conf.set(
                    "dfs.client.failover.proxy.provider." + ns,
                    "org.apache.hadoop.hdfs.server.namenode.ha.ConfiguredFailoverProxyProvider");
            List<String> ids = new ArrayList<>();
            for (String address : c.addresses()) {
                String id = "nn" + ids.size();
                ids.add(id);
                conf.set("dfs.namenode.rpc-address." + ns + "." + id, HostPorts.withPort(address, 8020));
            }
            conf.set("dfs.ha.namenodes." + ns, String.join(",", ids));
        }
        HdfsConfiguration.SETTINGS.apply(c, conf::set);
        return conf;
    }
}
