package dev.demandlayering.cli;

import dev.demandlayering.runtime.io.ByteSizes;
import picocli.CommandLine;

/** Picocli converter for byte sizes: 1048576, 512KiB, 16MiB, 1.5GiB (also KB/MB/GB as powers of 1000). */
final class ByteSize implements CommandLine.ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
        return parse(value);
    }

    static long parse(String value) {
        try {
            return ByteSizes.parse(value);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException(e.getMessage());
        }
    }

    static String human(long bytes) {
        return ByteSizes.human(bytes);
    }
}
