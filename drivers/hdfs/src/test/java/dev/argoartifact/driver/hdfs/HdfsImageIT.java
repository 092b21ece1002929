package dev.argoartifact.driver.hdfs;

import dev.argoartifact.images.DriverImageChecks;
import org.junit.jupiter.api.AfterAll;

/** The hdfs driver's image against a MiniDFSCluster on the host's loopback (bin/images test). */
class HdfsImageIT extends DriverImageChecks {
    private MiniHdfs hdfs;

    @Override
    protected String driver() {
        return "hdfs";
    }

    @Override
    protected long sizeBudgetMegabytes() {
        return 100;
    }

    @Override
    protected String badConfiguration() {
        return "timeout: 2d\n";
    }

    @Override
    protected String badConfigurationMessage() {
        return "field 'timeout' expected a duration";
    }

    @Override
    protected String operatorConfiguration() throws Exception {
        if (hdfs == null) {
            hdfs = MiniHdfs.start(work, 1);
            hdfs.directory("/artifacts", MiniHdfs.USER, "755");
        }
        return hdfs.configuration("/artifacts");
    }

    @AfterAll
    void stopCluster() {
        if (hdfs != null) {
            hdfs.close();
        }
    }
}
