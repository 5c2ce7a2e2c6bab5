package dev.demandlayering.ros;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.ChildCli;
import dev.demandlayering.TestRepo;
import dev.demandlayering.perception.ImageCodec;
import dev.demandlayering.perception.RgbImage;
import dev.demandlayering.runtime.ModelImporter;
import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.pack.BlobInfo;
import dev.demandlayering.runtime.pack.PackFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The running node under faults, as a user meets them: bin/dlayer node and a CycloneDDS peer in a private network
 * namespace. A PNG whose header claims 100000 x 100000 pixels is refused before decoding; a valid 6000 x 4000 frame
 * whose overlay is over its topic's maximum loses only the overlay; the node serves the next normal frames. Then
 * its pack is damaged on disk while it streams: it re-packs and serves on; damaged again with the model gone, it
 * publishes an ERROR diagnostic and exits with a non-zero status, as a supervisor needs to see.
 */
class NodeFaultsIT {
    static final Path REPO = TestRepo.root();

    @TempDir
    Path tmp;

    @Test
    void theNodeSurvivesBadFramesAndExitsNonZeroOnlyWhenItCannotGoOn() throws Exception {
        NetNamespace.assumeAvailable();
        Path photo = TestRepo.cache().resolve("data/messi5.jpg");
        Assumptions.assumeTrue(Files.exists(photo) && Files.exists(TestRepo.cache().resolve("models/nanodet.bin")), "models/images not fetched (models/fetch.sh)");
        NodeScript.assumeJarBuilt();
        Path peer = CycloneDdsPeer.build("ros_peer", tmp);
        Path cache = ChildCli.privateCache(tmp.resolve("cache"));
        Path hugePng = Files.write(tmp.resolve("huge.png"), dev.demandlayering.perception.TestImages.pngClaiming(100_000, 100_000));
        byte[] grey = new byte[6000 * 4000 * 3];
        Arrays.fill(grey, (byte) 100);
        Path bigJpeg = Files.write(tmp.resolve("big.jpg"), ImageCodec.encodeJpeg(new RgbImage(6000, 4000, grey), 80));
        // the node packs exactly this at start-up (packing is deterministic): where its largest blob lies
        Path probe = tmp.resolve("probe.dlp");
        ModelImporter.pack(cache.resolve("models/nanodet.json"), probe, false);
        PackFile pf = PackFile.open(probe);
        Layer big = pf.model().layers().stream().max(Comparator.comparingLong(Layer::weightBytes)).orElseThrow();
        BlobInfo blob = pf.blob(big.index());
        long damageAt = blob.offset() + blob.length() / 2;
        Path pack = cache.resolve("packs/nanodet.dlp");
        Path params = Files.writeString(tmp.resolve("node.yaml"), """
                /demand_layering:
                  ros__parameters:
                    models: [nanodet, selfie]
                    residency: none
                    publish_overlay: true
                    image_topics: [camera/image_raw/compressed]
                    deadline_ms: 60000.0
                    log_every_n_frames: 1
                """);
        String topic = "rt/camera/image_raw/compressed";
        String damage = "printf '\\\\x12\\\\x34\\\\x56\\\\x78' | dd of=" + pack + " bs=1 seek=" + damageAt + " conv=notrunc status=none\n";
        String script = "export ROS_DOMAIN_ID=29\nexport CYCLONEDDS_URI=\"" + DdsInteropTest.CYCLONE_LARGE_DATA + "\"\nexport DLAYER_CACHE=" + cache + "\n"
                + "waitfor() { for i in $(seq 1 $3); do grep -q \"$2\" $1 && return 0; sleep 1; done; echo \"TIMEOUT waiting for $2 in $1\"; return 0; }\n"
                + REPO.resolve("bin/dlayer") + " node --ros-args --params-file " + params + " > node.log 2>&1 &\nNODE=$!\n"
                + peer + " sub-outputs rt/demand_layering/nanodet/detections rt/demand_layering/selfie/mask rt/demand_layering/frame_stats 100000 200 > outputs.log &\nSUB=$!\n"
                + "waitfor node.log 'node /demand_layering running' 60\n"
                + peer + " pub-compressed-file " + topic + " " + hugePng + " png 1 200\n"
                + peer + " pub-compressed-file " + topic + " " + bigJpeg + " jpeg 1 200\n"
                + "waitfor node.log 'output skipped' 60\n"
                + peer + " pub-compressed-file " + topic + " " + photo + " jpeg 2 1500\n"
                + "waitfor outputs.log 'DETECTIONS peer_compressed [1-9]' 30\n"
                + "echo PHASE damage-once\n" + damage
                + peer + " pub-compressed-file " + topic + " " + photo + " jpeg 3 2500\n"
                + "waitfor node.log 'serving again' 30\n"
                + "echo PHASE damage-without-model\nrm " + cache.resolve("models/nanodet.bin") + "\n" + damage
                + peer + " pub-compressed-file " + topic + " " + photo + " jpeg 2 2500 &\n"
                + "for i in $(seq 1 60); do kill -0 $NODE 2>/dev/null || break; sleep 1; done\n"
                + "rc=0; wait $NODE || rc=$?; echo NODE_EXIT=$rc\nsleep 2\nkill $SUB 2>/dev/null || true\nwait 2>/dev/null || true\n"
                + "echo ==node.log; cat node.log\necho ==outputs.log; grep -v '^READY' outputs.log | cut -c1-3000\n";
        String out = NetNamespace.run(script, tmp, 400);
        assertTrue(!out.contains("TIMEOUT"), out);
        // the huge PNG never reached the decoder; the big frame lost only its overlay
        assertTrue(out.contains("declares 100000x100000 pixels; at most 100000000 pixels (max_image_pixels) are decoded"), out);
        assertTrue(out.contains("/demand_layering/selfie/overlay: output skipped (1 so far on this topic): message of 72000") && out.contains("exceeds the topic's maximum of 67108864"), out);
        // (CycloneDDS drops the first multi-fragment sample of a new Fast-DDS writer, so the 24 MB mask itself may not reach the peer:
        // the diagnostics of that frame say what was published and what was skipped)
        String firstArena = out.lines().filter(l -> l.startsWith("DIAG 0 [demand_layering: arena]")).findFirst().orElse("");
        assertTrue(firstArena.contains(" frames=1 ") && firstArena.contains("skipped_outputs=1") && firstArena.contains("invalid_frames=1"), out);
        // frames after it were served with detections of the player
        List<String> lines = out.lines().toList();
        int damaged = lines.indexOf("PHASE damage-once"), withoutModel = lines.indexOf("PHASE damage-without-model");
        assertTrue(damaged >= 0 && withoutModel > damaged, out);
        assertTrue(out.contains("weight checksum mismatch") && out.contains("re-packing [nanodet] from its model and retrying the frame")
                && out.contains("re-packed [nanodet]: serving again"), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("DIAG 0 [demand_layering: arena]") && l.contains("repacks=1") && l.contains("skipped_outputs=1")), out);
        // with the model gone too: an ERROR diagnostic, then a non-zero exit
        assertTrue(out.lines().anyMatch(l -> l.startsWith("DIAG 2 [demand_layering: arena]") && l.contains("re-packing [nanodet] failed")), out);
        assertTrue(out.contains("NODE_EXIT=1"), out);
        assertTrue(out.contains("dlayer node: inference stopped: weights unreadable"), out);
        assertEquals(-1, out.indexOf("NODE_EXIT=0"), out);
    }
}
