package dev.demandlayering.peers.ort;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * ONNX Runtime behind the benchmark's line protocol: {@code OrtPeer MODEL.onnx INPUT.npy THREADS} loads the model
 * with the default CPU provider and THREADS intra-op threads, prints {@code ready {...}}, then answers, one line
 * each: {@code run N} (N frames, their milliseconds), {@code memory} (this process's peak and current resident
 * memory from /proc) and {@code quit}. A process of its own, so that its memory is its own.
 */
public final class OrtPeer {
    private OrtPeer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: OrtPeer MODEL.onnx INPUT.npy THREADS");
            System.exit(2);
        }
        Path model = Path.of(args[0]);
        Npy input = Npy.read(Path.of(args[1]));
        int threads = Integer.parseInt(args[2]);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        try (OrtSession.SessionOptions opts = new OrtSession.SessionOptions()) {
            opts.setIntraOpNumThreads(threads);
            opts.setInterOpNumThreads(1);
            opts.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            try (OrtSession session = env.createSession(model.toString(), opts);
                 OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(input.data), input.shape)) {
                String name = session.getInputNames().iterator().next();
                Map<String, OnnxTensor> feeds = Map.of(name, x);
                System.out.println("ready {\"runtime\":\"onnxruntime " + env.getVersion() + "\",\"threads\":" + threads + "}");
                System.out.flush();
                serve(session, feeds);
            }
        }
    }

    private static void serve(OrtSession session, Map<String, OnnxTensor> feeds) throws IOException, OrtException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] cmd = line.trim().split("\\s+");
            switch (cmd[0]) {
                case "run" -> {
                    int n = Integer.parseInt(cmd[1]);
                    StringBuilder ms = new StringBuilder();
                    for (int i = 0; i < n; i++) {
                        long t0 = System.nanoTime();
                        try (OrtSession.Result r = session.run(feeds)) {
                            ms.append(i == 0 ? "" : ",").append((System.nanoTime() - t0) / 1e6);
                        }
                    }
                    System.out.println("{\"ms\":[" + ms + "]}");
                }
                case "memory" -> System.out.println(memory());
                case "quit" -> {
                    return;
                }
                default -> System.out.println("{\"error\":\"unknown command: " + cmd[0] + "\"}");
            }
            System.out.flush();
        }
    }

    /** VmHWM and VmRSS of this process, in bytes. */
    static String memory() throws IOException {
        long hwm = 0, rss = 0;
        for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (l.startsWith("VmHWM:")) hwm = kib(l);
            if (l.startsWith("VmRSS:")) rss = kib(l);
        }
        return "{\"peak_rss_bytes\":" + hwm + ",\"rss_bytes\":" + rss + "}";
    }

    private static long kib(String line) {
        return 1024L * Long.parseLong(line.replaceAll("[^0-9]", ""));
    }

    /** A float32, C-order .npy file (what dlayer inputs writes). */
    record Npy(long[] shape, float[] data) {
        static Npy read(Path p) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(p)).order(ByteOrder.LITTLE_ENDIAN);
            if (b.remaining() < 10 || b.get(0) != (byte) 0x93 || b.get(1) != 'N') throw new IOException(p + ": not an .npy file");
            int major = b.get(6);
            int headerLen = major == 1 ? Short.toUnsignedInt(b.getShort(8)) : b.getInt(8);
            int start = (major == 1 ? 10 : 12);
            String header = new String(b.array(), start, headerLen, StandardCharsets.ISO_8859_1);
            if (!header.contains("'<f4'") || header.contains("'fortran_order': True")) throw new IOException(p + ": expected little-endian float32 in C order: " + header.trim());
            String dims = header.substring(header.indexOf("'shape': (") + 10, header.indexOf(')', header.indexOf("'shape': (")));
            long[] shape = java.util.Arrays.stream(dims.split(",")).map(String::trim).filter(s -> !s.isEmpty()).mapToLong(Long::parseLong).toArray();
            b.position(start + headerLen);
            float[] data = new float[b.remaining() / 4];
            b.asFloatBuffer().get(data);
            return new Npy(shape, data);
        }
    }
}
