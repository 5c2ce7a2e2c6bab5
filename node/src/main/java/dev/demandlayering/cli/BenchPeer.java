package dev.demandlayering.cli;

import dev.demandlayering.runtime.Session;
import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.io.Npy;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * dlayer behind the line protocol of {@code bench --vs onnxruntime} (the same one the ONNX Runtime peer speaks):
 * {@code BenchPeer PACK.dlp INPUT.npy resident|streamed} opens one CPU session on the pack (fully resident, or
 * streaming every layer through the minimum arena), prints {@code ready {...}} and answers {@code run N},
 * {@code memory} and {@code quit}, a line each. A process of its own per configuration, so that its peak memory
 * is that configuration's.
 */
public final class BenchPeer {
    private BenchPeer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 3 || !(args[2].equals("resident") || args[2].equals("streamed"))) {
            System.err.println("usage: BenchPeer PACK.dlp INPUT.npy resident|streamed");
            System.exit(2);
        }
        Npy.Array input = Npy.read(Path.of(args[1]));
        PackFile p = PackFile.open(Path.of(args[0]));
        CpuBackend cpu = new CpuBackend();
        ResidencyMode mode = args[2].equals("resident") ? ResidencyMode.ALL : ResidencyMode.NONE;
        try (Session s = Session.open(List.of(p), Session.Options.of(0, mode), cpu)) {
            Map<String, float[]> feeds = Map.of(p.model().inputs().keySet().iterator().next(), input.data());
            FrameResult first = s.run(List.of(feeds));
            System.out.println("ready {\"runtime\":\"dlayer " + args[2] + "\",\"compute\":\"" + cpu.compute().replace("\"", "'")
                    + "\",\"arena_bytes\":" + first.stats().arenaBytes() + ",\"direct_io\":" + s.directIo() + "}");
            System.out.flush();
            serve(s, feeds);
        }
    }

    private static void serve(Session s, Map<String, float[]> feeds) throws IOException {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line; (line = in.readLine()) != null; ) {
            String[] cmd = line.trim().split("\\s+");
            switch (cmd[0]) {
                case "run" -> {
                    StringBuilder ms = new StringBuilder();
                    for (int i = 0, n = Integer.parseInt(cmd[1]); i < n; i++) {
                        long t0 = System.nanoTime();
                        s.run(List.of(feeds));
                        ms.append(i == 0 ? "" : ",").append((System.nanoTime() - t0) / 1e6);
                    }
                    System.out.println("{\"ms\":[" + ms + "]}");
                }
                case "memory" -> System.out.println(ProcessMemory.json());
                case "quit" -> {
                    return;
                }
                default -> System.out.println("{\"error\":\"unknown command: " + cmd[0] + "\"}");
            }
            System.out.flush();
        }
    }
}
