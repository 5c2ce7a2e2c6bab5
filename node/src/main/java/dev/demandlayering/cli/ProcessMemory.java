package dev.demandlayering.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** This process's resident memory from /proc/self/status: its peak (VmHWM) and now (VmRSS), in bytes. */
final class ProcessMemory {
    private ProcessMemory() {
    }

    static String json() throws IOException {
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
}
