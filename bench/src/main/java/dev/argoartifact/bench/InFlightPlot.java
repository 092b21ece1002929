package dev.argoartifact.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * Draws {@link InFlightSweep}'s CSV as one PNG: Save above Load, seconds against files in flight,
 * both on log scales; the driver in blue and its peer in orange, solid at the longer round trip
 * and dashed at the shorter. Run by {@code bin/bench DRIVER plot}: {@code CSV TITLE PNG}.
 */
public final class InFlightPlot {
    private static final Color DRIVER = new Color(0x1f77b4);
    private static final Color PEER = new Color(0xff7f0e);

    private InFlightPlot() {}

    public static void main(String[] args) throws IOException {
        if (args.length != 3) {
            throw new IllegalArgumentException("usage: InFlightPlot CSV TITLE PNG");
        }
        System.setProperty("java.awt.headless", "true");
        List<String[]> rows = read(Path.of(args[0]));
        long longest = rows.stream().mapToLong(r -> Long.parseLong(r[0])).max().orElse(0);

        LogAxis inFlight = new LogAxis("files in flight");
        inFlight.setBase(2);
        inFlight.setTickUnit(new NumberTickUnit(2)); // in log2 steps: 1, 4, 16, 64
        inFlight.setNumberFormatOverride(new DecimalFormat("0"));
        inFlight.setRange(0.8, 80);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(inFlight);
        plot.setGap(12);
        for (String direction : List.of("Save", "Load")) {
            plot.add(direction(rows, direction, longest));
        }
        JFreeChart chart = new JFreeChart(args[1], new Font(Font.SANS_SERIF, Font.BOLD, 15), plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        LegendTitle legend = chart.getLegend();
        legend.setPosition(RectangleEdge.BOTTOM);
        Path png = Path.of(args[2]);
        if (png.getParent() != null) {
            Files.createDirectories(png.getParent());
        }
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 900, 760);
        System.out.println("wrote " + png);
    }

    /** One panel: a series per tool and round trip, in the CSV's order. */
    private static XYPlot direction(List<String[]> rows, String direction, long longest) {
        Map<String, XYSeries> series = new LinkedHashMap<>();
        for (String[] r : rows) {
            if (r[2].equals(direction)) {
                String name = r[1] + ", " + r[0] + " ms round trip";
                series.computeIfAbsent(name, XYSeries::new).add(Double.parseDouble(r[3]), Double.parseDouble(r[4]));
            }
        }
        XYSeriesCollection data = new XYSeriesCollection();
        series.values().forEach(data::addSeries);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        int i = 0;
        for (String name : series.keySet()) {
            renderer.setSeriesPaint(i, name.startsWith("driver,") ? DRIVER : PEER);
            boolean far = name.endsWith(", " + longest + " ms round trip");
            renderer.setSeriesStroke(
                    i,
                    far
                            ? new BasicStroke(2.5f)
                            : new BasicStroke(
                                    2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {7f, 5f}, 0f));
            i++;
        }
        renderer.setDefaultSeriesVisibleInLegend(direction.equals("Save")); // one legend for both panels
        LogAxis seconds = new LogAxis(direction + ": seconds (lower is faster)");
        seconds.setBase(2);
        seconds.setTickUnit(new NumberTickUnit(1)); // each power of two labelled: 0.25, 0.5, 1, 2 ...
        seconds.setNumberFormatOverride(new DecimalFormat("0.###"));
        seconds.setSmallestValue(1.0 / 64);
        XYPlot panel = new XYPlot(data, null, seconds, renderer);
        panel.setBackgroundPaint(Color.WHITE);
        panel.setDomainGridlinePaint(Color.LIGHT_GRAY);
        panel.setRangeGridlinePaint(Color.LIGHT_GRAY);
        return panel;
    }

    private static List<String[]> read(Path csv) throws IOException {
        List<String> lines = Files.readAllLines(csv);
        if (lines.isEmpty() || !lines.getFirst().equals(InFlightSweep.HEADER)) {
            throw new IOException(csv + " is not an InFlightSweep CSV (first line " + InFlightSweep.HEADER + ")");
        }
        return lines.subList(1, lines.size()).stream()
                .filter(l -> !l.isBlank())
                .map(l -> l.split(",", -1))
                .toList();
    }
}
