package dev.demandlayering.cli;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/** The memory-delay curves of a bench run: per model set and weight precision, median latency against the arena size (the budget). */
final class BenchPlot {
    private BenchPlot() {
    }

    static void write(Path png, List<BenchCommand.Row> rows) throws IOException {
        Map<String, XYSeries> sets = new LinkedHashMap<>();
        for (BenchCommand.Row r : rows) {
            if (r.config().startsWith("sequential")) continue; // not on the trade-off curve
            // float16 weights make a curve of their own
            String name = r.config().endsWith("fp16 weights") ? r.set() + ", fp16 weights" : r.set();
            sets.computeIfAbsent(name, s -> new XYSeries(s, true, true)).add(r.arenaBytes() / 1048576.0, r.medianMs());
        }
        XYSeriesCollection data = new XYSeriesCollection();
        sets.values().forEach(data::addSeries);
        lineChart(png, "Memory-delay trade-off", "arena size (MiB)", "median frame latency (ms)", data, 900, 560);
    }

    /** One line with points per series, on white with grey grid lines, saved as PNG. */
    static void lineChart(Path png, String title, String xLabel, String yLabel, XYSeriesCollection data, int width, int height) throws IOException {
        JFreeChart chart = ChartFactory.createXYLineChart(title, xLabel, yLabel, data, PlotOrientation.VERTICAL, true, false, false);
        XYPlot plot = chart.getXYPlot();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < data.getSeriesCount(); i++) renderer.setSeriesStroke(i, new BasicStroke(2f));
        plot.setRenderer(renderer);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDomainGridlinePaint(Color.LIGHT_GRAY);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, width, height);
    }
}
