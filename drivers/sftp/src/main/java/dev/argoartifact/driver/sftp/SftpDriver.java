package dev.argoartifact.driver.sftp;

import dev.argoartifact.common.ArtifactDriver;
import dev.argoartifact.common.Destination;
import dev.argoartifact.common.pool.ChannelPool;
import dev.argoartifact.common.secrets.SecretResolver;
import dev.argoartifact.common.storage.ArtifactStorage;
import java.util.List;

/** Stores artifacts on an SFTP server. */
public final class SftpDriver extends ArtifactDriver<SftpConfiguration> {
    public SftpDriver() {
        super("sftp", SftpConfiguration.class, SftpStorage.class);
    }

    @Override
    public ArtifactStorage open(SftpConfiguration c, SecretResolver secrets) {
        String endpoint = c.host() + ":" + c.port();
        SftpConnector connector = new SftpConnector(c, secrets, endpoint);
        return new SftpStorage(
                new ChannelPool<>("sftp-" + endpoint, "connections", c.connections(), c.channelsInFlight(), connector),
                endpoint,
                c.basePath(),
                c.bulkRequests());
    }

    @Override
    public List<Destination> destinations(SftpConfiguration c) {
        return List.of(Destination.host(c.host()));
    }
}
