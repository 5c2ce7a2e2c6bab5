package dev.demandlayering.cli;

import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.ros.bag.RosBag;
import dev.demandlayering.ros.node.FrameProcessor;
import dev.demandlayering.ros.params.NodeParameters;
import dev.demandlayering.ros.params.RosArgs;
import dev.demandlayering.ros.replay.GoldenOutputs;
import dev.demandlayering.ros.replay.ReplayReport;
import dev.demandlayering.ros.replay.Replayer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "replay", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Replay a rosbag2 bag (MCAP or sqlite3) through the perception node's own frame path and record its outputs.",
                "Every camera message is processed (none dropped unless --drop-frames). Exit status: 0 done, 1 outputs differ from --check-golden, 2 error."})
final class ReplayCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "BAG", description = "bag directory (with metadata.yaml), or a .mcap / .db3 file")
    Path bag;

    @Option(names = "--params-file", paramLabel = "FILE", description = "node parameter file (ros__parameters layout); repeatable")
    List<Path> paramsFiles = new ArrayList<>();

    @Option(names = {"-p", "--param"}, paramLabel = "NAME:=VALUE", description = "parameter override, as with --ros-args -p; repeatable")
    List<String> params = new ArrayList<>();

    @Option(names = {"-r", "--remap"}, paramLabel = "FROM:=TO", description = "topic remap, as with --ros-args -r (the shipped parameter files "
            + "name the camera image_raw: -r image_raw:=/camera/image_raw); repeatable")
    List<String> remaps = new ArrayList<>();

    @Option(names = "--topics", split = ",", paramLabel = "TOPIC", description = "camera topics to replay (default: the image_topics parameter)")
    List<String> topics;

    static final class Pace {
        @Option(names = "--rate", paramLabel = "R", description = "playback speed, 1.0 = the bag's own clock (default)")
        Double rate;

        @Option(names = "--as-fast-as-possible", description = "no pacing: each frame as soon as the previous one is done")
        boolean fast;
    }

    @ArgGroup(exclusive = true)
    Pace pace = new Pace();

    @Option(names = "--drop-frames", description = "behave as live: frames that arrive while the node is busy wait in one slot per camera (newest wins)")
    boolean dropFrames;

    @Option(names = "--record", paramLabel = "OUT_BAG", description = "record detections, masks and diagnostics into a new MCAP bag directory")
    Path record;

    @Option(names = "--record-inputs", description = "also copy the camera messages into the recorded bag (for viewing in Foxglove)")
    boolean recordInputs;

    @Option(names = "--chunk-seconds", paramLabel = "S", description = "close a recorded chunk, and put it on the disk, at least this often: "
            + "the most a crash or power loss can lose of the recording; 0 = by size only (4 MiB); default ${DEFAULT-VALUE}")
    double chunkSeconds = 1.0;

    @Option(names = "--report", paramLabel = "DIR", description = "where report.md, report.json and latency.png go; default: out/replay")
    Path report = Path.of("out", "replay");

    @Option(names = "--save-golden", paramLabel = "FILE", description = "write the outputs as a golden file")
    Path saveGolden;

    @Option(names = "--check-golden", paramLabel = "FILE", description = "compare the outputs with a golden file; exit 1 and list the differences if they differ")
    Path checkGolden;

    @Option(names = "--score-tolerance", description = "golden check: largest score difference; default ${DEFAULT-VALUE}")
    double scoreTolerance = GoldenOutputs.Tolerance.DEFAULT.score();

    @Option(names = "--box-tolerance", description = "golden check: largest box coordinate difference in pixels; default ${DEFAULT-VALUE}")
    double boxTolerance = GoldenOutputs.Tolerance.DEFAULT.boxPixels();

    @Option(names = "--mask-tolerance", description = "golden check: largest fraction of mask pixels that may differ; default ${DEFAULT-VALUE}")
    double maskTolerance = GoldenOutputs.Tolerance.DEFAULT.maskPixelFraction();

    @Override
    public Integer call() throws Exception {
        RosArgs args = RosArgs.of(paramsFiles, params, remaps, NodeParameters.DEFAULT_NODE_NAME);
        Map<String, Object> values = NodeParameters.gather(args);
        GoldenOutputs golden = checkGolden != null ? GoldenOutputs.read(checkGolden) : null;
        RosBag rosBag = RosBag.open(bag);
        double rate = pace.fast ? 0 : pace.rate != null ? pace.rate : 1.0;
        if (!pace.fast && !(rate > 0)) throw new IllegalArgumentException("--rate must be > 0 (or use --as-fast-as-possible), got " + rate);
        if (chunkSeconds < 0 || Double.isNaN(chunkSeconds)) throw new IllegalArgumentException("--chunk-seconds must be >= 0, got " + chunkSeconds);
        for (String w : rosBag.notes()) System.out.println("note: " + w);
        StopSignals signals = StopSignals.install("dlayer replay");
        Replayer.Result result;
        try (FrameProcessor processor = new FrameProcessor(args, values, ModelCatalog.fromEnvironment())) {
            List<String> cameras = topics != null ? topics.stream().map(t -> FrameProcessor.resolveCamera(args, t)).toList() : processor.cameras();
            System.out.printf("replaying %s (%s) cameras %s, models %s, %s%n", bag, rosBag.storage(), cameras, processor.modelNames(),
                    rate == 0 ? "as fast as possible" : "at rate " + rate);
            result = Replayer.run(processor, rosBag, new Replayer.Options(cameras, rate, record, recordInputs, dropFrames, chunkSeconds,
                    signals::requested));
        }
        if (result.stopped()) {
            System.out.println("stopped by " + signals.signalName() + " after " + result.frames().size() + " frames; "
                    + (record != null ? "the recording is finished and complete up to there" : "nothing was being recorded"));
        }
        ReplayReport.Summary s = ReplayReport.write(report, bag.toString(), result);
        System.out.printf("%d frames in %.1f s (%d invalid, %d failed, %d dropped): latency p50 %.1f ms, p95 %.1f ms, p99 %.1f ms; arena %d bytes, peak %d; stall %.1f%%%n",
                s.frames(), result.wallSeconds(), s.invalid(), result.failedFrames(), s.dropped(), s.p50(), s.p95(), s.p99(), s.arenaBytes(), s.peakBytes(), 100 * s.stallShare());
        if (s.skippedChunks() > 0 || s.truncated()) {
            System.out.printf("bag damage: %d chunk(s) skipped%s (see the report's warnings)%n", s.skippedChunks(), s.truncated() ? ", truncated" : "");
        }
        System.out.println("report: " + report.resolve("report.md") + " (plot: " + report.resolve("latency.png") + ")");
        if (record != null) System.out.println("recorded: " + record);
        if (result.frames().isEmpty() && !result.stopped()) {
            System.err.println("dlayer replay: no frame was processed: the bag's camera topics " + result.cameras() + " had "
                    + (result.invalidFrames() + result.failedFrames() == 0 ? "no messages" : result.invalidFrames() + " invalid and "
                    + result.failedFrames() + " failed frames") + " (see the log above)");
            return 2;
        }
        if (saveGolden != null) {
            result.outputs().write(saveGolden);
            System.out.println("golden outputs: " + saveGolden + " (" + result.outputs().frameCount() + " frames)");
        }
        if (golden != null) {
            List<String> diffs = golden.compare(result.outputs(), new GoldenOutputs.Tolerance(scoreTolerance, boxTolerance, maskTolerance));
            if (!diffs.isEmpty()) {
                System.out.println("outputs differ from " + checkGolden + " (" + diffs.size() + " differences):");
                diffs.stream().limit(50).forEach(d -> System.out.println("  " + d));
                return 1;
            }
            System.out.println("outputs match " + checkGolden + " (" + golden.frameCount() + " frames)");
        }
        return 0;
    }
}
