package dev.argoartifact.common.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Idle channels close before their sessions; sessions close when the whole pool is idle. */
class ChannelPoolTest {
    /** Sessions and channels as numbers; the open ones are remembered. */
    private static final class Counting implements ChannelPool.Connector<Integer, Integer> {
        final AtomicInteger sessions = new AtomicInteger();
        final AtomicInteger channels = new AtomicInteger();
        final Set<Integer> openSessions = ConcurrentHashMap.newKeySet();
        final Set<Integer> openChannels = ConcurrentHashMap.newKeySet();

        @Override
        public Integer connect() {
            int s = sessions.incrementAndGet();
            openSessions.add(s);
            return s;
        }

        @Override
        public Integer openChannel(Integer session) {
            int c = channels.incrementAndGet();
            openChannels.add(c);
            return c;
        }

        @Override
        public boolean isSessionOpen(Integer session) {
            return openSessions.contains(session);
        }

        @Override
        public boolean isChannelOpen(Integer channel) {
            return openChannels.contains(channel);
        }

        @Override
        public void closeChannel(Integer channel) {
            openChannels.remove(channel);
        }

        @Override
        public void closeSession(Integer session) {
            openSessions.remove(session);
        }
    }

    private static void await(String what, java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime()).as(what).isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    private static ChannelPool<Integer, Integer> pool(
            Counting connector, int sessions, int channels, Duration channelIdle, Duration sessionIdle) {
        return new ChannelPool<>("test", "connections", sessions, channels, connector, channelIdle, sessionIdle);
    }

    @Test
    void idleChannelsCloseWhileTheirSessionStays() throws Exception {
        Counting connector = new Counting();
        try (ChannelPool<Integer, Integer> pool =
                pool(connector, 1, 4, Duration.ofMillis(200), Duration.ofMinutes(1))) {
            List<ChannelPool<Integer, Integer>.Lease> leases = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                leases.add(pool.lease());
            }
            leases.forEach(ChannelPool.Lease::close);
            assertThat(connector.openChannels)
                    .as("given back, kept for the next lease")
                    .hasSize(3);

            await("idle channels closed", connector.openChannels::isEmpty);
            assertThat(connector.openSessions).as("the session stays").containsExactly(1);

            try (ChannelPool<Integer, Integer>.Lease again = pool.lease()) {
                assertThat(again.channel()).as("a new channel").isEqualTo(4);
                assertThat(connector.sessions).as("on the same session").hasValue(1);
            }
        }
        assertThat(connector.openSessions).isEmpty();
    }

    @Test
    void aChannelInUseIsNeverClosedAndTheLastGivenBackIsReusedFirst() throws Exception {
        Counting connector = new Counting();
        try (ChannelPool<Integer, Integer> pool =
                pool(connector, 1, 4, Duration.ofMillis(200), Duration.ofMinutes(1))) {
            ChannelPool<Integer, Integer>.Lease held = pool.lease();
            ChannelPool<Integer, Integer>.Lease first = pool.lease();
            ChannelPool<Integer, Integer>.Lease second = pool.lease();
            first.close();
            second.close();
            try (ChannelPool<Integer, Integer>.Lease next = pool.lease()) {
                assertThat(next.channel()).as("the last one given back").isEqualTo(second.channel());
            }
            await("the channels left idle closed", () -> connector.openChannels.size() == 1);
            assertThat(connector.openChannels).as("the leased one stays").containsExactly(held.channel());
            held.close();
        }
    }

    @Test
    void sessionsCloseWhenThePoolIsLeftIdle() throws Exception {
        Counting connector = new Counting();
        try (ChannelPool<Integer, Integer> pool =
                pool(connector, 2, 1, Duration.ofMinutes(1), Duration.ofMillis(300))) {
            ChannelPool<Integer, Integer>.Lease a = pool.lease();
            ChannelPool<Integer, Integer>.Lease b = pool.lease();
            assertThat(connector.openSessions).hasSize(2);
            a.close();
            b.close();
            await("sessions closed", connector.openSessions::isEmpty);
            assertThat(connector.openChannels).isEmpty();
        }
    }
}
