package dev.argoartifact.driver.hdfs;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.hdfs.MiniDFSCluster;

/** A real HDFS (NameNode and DataNodes) in the test JVM, one per test class. */
final class MiniHdfs implements AutoCloseable {
    /** The user the driver authenticates as in simple mode; owns the artifact directory. */
    static final String USER = "argo";

    final MiniDFSCluster cluster;

    private MiniHdfs(MiniDFSCluster cluster) {
        this.cluster = cluster;
    }

    static MiniHdfs start(Path work, int dataNodes) throws IOException {
        return start(work, dataNodes, new Configuration());
    }

    static MiniHdfs start(Path work, int dataNodes, Configuration conf) throws IOException {
        conf.set(MiniDFSCluster.HDFS_MINIDFS_BASEDIR, work.resolve("hdfs").toString());
        conf.setBoolean("dfs.permissions.enabled", true);
        // Small blocks so a 1 GiB file spans several, as on a real cluster (128 MiB by default).
        conf.setLong("dfs.blocksize", 64L << 20);
        // One DataNode cannot replace itself in a pipeline; do not wait for one.
        conf.set("dfs.client.block.write.replace-datanode-on-failure.policy", "NEVER");
        MiniDFSCluster cluster = new MiniDFSCluster.Builder(conf)
                .numDataNodes(dataNodes)
                .format(true)
                .build();
        cluster.waitActive();
        return new MiniHdfs(cluster);
    }

    int port() {
        return cluster.getNameNodePort();
    }

    /** The cluster as its superuser (the user running the tests). */
    FileSystem admin() throws IOException {
        return cluster.getFileSystem();
    }

    /** Creates {@code path} owned by {@code owner} with the given mode. */
    void directory(String path, String owner, String mode) throws IOException {
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(path);
        admin().mkdirs(p);
        admin().setOwner(p, owner, "argo");
        admin().setPermission(p, new FsPermission(mode));
    }

    /** YAML for the driver in simple mode. */
    String configuration(String basePath, String... extraLines) {
        StringBuilder yaml = new StringBuilder()
                .append("addresses: [\"127.0.0.1:")
                .append(port())
                .append("\"]\n")
                .append("basePath: ")
                .append(basePath)
                .append('\n')
                .append("user: ")
                .append(USER)
                .append('\n')
                .append("timeout: 10s\n")
                .append("transfer: {maxAttempts: 3, initialBackoff: 100ms, maxBackoff: 1s}\n");
        for (String line : extraLines) {
            yaml.append(line).append('\n');
        }
        return yaml.toString();
    }

    @Override
    public void close() {
        cluster.shutdown(true);
    }
}
