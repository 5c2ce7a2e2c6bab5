package dev.demandlayering.runtime.onnx;

import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.ModelImportException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decodes ONNX TensorProto messages (onnx.proto field numbers: dims=1, data_type=2, float_data=4,
 * int32_data=5, int64_data=7, name=8, raw_data=9, double_data=10, data_location=14).
 */
public final class TensorProtos {
    // onnx.TensorProto.DataType values
    static final int FLOAT = 1, UINT8 = 2, INT8 = 3, UINT16 = 4, INT16 = 5, INT32 = 6, INT64 = 7, BOOL = 9,
            FLOAT16 = 10, DOUBLE = 11, UINT32 = 12, UINT64 = 13;

    private TensorProtos() {
    }

    /** A named constant read from a TensorProto. */
    public record Named(String name, ConstTensor tensor) {
    }

    /** Reads a standalone serialized TensorProto file (the conformance suite's input_N.pb / output_N.pb). */
    public static Named readFile(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return decode(new ProtoReader(bytes), file.toString());
        } catch (IllegalStateException e) {
            throw new ModelImportException(file + ": not a valid ONNX TensorProto: " + e.getMessage(), e);
        }
    }

    static Named decode(ProtoReader r, String where) {
        ProtoReader.LongList dims = new ProtoReader.LongList();
        int dataType = 0;
        String name = "";
        byte[] raw = null;
        ProtoReader.FloatList floats = new ProtoReader.FloatList();
        ProtoReader.LongList ints = new ProtoReader.LongList();
        boolean external = false;
        while (r.next()) {
            switch (r.field()) {
                case 1 -> r.readVarints(dims);
                case 2 -> dataType = (int) r.readVarint();
                case 4 -> r.readFloats(floats);
                case 5, 7, 11 -> r.readVarints(ints);
                case 8 -> name = r.readString();
                case 9 -> raw = r.readBytes();
                case 10 -> r.readDoubles(floats);
                case 14 -> external = r.readVarint() == 1;
                default -> r.skip();
            }
        }
        String label = where + (name.isEmpty() ? "" : " tensor '" + name + "'");
        if (external) throw new ModelImportException(label + ": external tensor data is not supported; save the model with weights embedded");
        int[] shape = new int[dims.n];
        for (int i = 0; i < shape.length; i++) shape[i] = Math.toIntExact(dims.a[i]);
        long count = 1;
        for (int d : shape) count *= d;
        int n = Math.toIntExact(count);
        return new Named(name, switch (dataType) {
            case FLOAT, DOUBLE, FLOAT16 -> ConstTensor.ofFloats(shape, raw != null ? rawFloats(raw, dataType, n, label)
                    : check(floats.toArray(), n, label, dataType == FLOAT16 ? ints : null));
            case INT64, INT32, INT8, UINT8, INT16, UINT16, UINT32, UINT64, BOOL ->
                    ConstTensor.ofLongs(shape, raw != null ? rawLongs(raw, dataType, n, label) : checkLongs(ints.toArray(), n, label));
            default -> throw new ModelImportException(label + ": unsupported tensor data type " + dataType
                    + " (supported: float, float16, double, int8/16/32/64, uint8/16/32/64, bool)");
        });
    }

    private static float[] check(float[] f, int n, String label, ProtoReader.LongList halfBits) {
        if (halfBits != null && f.length == 0) {
            f = new float[halfBits.n];
            for (int i = 0; i < f.length; i++) f[i] = Half.toFloat((short) halfBits.a[i]);
        }
        if (f.length != n) throw new ModelImportException(label + ": holds " + f.length + " values, shape needs " + n);
        return f;
    }

    private static long[] checkLongs(long[] l, int n, String label) {
        if (l.length != n) throw new ModelImportException(label + ": holds " + l.length + " values, shape needs " + n);
        return l;
    }

    private static float[] rawFloats(byte[] raw, int type, int n, String label) {
        int width = type == DOUBLE ? 8 : type == FLOAT16 ? 2 : 4;
        if (raw.length != (long) n * width) {
            throw new ModelImportException(label + ": raw_data has " + raw.length + " bytes, shape needs " + (long) n * width);
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        float[] f = new float[n];
        for (int i = 0; i < n; i++) {
            f[i] = switch (type) {
                case DOUBLE -> (float) b.getDouble();
                case FLOAT16 -> Half.toFloat(b.getShort());
                default -> b.getFloat();
            };
        }
        return f;
    }

    private static long[] rawLongs(byte[] raw, int type, int n, String label) {
        int width = switch (type) {
            case INT64, UINT64 -> 8;
            case INT32, UINT32 -> 4;
            case INT16, UINT16 -> 2;
            default -> 1;
        };
        if (raw.length != (long) n * width) {
            throw new ModelImportException(label + ": raw_data has " + raw.length + " bytes, shape needs " + (long) n * width);
        }
        ByteBuffer b = ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN);
        long[] l = new long[n];
        for (int i = 0; i < n; i++) {
            l[i] = switch (type) {
                case INT64, UINT64 -> b.getLong();
                case INT32 -> b.getInt();
                case UINT32 -> b.getInt() & 0xffffffffL;
                case INT16 -> b.getShort();
                case UINT16 -> b.getShort() & 0xffff;
                case INT8 -> b.get();
                default -> b.get() & 0xff;
            };
        }
        return l;
    }
}
