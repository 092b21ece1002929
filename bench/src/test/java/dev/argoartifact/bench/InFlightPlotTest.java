package dev.argoartifact.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The plot that `bin/bench DRIVER plot` draws from InFlightSweep's rows. */
class InFlightPlotTest {
    @TempDir
    Path dir;

    @Test
    void drawsDriverAndPeerAtBothRoundTripsInOnePng() throws Exception {
        List<String> lines = new ArrayList<>(List.of(InFlightSweep.HEADER));
        for (int rtt : new int[] {0, 10}) {
            for (String tool : List.of("driver", "rclone")) {
                for (String direction : List.of("Save", "Load")) {
                    for (int n : InFlightSweep.IN_FLIGHT) {
                        double seconds = (rtt + 1) * (tool.equals("driver") ? 1.0 : 1.5) / n;
                        lines.add(String.format(Locale.ROOT, "%d,%s,%s,%d,%.3f", rtt, tool, direction, n, seconds));
                    }
                }
            }
        }
        Path csv = Files.write(dir.resolve("in-flight.csv"), lines);
        Path png = dir.resolve("plots/test-in-flight.png");

        InFlightPlot.main(new String[] {csv.toString(), "test", png.toString()});

        BufferedImage image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isEqualTo(900);
        assertThat(image.getHeight()).isEqualTo(760);
        assertThat(pixels(image, 0x1f77b4)).as("the driver's blue lines").isGreaterThan(200);
        assertThat(pixels(image, 0xff7f0e)).as("the peer's orange lines").isGreaterThan(200);
    }

    @Test
    void refusesAFileThatIsNotASweep() throws Exception {
        Path csv = Files.writeString(dir.resolve("other.csv"), "a,b\n1,2\n");
        assertThatThrownBy(() -> InFlightPlot.main(new String[] {
                    csv.toString(), "test", dir.resolve("x.png").toString()
                }))
                .hasMessageContaining("is not an InFlightSweep CSV");
        assertThat(dir.resolve("x.png")).doesNotExist();
    }

    private static int pixels(BufferedImage image, int rgb) {
        int count = 0;
        for (int y = 0; y < image.getHeight(); y++) {
            for (int x = 0; x < image.getWidth(); x++) {
                if ((image.getRGB(x, y) & 0xffffff) == rgb) {
                    count++;
                }
            }
        }
        return count;
    }
}
