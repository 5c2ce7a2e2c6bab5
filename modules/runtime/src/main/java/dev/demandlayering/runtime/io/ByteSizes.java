package dev.demandlayering.runtime.io;

/** Byte sizes as people write them: "64MiB", "1.5GiB", "512KiB", "2TiB", "100MB" (powers of 1000), or plain bytes. */
public final class ByteSizes {
    private ByteSizes() {
    }

    public static long parse(String value) {
        String v = value.trim();
        String[][] units = {{"KiB", "1024"}, {"MiB", "1048576"}, {"GiB", "1073741824"}, {"TiB", "1099511627776"}, {"KB", "1000"},
                {"MB", "1000000"}, {"GB", "1000000000"}, {"TB", "1000000000000"}, {"B", "1"}};
        long mult = 1;
        for (String[] u : units) {
            if (v.endsWith(u[0])) {
                mult = Long.parseLong(u[1]);
                v = v.substring(0, v.length() - u[0].length()).trim();
                break;
            }
        }
        double d;
        try {
            d = Double.parseDouble(v);
            if (d < 0 || Double.isNaN(d) || v.matches(".*[a-zA-Z].*")) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + value + "' is not a byte size (examples: 1048576, 512KiB, 16MiB, 1.5GiB, 2TiB)");
        }
        double bytes = Math.floor(d * mult);
        if (bytes >= 0x1p63) throw new IllegalArgumentException("'" + value + "' is too large a byte size (at most 8 EiB)");
        return (long) bytes;
    }

    public static String human(long bytes) {
        if (bytes >= 1L << 30) return String.format("%.2f GiB", bytes / (double) (1L << 30));
        if (bytes >= 1L << 20) return String.format("%.2f MiB", bytes / (double) (1L << 20));
        if (bytes >= 1L << 10) return String.format("%.1f KiB", bytes / 1024.0);
        return bytes + " B";
    }
}
