package dev.demandlayering.runtime.darknet;

import dev.demandlayering.runtime.graph.ModelImportException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.SplittableRandom;

/** Where a Darknet network's parameters come from, in the order Darknet stores them: a .weights file, or seeded random values. */
public interface WeightSource {
    /** The next {@code n} floats, for {@code what} (named in errors). */
    float[] next(int n, String what);

    /** Called when every layer has taken its parameters: a file with bytes left over is reported. */
    default void finish() {
    }

    /** Kind of values: weights drawn uniformly in ±scale, batch-norm statistics kept near identity. */
    enum Kind { WEIGHTS, BIAS, BN_SCALE, BN_MEAN, BN_VARIANCE }

    default float[] next(int n, String what, Kind kind, float scale) {
        return next(n, what);
    }

    /**
     * A Darknet .weights file: a header (major, minor, revision as int32, then "images seen" as int64 from
     * version 0.2 on, else int32), then each layer's float32 parameters in layer order.
     */
    static WeightSource file(Path weights) throws IOException {
        if (!Files.exists(weights)) throw new NoSuchFileException(weights.toString(), null, "Darknet weights not found");
        ByteBuffer b;
        try (FileChannel ch = FileChannel.open(weights, StandardOpenOption.READ)) {
            if (ch.size() > Integer.MAX_VALUE) throw new ModelImportException(weights + ": larger than 2 GiB, not supported");
            b = ByteBuffer.allocate((int) ch.size()).order(ByteOrder.LITTLE_ENDIAN);
            while (b.hasRemaining() && ch.read(b) > 0) {
                // read it all
            }
            b.flip();
        }
        if (b.remaining() < 16) throw new ModelImportException(weights + ": " + b.remaining() + " bytes is too short for a Darknet weights header");
        int major = b.getInt(), minor = b.getInt();
        b.getInt(); // revision
        if (major * 10 + minor >= 2) b.getLong();
        else b.getInt();
        int header = b.position();
        return new WeightSource() {
            @Override
            public float[] next(int n, String what) {
                if (b.remaining() < 4L * n) {
                    throw new ModelImportException(weights + ": ends at byte " + b.limit() + " but " + what + " needs " + n + " floats from byte " + b.position()
                            + " (" + (4L * n - b.remaining()) + " bytes missing): the weights do not match the cfg");
                }
                float[] f = new float[n];
                b.asFloatBuffer().get(f);
                b.position(b.position() + 4 * n);
                return f;
            }

            @Override
            public void finish() {
                if (b.hasRemaining()) {
                    throw new ModelImportException(weights + ": " + b.remaining() + " bytes left after the last layer (header " + header
                            + " bytes): the weights do not match the cfg");
                }
            }
        };
    }

    /** Seeded random parameters: the same seed gives the same network. */
    static WeightSource random(long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        return new WeightSource() {
            @Override
            public float[] next(int n, String what) {
                return next(n, what, Kind.WEIGHTS, 0.05f);
            }

            @Override
            public float[] next(int n, String what, Kind kind, float scale) {
                float[] f = new float[n];
                for (int i = 0; i < n; i++) {
                    f[i] = switch (kind) {
                        case WEIGHTS -> (float) ((r.nextDouble() * 2 - 1) * scale);
                        case BIAS, BN_MEAN -> (float) ((r.nextDouble() * 2 - 1) * 0.01);
                        case BN_SCALE -> (float) (0.9 + 0.2 * r.nextDouble());
                        case BN_VARIANCE -> (float) (0.9 + 0.2 * r.nextDouble());
                    };
                }
                return f;
            }
        };
    }
}
