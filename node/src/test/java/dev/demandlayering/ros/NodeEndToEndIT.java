package dev.demandlayering.ros;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.TestRepo;
import dev.demandlayering.perception.Preprocessor;
import dev.demandlayering.perception.RgbImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node as a user starts it (bin/dlayer node --ros-args --params-file ..., the packaged jar), with a CycloneDDS peer that
 * publishes a real photo as sensor_msgs/Image (and as a JPEG sensor_msgs/CompressedImage) and checks what comes back: a person box on the player,
 * a person mask of the photo's size, diagnostics consistent with the arena; malformed frames sent first
 * are skipped and counted. All inside a private network namespace.
 */
class NodeEndToEndIT {
    static final Path REPO = TestRepo.root();

    @TempDir
    Path tmp;

    @Test
    void detectorAndSegmenterOverRealDds() throws Exception {
        NetNamespace.assumeAvailable();
        Path photo = TestRepo.cache().resolve("data/messi5.jpg");
        Assumptions.assumeTrue(Files.exists(photo) && Files.exists(TestRepo.cache().resolve("models/nanodet.bin")), "models/images not fetched (models/fetch.sh)");
        Path peer = CycloneDdsPeer.build("ros_peer", tmp);
        RgbImage img = Preprocessor.load(photo);
        Path raw = Files.write(tmp.resolve("messi5.rgb"), img.rgb());
        Path params = Files.writeString(tmp.resolve("node.yaml"), """
                /robot/perception:
                  ros__parameters:
                    models: [nanodet, selfie]
                    arena_size: 32MiB
                    residency: auto
                    image_topics: [camera/image_raw, camera/image_raw/compressed]
                    deadline_ms: 60000.0
                    log_every_n_frames: 1
                    use_sim_time: true
                """);
        Path launcher = REPO.resolve("bin/dlayer");
        NodeScript.assumeJarBuilt();
        String node = launcher + " node --ros-args --params-file " + params + " -r __node:=perception -r __ns:=/robot";
        String script = "export ROS_DOMAIN_ID=23\nexport ROS_LOG_DIR=" + tmp.resolve("roslog") + "\nexport CYCLONEDDS_URI=\"" + DdsInteropTest.CYCLONE_LARGE_DATA + "\"\n"
                // job control on: a non-interactive shell would start the node with SIGINT ignored
                + "set -m\n" + node + " > node.log 2>&1 &\nNODE=$!\n"
                // simulated time 5 s ahead of the cameras' stamps (use_sim_time), every frame's figures, and the 1 Hz /diagnostics
                + peer + " pub-clock 5 3000 50 &\nCLOCK=$!\n"
                + peer + " sub-outputs rt/robot/perception/nanodet/detections rt/robot/perception/selfie/mask rt/robot/perception/frame_stats 2 150 peer_camera,peer_compressed > outputs.log &\nSUB=$!\n"

                + "sleep 2\n"
                + peer + " pub-image-file rt/robot/camera/image_raw " + raw + " " + img.width() + " " + img.height() + " 240 500 4 &\nPUB=$!\n"
                + peer + " pub-compressed-file rt/robot/camera/image_raw/compressed " + photo + " jpeg 240 700 &\nPUB2=$!\n"
                // once frames flow (the first reader has its detections), six periods of /diagnostics while they go on
                + "wait $SUB || true\n"
                + peer + " sub-outputs rt/robot/perception/nanodet/detections rt/robot/perception/selfie/mask rt/diagnostics 6 150 > diagnostics.log\n"
                + "kill $PUB $PUB2 2>/dev/null || true\n"
                // Ctrl-C, as ros2 launch sends it: a clean shutdown and status 0
                + NodeScript.stop() + "kill $CLOCK 2>/dev/null || true\nwait 2>/dev/null || true\n"
                + "echo ==node.log; cat node.log\necho ==outputs.log; cat outputs.log\necho ==diagnostics.log; grep '^DIAG' diagnostics.log | sed 's/^/PERIOD /'\n";
        String out = NetNamespace.run(script, tmp, 240);
        List<String> lines = out.lines().toList();
        List<String> dets = lines.stream().filter(l -> l.startsWith("DETECTIONS ")).toList();
        List<String> masks = lines.stream().filter(l -> l.startsWith("MASK ")).toList();
        List<String> arena = lines.stream().filter(l -> l.startsWith("DIAG ") && l.contains("[perception: arena]")).toList();
        assertTrue(dets.size() >= 2 && masks.size() >= 2 && arena.size() >= 2, out);

        // DETECTIONS frame n class score cx cy sx sy ...: the player's box, in the photo's pixels
        // the JPEG camera went through sensor_msgs/CompressedImage decoding to the same kind of result
        String compressed = dets.stream().filter(l -> l.startsWith("DETECTIONS peer_compressed ")).findFirst().orElse(null);
        assertTrue(compressed != null && compressed.split(" ")[3].equals("person"), out);
        String[] d = dets.stream().filter(l -> l.startsWith("DETECTIONS peer_camera ")).findFirst().orElseThrow().split(" ");
        assertEquals("peer_camera", d[1]);
        assertTrue(Integer.parseInt(d[2]) >= 1, String.join(" ", d));
        assertEquals("person", d[3]);
        double cx = Double.parseDouble(d[5]), cy = Double.parseDouble(d[6]), sx = Double.parseDouble(d[7]), sy = Double.parseDouble(d[8]);
        assertTrue(Math.abs(cx - 260) < 30 && Math.abs(cy - 205) < 30 && sx > 300 && sy > 200, String.join(" ", d));

        // MASK frame width height encoding bytes ones other: either camera (the same photo, raw or JPEG)
        String[] m = masks.get(0).split(" ");
        assertTrue(m[1].equals("peer_camera") || m[1].equals("peer_compressed"), masks.get(0));
        assertEquals(List.of("548", "342", "mono8", String.valueOf(548 * 342)), List.of(m[2], m[3], m[4], m[5]));
        double cover = Integer.parseInt(m[6]) / (double) (548 * 342);
        assertTrue(cover > 0.08 && cover < 0.6 && m[7].equals("0"), String.join(" ", m));

        String diag = arena.get(0);
        assertTrue(diag.contains("arena_bytes=" + (32L << 20)), diag);
        long peak = Long.parseLong(diag.replaceAll(".* peak_bytes=(\\d+).*", "$1"));
        assertTrue(peak > 0 && peak <= 32L << 20, diag);
        assertTrue(diag.contains("backend=cpu") && diag.contains("dropped_frames=") && diag.contains("end_to_end_ms="), diag);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("DIAG 0 [perception: nanodet]") && l.contains("latency_ms=")), out);
        // the malformed frames sent first were logged and skipped, and the node went on
        assertTrue(diag.matches(".* invalid_frames=[1-9]\\d*.*"), diag);
        // use_sim_time: end to end is measured on /clock, which runs 5 s ahead of the wall-clock stamps
        double endToEnd = Double.parseDouble(diag.replaceAll(".* end_to_end_ms=([-\\d.]+).*", "$1"));
        assertTrue(endToEnd > 5000 && endToEnd < 65000, diag);
        assertTrue(out.contains("use_sim_time: the clock follows /clock"), out);

        // /diagnostics about once a second: one status per camera, per model and for the arena, under the node's name
        List<String> periods = lines.stream().filter(l -> l.startsWith("PERIOD DIAG ")).toList();
        for (String name : List.of("perception: /robot/camera/image_raw", "perception: /robot/camera/image_raw/compressed", "perception: nanodet",
                "perception: selfie", "perception: arena")) {
            assertTrue(periods.stream().anyMatch(l -> l.contains("[" + name + "]")), name + " missing:\n" + out);
        }
        // a period with frames counts them (OK, or WARN when most of the camera's frames were dropped: this host is slow)
        assertTrue(periods.stream().anyMatch(l -> l.matches("PERIOD DIAG [01] \\[perception: /robot/camera/image_raw(/compressed)?] .* frames=[1-9].* rate_hz=.*")),
                "a period with frames counts them:\n" + out);
        assertTrue(periods.stream().filter(l -> l.contains("[perception: /robot/camera/") && l.contains(" frames=0 ")).allMatch(l -> l.startsWith("PERIOD DIAG 1 ")),
                "a camera with no frames in its period WARNs (FrameProcessorTest pins the message):\n" + out);
        assertTrue(out.contains("frame skipped: encoding 'yuv422' is not supported"), out);
        assertTrue(out.contains("frame skipped: rgb8 image 4x4 with step 12 needs 48 bytes, message has 20"), out);

        // SIGINT: the node closed and exited 0; its lines are rcutils' format under its logger name, also in its log file
        assertTrue(lines.contains("NODE_EXIT=0"), out);
        assertTrue(lines.stream().anyMatch(l -> l.matches("\\[INFO] \\[\\d+\\.\\d{9}] \\[robot\\.perception]: node /robot/perception running")), out);
        try (var logs = Files.list(tmp.resolve("roslog"))) {
            Path log = logs.filter(f -> f.getFileName().toString().matches("dlayer_node_\\d+_\\d+\\.log")).findFirst().orElseThrow();
            assertTrue(Files.readString(log).contains("[robot.perception]: node /robot/perception running"), log.toString());
        }
    }
}
