package dev.argoartifact.driver.hdfs;

import dev.argoartifact.testkit.conformance.ArtifactDriverConformance;
import dev.argoartifact.testkit.conformance.ConformanceFixture;
import dev.argoartifact.testkit.conformance.InProcessFixture;
import java.nio.file.Path;

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
        .closeAfterwards(hdfs)
        .build();
  }
}
