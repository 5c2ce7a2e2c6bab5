package dev.demandlayering.ros.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

/**
 * The replay report: per-frame and overall latency percentiles, arena peak and stall share, as report.md (to
 * read), report.json (to compare runs) and latency.png (per-frame latency, stall and arena use over the bag).
 */
public final class ReplayReport {
    /** Overall figures of a replay. */
    public record Summary(int frames, long invalid, long dropped, double p50, double p95, double p99, double maxLatency, double meanLatency,
                          long arenaBytes, long peakBytes, double stallShare, long bytesRead, long skippedChunks, boolean truncated) {
    }

    private ReplayReport() {
    }

    public static Summary summarize(Replayer.Result r) {
        double[] lat = r.frames().stream().mapToDouble(FrameRecord::latencyMs).sorted().toArray();
        double total = Arrays.stream(lat).sum();
        double stall = r.frames().stream().mapToDouble(FrameRecord::stallMs).sum();
        return new Summary(r.frames().size(), r.invalidFrames(), r.droppedFrames(), percentile(lat, 50), percentile(lat, 95), percentile(lat, 99),
                lat.length == 0 ? 0 : lat[lat.length - 1], lat.length == 0 ? 0 : total / lat.length,
                r.frames().stream().mapToLong(FrameRecord::arenaBytes).max().orElse(0), r.frames().stream().mapToLong(FrameRecord::peakBytes).max().orElse(0),
                total == 0 ? 0 : stall / total, r.frames().stream().mapToLong(FrameRecord::bytesRead).sum(), r.bagReport().skippedChunks(),
                r.bagReport().truncated());
    }

    /** Nearest-rank percentile of sorted values. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) return 0;
        int rank = (int) Math.ceil(p / 100 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Writes report.md, report.json and latency.png into {@code dir}; returns the summary. */
    public static Summary write(Path dir, String bag, Replayer.Result r) throws IOException {
        Files.createDirectories(dir);
        Summary s = summarize(r);
        Files.writeString(dir.resolve("report.md"), markdown(bag, r, s));
        ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = json.createObjectNode();
        root.put("bag", bag);
        root.set("summary", json.valueToTree(s));
        root.putPOJO("cameras", r.cameras());
        root.putPOJO("bag_warnings", r.bagReport().warnings());
        ArrayNode frames = root.putArray("frames");
        for (FrameRecord f : r.frames()) frames.add(json.valueToTree(f));
        json.writeValue(dir.resolve("report.json").toFile(), root);
        plot(dir.resolve("latency.png"), r.frames());
        return s;
    }

    static String markdown(String bag, Replayer.Result r, Summary s) {
        StringBuilder md = new StringBuilder();
        md.append("# Replay report\n\n");
        md.append("Bag: `").append(bag).append("`, cameras: ").append(String.join(", ", r.cameras())).append("\n\n");
        md.append("| frames | invalid | dropped | p50 ms | p95 ms | p99 ms | max ms | arena bytes | peak bytes | stall share | bytes read | bad chunks |\n");
        md.append("|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        md.append(String.format(Locale.ROOT, "| %d | %d | %d | %.1f | %.1f | %.1f | %.1f | %d | %d | %.1f%% | %d | %d%s |%n%n", s.frames(), s.invalid(),
                s.dropped(), s.p50(), s.p95(), s.p99(), s.maxLatency(), s.arenaBytes(), s.peakBytes(), 100 * s.stallShare(), s.bytesRead(),
                s.skippedChunks(), s.truncated() ? " (bag truncated)" : ""));
        md.append("Latency is the frame's time through all models (Session); stall is the part spent waiting for weights.\n\n");
        md.append("![per-frame latency and arena use](latency.png)\n\n");
        if (!r.bagReport().warnings().isEmpty()) {
            md.append("## Bag warnings\n\n");
            for (String w : r.bagReport().warnings()) md.append("- ").append(w).append('\n');
            md.append('\n');
        }
        md.append("## Frames\n\n| # | camera | stamp | latency ms | stall ms | peak bytes | read bytes | outputs |\n|---|---|---|---|---|---|---|---|\n");
        for (FrameRecord f : r.frames()) {
            md.append(String.format(Locale.ROOT, "| %d | %s | %d.%09d | %.1f | %.1f | %d | %d | %s |%n", f.index(), f.camera(), f.stampSec(), f.stampNanosec(),
                    f.latencyMs(), f.stallMs(), f.peakBytes(), f.bytesRead(), String.join("; ", f.summaries())));
        }
        return md.toString();
    }

    static void plot(Path png, List<FrameRecord> frames) throws IOException {
        XYSeries latency = new XYSeries("latency ms"), stall = new XYSeries("stall ms"), peak = new XYSeries("peak MiB"), arena = new XYSeries("arena MiB");
        for (FrameRecord f : frames) {
            latency.add(f.index(), f.latencyMs());
            stall.add(f.index(), f.stallMs());
            peak.add(f.index(), f.peakBytes() / 1048576.0);
            arena.add(f.index(), f.arenaBytes() / 1048576.0);
        }
        XYPlot time = new XYPlot(new XYSeriesCollection(latency), null, new NumberAxis("ms"), renderer(new Color(0x1f77b4), new Color(0xd62728)));
        ((XYSeriesCollection) time.getDataset()).addSeries(stall);
        XYPlot memory = new XYPlot(new XYSeriesCollection(peak), null, new NumberAxis("MiB"), renderer(new Color(0x2ca02c), Color.GRAY));
        ((XYSeriesCollection) memory.getDataset()).addSeries(arena);
        ((NumberAxis) memory.getRangeAxis()).setAutoRangeIncludesZero(true);
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(new NumberAxis("frame"));
        plot.add(time, 2);
        plot.add(memory, 1);
        JFreeChart chart = new JFreeChart("Replay: per-frame latency and arena use", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, 1000, 600);
    }

    private static XYLineAndShapeRenderer renderer(Color first, Color second) {
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        r.setSeriesPaint(0, first);
        r.setSeriesPaint(1, second);
        r.setSeriesStroke(0, new BasicStroke(2f));
        r.setSeriesStroke(1, new BasicStroke(1.5f));
        return r;
    }
}
