package dev.demandlayering.ros;

import dev.demandlayering.ros.dds.FastDdsTransport;
import dev.demandlayering.ros.dds.Qos;
import dev.demandlayering.ros.dds.RosTransport;
import dev.demandlayering.ros.msg.SensorMsgs;
import dev.demandlayering.ros.msg.StdMsgs;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Java side of the DDS interoperability test, run as its own process inside the test's network
 * namespace. {@code pub TOPIC COUNT W H}: publish rgb8 images; {@code sub TOPIC COUNT SECONDS}: print
 * "IMAGE sec nanosec frame width height encoding bytes sum" per image received.
 */
public final class TransportProbe {
    public static void main(String[] args) throws Exception {
        int domain = Integer.parseInt(System.getenv().getOrDefault("ROS_DOMAIN_ID", "0"));
        try (RosTransport t = new FastDdsTransport(domain, "transport_probe")) {
            int count = Integer.parseInt(args[2]);
            if (args[0].equals("pub")) {
                int w = Integer.parseInt(args[3]), h = Integer.parseInt(args[4]);
                RosTransport.Publisher p = t.advertise(args[1], SensorMsgs.Image.TYPE, Qos.RELIABLE, 32 << 20);
                for (int i = 0; i < 100 && p.matchedSubscriptions() == 0; i++) Thread.sleep(100);
                Thread.sleep(1500); // let the remote reader finish matching this writer too (volatile: earlier samples are not kept for it)
                for (int i = 0; i < count; i++) {
                    byte[] px = new byte[w * h * 3];
                    for (int y = 0; y < h; y++) for (int x = 0; x < w; x++) for (int c = 0; c < 3; c++) px[(y * w + x) * 3 + c] = (byte) (x + y + i);
                    p.publish(new SensorMsgs.Image(new StdMsgs.Header(new StdMsgs.Time(200 + i, 9), "java_camera"), h, w, "rgb8", 0, 3L * w, px).encode());
                    Thread.sleep(100);
                }
                Thread.sleep(3000); // reliable repair of the last frames before the participant goes
            } else {
                CountDownLatch done = new CountDownLatch(count);
                t.subscribe(args[1], SensorMsgs.Image.TYPE, Qos.RELIABLE, 32 << 20, bytes -> {
                    SensorMsgs.Image m = SensorMsgs.Image.decode(bytes);
                    long sum = 0;
                    for (byte b : m.data()) sum += b & 0xff;
                    System.out.printf("IMAGE %d %d %s %d %d %s %d %d%n", m.header().stamp().sec(), m.header().stamp().nanosec(), m.header().frameId(),
                            m.width(), m.height(), m.encoding(), m.data().length, sum);
                    System.out.flush();
                    done.countDown();
                });
                System.out.println("READY");
                System.out.flush();
                done.await(Integer.parseInt(args[3]), TimeUnit.SECONDS);
            }
        }
    }
}
