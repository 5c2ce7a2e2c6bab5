package dev.demandlayering.ros.bag;

import dev.demandlayering.perception.ImageCodec;
import dev.demandlayering.perception.RgbImage;
import dev.demandlayering.ros.msg.SensorMsgs;
import dev.demandlayering.ros.msg.StdMsgs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Bags made from image files: a camera topic replaying a directory of JPEG/PNG frames at a fixed rate. */
public final class ImageBags {
    private ImageBags() {
    }

    /**
     * Writes the directory's .jpg/.jpeg/.png files, in name order, as one camera topic of a new MCAP bag: stored
     * as they are (CompressedImage) when the topic ends in /compressed, decoded to rgb8 Image otherwise.
     * Frame i is stamped (and logged) at {@code startSec + i / rate}. Returns the number of frames.
     */
    public static int fromImages(Path dir, Path bag, String topic, double rate, long startSec, String frameId) throws IOException {
        if (!Files.isDirectory(dir)) throw new IOException("image directory not found: " + dir);
        if (!(rate > 0)) throw new IllegalArgumentException("rate must be > 0 frames per second, got " + rate);
        List<Path> images;
        try (Stream<Path> s = Files.list(dir)) {
            images = s.filter(p -> p.getFileName().toString().matches("(?i).*\\.(jpe?g|png)$")).sorted().toList();
        }
        if (images.isEmpty()) throw new IOException(dir + " holds no .jpg, .jpeg or .png files");
        boolean compressed = topic.endsWith("/compressed");
        try (RosBagWriter w = new RosBagWriter(bag)) {
            w.topic(topic, compressed ? "sensor_msgs/msg/CompressedImage" : "sensor_msgs/msg/Image", RosBagWriter.RELIABLE_QOS);
            for (int i = 0; i < images.size(); i++) {
                long t = startSec * 1_000_000_000L + Math.round(i * 1e9 / rate);
                StdMsgs.Header h = new StdMsgs.Header(new StdMsgs.Time((int) (t / 1_000_000_000L), t % 1_000_000_000L), frameId);
                byte[] file = Files.readAllBytes(images.get(i));
                byte[] msg;
                if (compressed) {
                    String format = images.get(i).getFileName().toString().toLowerCase().endsWith(".png") ? "png" : "jpeg";
                    msg = new SensorMsgs.CompressedImage(h, format, file).encode();
                } else {
                    RgbImage img = ImageCodec.decode(file, images.get(i).toString());
                    msg = new SensorMsgs.Image(h, img.height(), img.width(), "rgb8", 0, 3L * img.width(), img.rgb()).encode();
                }
                w.write(topic, t, msg);
            }
        }
        return images.size();
    }
}
