package dev.demandlayering.runtime.pack;

/** Where one layer's weight blob lies in the pack: file offset, payload length, padded length, CRC32C. */
public record BlobInfo(long offset, long length, long paddedLength, int crc32c) {
}
