package dev.demandlayering.ros.bag;

/** MCAP constants (the MCAP specification, format version 0). */
final class Mcap {
    private Mcap() {
    }

    static final byte[] MAGIC = {(byte) 0x89, 'M', 'C', 'A', 'P', '0', '\r', '\n'};
    static final int HEADER = 0x01, FOOTER = 0x02, SCHEMA = 0x03, CHANNEL = 0x04, MESSAGE = 0x05, CHUNK = 0x06, MESSAGE_INDEX = 0x07,
            CHUNK_INDEX = 0x08, ATTACHMENT = 0x09, ATTACHMENT_INDEX = 0x0A, STATISTICS = 0x0B, METADATA = 0x0C, METADATA_INDEX = 0x0D,
            SUMMARY_OFFSET = 0x0E, DATA_END = 0x0F;
    /** opcode + record length */
    static final int RECORD_PREFIX = 9;
    /** the footer record (prefix + summary_start, summary_offset_start, summary_crc) */
    static final int FOOTER_RECORD = RECORD_PREFIX + 8 + 8 + 4;
}
