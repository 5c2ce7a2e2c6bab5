package dev.demandlayering.runtime.pack;

/** Constants of the pack file layout (docs/pack-format.md). */
public final class PackLayout {
    public static final byte[] MAGIC = {'D', 'L', 'A', 'Y', 'P', 'A', 'C', 'K'};
    public static final int VERSION = 1;
    /** Fixed header: magic(8) version(4) flags(4) tableOffset(8) tableLength(8) tableCrc32c(4) fileLength(8) reserved. */
    public static final int HEADER_BYTES = 64;
    /** Every weight blob starts on, and is padded to, this boundary so it can be read with O_DIRECT. */
    public static final int BLOB_ALIGN = 4096;
    public static final int FLAG_FP16 = 1;

    private PackLayout() {
    }
}
