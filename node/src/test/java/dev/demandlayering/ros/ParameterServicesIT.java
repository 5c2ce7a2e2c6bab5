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
 * `ros2 param` against the running node, from an independent CycloneDDS client laid out as rmw_cyclonedds_cpp lays out
 * services (param_client.c, types written from rcl_interfaces' .msg and .srv files): list, get, describe; a set that
 * takes effect on the next frame (the detector's threshold raised past every score: the detections go) and is announced
 * on /parameter_events; sets refused with rclcpp's reasons (read only, wrong type, out of range).
 */
class ParameterServicesIT {
    @TempDir
    Path tmp;

    @Test
    void listGetDescribeAndSetTakeEffectOnTheNextFrame() throws Exception {
        NetNamespace.assumeAvailable();
        Path photo = TestRepo.cache().resolve("data/messi5.jpg");
        Assumptions.assumeTrue(Files.exists(photo) && Files.exists(TestRepo.cache().resolve("models/nanodet.bin")), "models/images not fetched");
        NodeScript.assumeJarBuilt();
        Path client = CycloneDdsPeer.build("param_client", tmp);
        Path peer = CycloneDdsPeer.build("ros_peer", tmp);
        RgbImage img = Preprocessor.load(photo);
        Path raw = Files.write(tmp.resolve("messi5.rgb"), img.rgb());
        String node = "/robot/perception";
        String c = client + " " + node + " ";
        String script = "export ROS_DOMAIN_ID=37 ROS_LOG_DIR=" + tmp.resolve("roslog") + "\nset -m\n"
                + NodeScript.start(TestRepo.root().resolve("bin/dlayer") + " node --ros-args -r __node:=perception -r __ns:=/robot -p models:=[nanodet]"
                + " -p image_topics:=[camera/image_raw] -p deadline_ms:=60000.0", "node.log")
                + peer + " pub-image-file rt/robot/camera/image_raw " + raw + " " + img.width() + " " + img.height() + " 1000 300 &\nPUB=$!\n"
                + peer + " sub-detections rt/robot/perception/nanodet/detections 2 120 | sed 's/^/BEFORE /'\n"
                + c + "list\n" + c + "get score_threshold\n" + c + "describe score_threshold\n" + c + "describe backend\n"
                + c + "events 60 > events.log &\nEVENTS=$!\nsleep 2\n"
                + c + "set score_threshold double 0.99\n"
                + c + "set arena_size integer 1000\n" + c + "set backend string cpu\n" + c + "set score_threshold integer 1\n" + c + "set nms_iou double 1.5\n"
                + c + "set log_level string debug\n"
                + c + "get score_threshold | sed 's/^/AFTER /'\n"
                + peer + " sub-detections rt/robot/perception/nanodet/detections 3 120 | sed 's/^/AFTER /'\n"
                + "wait $EVENTS || true\ncat events.log\nkill $PUB 2>/dev/null || true\n"
                + NodeScript.stop() + "grep 'parameters changed' node.log || true\n"
                + "grep -c '^\\[DEBUG]' node.log | sed 's/^/DEBUG_LINES /'\n";
        String out = NetNamespace.run(script, tmp, 300);
        List<String> lines = out.lines().toList();

        assertTrue(lines.stream().anyMatch(l -> l.matches("BEFORE DETECTIONS \\S+ [1-9]\\d* person .*")), "the player is found at 0.35:\n" + out);
        for (String name : List.of("models", "arena_size", "score_threshold", "qos.depth", "use_sim_time")) {
            assertTrue(lines.contains("NAME " + name), name + " listed\n" + out);
        }
        assertTrue(lines.contains("PREFIX qos"), out);
        assertTrue(lines.contains("VALUE score_threshold double 0.35"), out);
        assertTrue(lines.contains("DESCRIBE score_threshold 3 writable 0 to 1 [range 0 1]"), out);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("DESCRIBE backend 4 read_only auto, cpu, cuda")), out);
        assertTrue(lines.contains("SET ok "), out);
        assertTrue(lines.stream().anyMatch(l -> l.matches("SET fail arena_size 1000 bytes is below the minimum of \\d+ bytes for \\[nanodet].*")), out);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("SET fail parameter 'backend' is read only while the node runs")), out);
        assertTrue(lines.contains("SET fail parameter 'score_threshold' is of type double, got integer"), out);
        assertTrue(lines.contains("SET fail parameter 'nms_iou': value 1.5 is not allowed; expected 0 to 1"), out);
        assertTrue(lines.contains("AFTER VALUE score_threshold double 0.99"), out);
        assertTrue(lines.contains("EVENT " + node + " changed score_threshold double 0.99"), out);
        // the frame in progress when the set came may still have its old threshold; the last one has none over 0.99
        List<String> after = lines.stream().filter(l -> l.startsWith("AFTER DETECTIONS ")).toList();
        assertEquals(3, after.size(), out);
        assertTrue(after.get(2).matches("AFTER DETECTIONS \\S+ 0"), "no detection scores 0.99:\n" + out);
        assertTrue(out.contains("parameters changed: HeadSettings[scoreThreshold=0.99"), out);
        assertTrue(lines.contains("NODE_EXIT=0"), out);
        // log_level:=debug while running: the node's debug lines appear from then on (a client matching a service logs one)
        assertTrue(lines.stream().anyMatch(l -> l.matches("DEBUG_LINES [1-9]\\d*")), out);
    }
}
