package dev.argoartifact.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The proxy's delay adds latency per direction and leaves bandwidth alone. */
class TcpProxyTest {
    /** Echoes every connection's bytes back, on a loopback port. */
    private static ServerSocket echoServer() throws Exception {
        ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    s.setTcpNoDelay(true);
                    Thread echo = new Thread(() -> {
                        try (s;
                                InputStream in = s.getInputStream();
                                OutputStream out = s.getOutputStream()) {
                            in.transferTo(out);
                        } catch (Exception closed) {
                            // The client went away.
                        }
                    });
                    echo.setDaemon(true);
                    echo.start();
                } catch (Exception closed) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
        return server;
    }

    /** Seconds for one byte there and back, and for {@code bulk} bytes sent while read back. */
    private static double[] measure(int port, int bulk) throws Exception {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setTcpNoDelay(true);
            s.getOutputStream().write(1);
            s.getInputStream().read(); // warms the connection
            long t = System.nanoTime();
            s.getOutputStream().write(2);
            assertThat(s.getInputStream().read()).isEqualTo(2);
            double roundTrip = (System.nanoTime() - t) / 1e9;
            Thread writer = new Thread(() -> {
                try {
                    s.getOutputStream().write(new byte[bulk]);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            });
            t = System.nanoTime();
            writer.start();
            byte[] back = s.getInputStream().readNBytes(bulk);
            double transfer = (System.nanoTime() - t) / 1e9;
            writer.join();
            assertThat(back).hasSize(bulk);
            return new double[] {roundTrip, transfer};
        }
    }

    @Test
    void aDelayAddsItsRoundTripButNoBandwidthLimit() throws Exception {
        int bulk = 64 << 20;
        try (ServerSocket echo = echoServer();
                TcpProxy plain = new TcpProxy(echo.getLocalPort());
                TcpProxy delayed = new TcpProxy(echo.getLocalPort(), Duration.ofMillis(25))) {
            double[] direct = measure(plain.port(), bulk);
            double[] far = measure(delayed.port(), bulk);
            assertThat(far[0]).as("one round trip through 25 ms each way").isBetween(0.050, 0.5);
            // 64 MiB pipelined: the delay is paid about once, not per chunk (1,024 chunks would be 51 s).
            assertThat(far[1]).as("64 MiB through the delayed proxy").isLessThan(direct[1] + 2.0);
        }
    }
}
