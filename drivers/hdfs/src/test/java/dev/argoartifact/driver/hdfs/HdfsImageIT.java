package dev.argoartifact.driver.hdfs;

import dev.argoartifact.images.DriverImageChecks;

/** The hdfs driver's image against a MiniDFSCluster on the host's loopback (bin/images test). */
class HdfsImageIT extends DriverImageChecks {

    HdfsImageIT() {
        super("hdfs", 100, "timeout: 2d\n", "field 'timeout' expected a duration");
    }

    @Override
    protected String startBackend() throws Exception {
        MiniHdfs hdfs = closeAfterwards(MiniHdfs.start(work, 1));
        hdfs.directory("/artifacts", MiniHdfs.USER, "755");
        return hdfs.configuration("/artifacts");
    }
}
