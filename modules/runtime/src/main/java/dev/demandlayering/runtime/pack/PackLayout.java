package dev.demandlayering.runtime.pack;

import java.util.zip.CRC32C;

/** Constants of the pack file layout (docs/pack-format.md). */
public final class PackLayout {
    public static final byte[] MAGIC = {'D', 'L', 'A', 'Y', 'P', 'A', 'C', 'K'};
    /** 2: the header carries a CRC-32C of its own fields (version 1 trusted its flags and lengths unchecked). */
    public static final int VERSION = 2;
    /**
     * Fixed header: magic(8) version(4) flags(4) tableOffset(8) tableLength(8) tableCrc32c(4) fileLength(8)
     * headerCrc32c(4) reserved(16, zero).
     */
    public static final int HEADER_BYTES = 64;
    /** Bytes 0..43 are covered by the header CRC stored at 44. */
    static final int HEADER_CRC_AT = 44;
    /** Every weight blob starts on, and is padded to, this boundary so it can be read with O_DIRECT. */
    public static final int BLOB_ALIGN = 4096;
    public static final int FLAG_FP16 = 1;

    private PackLayout() {
    }

    /** CRC-32C of the header's fields (bytes 0..43) and its reserved tail (48..63). */
    static int headerCrc(byte[] header) {
        CRC32C c = new CRC32C();
        c.update(header, 0, HEADER_CRC_AT);
        c.update(header, HEADER_CRC_AT + 4, HEADER_BYTES - HEADER_CRC_AT - 4);
        return (int) c.getValue();
    }
}
