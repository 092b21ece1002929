package dev.argoartifact.driver.hdfs;

import dev.argoartifact.common.storage.StagedWrites;
import dev.argoartifact.conformance.ArtifactDriverConformance;
import dev.argoartifact.conformance.ConformanceFixture;
import dev.argoartifact.conformance.InProcessFixture;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;

/** The whole conformance suite against a MiniDFSCluster, with simple authentication. */
class HdfsConformanceTest extends ArtifactDriverConformance {
    @Override
    protected ConformanceFixture createFixture() throws Exception {
        Path work = scratchDirectory("hdfs-conformance-");
        MiniHdfs hdfs = MiniHdfs.start(work, 1);
        hdfs.directory("/artifacts", MiniHdfs.USER, "755");
        return InProcessFixture.builder(new HdfsDriver(), work)
                .operatorConfiguration(hdfs.configuration("/artifacts"))
                .requiredFields("addresses", "basePath")
                .hostileDestination("addresses: [\"127.0.0.1:{port}\"]")
                .backend(backend(hdfs, "/artifacts"))
                .closeAfterwards(hdfs)
                .build();
    }

    /** The cluster as its superuser sees it. */
    static ConformanceFixture.Backend backend(MiniHdfs hdfs, String base) {
        return new ConformanceFixture.Backend() {
            @Override
            public void removeUnder(String keyPrefix) throws Exception {
                hdfs.admin().delete(new org.apache.hadoop.fs.Path(base + "/" + keyPrefix), true);
            }

            /**
             * Directories of another user, read-only to everyone else: the driver's user may not remove
             * what is in them.
             */
            @Override
            public boolean refuseDeletesUnder(String keyPrefix) throws Exception {
                FileSystem admin = hdfs.admin();
                org.apache.hadoop.fs.RemoteIterator<org.apache.hadoop.fs.LocatedFileStatus> files =
                        admin.listFiles(new org.apache.hadoop.fs.Path(base + "/" + keyPrefix), true);
                java.util.Set<org.apache.hadoop.fs.Path> directories = new java.util.HashSet<>();
                directories.add(new org.apache.hadoop.fs.Path(base + "/" + keyPrefix));
                while (files.hasNext()) {
                    directories.add(files.next().getPath().getParent());
                }
                for (org.apache.hadoop.fs.Path d : directories) {
                    admin.setOwner(d, "someone-else", "someone-else");
                    admin.setPermission(d, new org.apache.hadoop.fs.permission.FsPermission("755"));
                }
                return true;
            }

            @Override
            public Optional<Set<String>> unfinishedUploads() throws Exception {
                org.apache.hadoop.fs.Path staging = new org.apache.hadoop.fs.Path(base + "/" + StagedWrites.DIRECTORY);
                Set<String> staged = new TreeSet<>();
                if (hdfs.admin().exists(staging)) {
                    for (FileStatus s : hdfs.admin().listStatus(staging)) {
                        staged.add(s.getPath().getName());
                    }
                }
                return Optional.of(staged);
            }
        };
    }
}
