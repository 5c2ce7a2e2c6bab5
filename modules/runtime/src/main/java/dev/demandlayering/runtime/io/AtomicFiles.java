package dev.demandlayering.runtime.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Replaces a file whole or not at all: the content goes to a temporary file of this writer's own beside the
 * target, which is then renamed over it atomically. A reader never meets half a file, an interrupted writer
 * leaves the old one, and writers racing for one target never share a temporary file: the last rename wins.
 */
public final class AtomicFiles {
    /** Writes the content into the temporary file it is given. */
    public interface Writer {
        void write(Path tmp) throws IOException;
    }

    private AtomicFiles() {
    }

    public static void replace(Path target, Writer writer) throws IOException {
        Path tmp = Files.createTempFile(target.toAbsolutePath().getParent(), target.getFileName() + ".", ".tmp");
        try {
            // temporary files are created private (0600); the finished file gets what a plain write would give
            if (Files.getFileStore(tmp).supportsFileAttributeView("posix")) Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
            writer.write(tmp);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }
}
