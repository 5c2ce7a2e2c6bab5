package dev.demandlayering.runtime.cuda;

import dev.demandlayering.runtime.exec.HalfWeights;
import dev.demandlayering.runtime.exec.Region;
import dev.demandlayering.runtime.exec.TensorRef;
import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;
import dev.demandlayering.runtime.layers.Layer;
import dev.demandlayering.runtime.layers.LayeredModel;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Which kernels of kernels.cu and which GEMMs run a canonical node, with which arguments: the GPU twin of the
 * CPU backend's kernel table, reading the same attributes. Convolutions with enough channels per group, Gemm
 * and MatMul go to the {@link Blas} (im2col into the arena's workspace, in tiles of output pixels that keep it
 * small; a 1x1 stride-1 convolution needs no im2col); depthwise-like and transposed convolutions use direct
 * kernels. Launching is left to a {@link KernelLauncher} (the CUDA driver on a GPU; the tests also run it
 * through a CPU emulation of kernels.cu).
 */
final class CudaOps {
    private static final Map<String, Integer> UNARY = Map.of("Relu", 0, "LeakyRelu", 1, "Sigmoid", 2, "Swish", 3, "HardSigmoid", 4, "HardSwish", 5,
            "Clip", 6, "Tanh", 7, "Mish", 8, dev.demandlayering.runtime.ops.HardSwishFuser.OP, 9);
    private static final Map<String, Integer> BINARY = Map.of("Add", 0, "Sub", 1, "Mul", 2, "Div", 3);
    /** The other operators {@link #run} has a case for. */
    private static final java.util.Set<String> OTHER = java.util.Set.of("Reshape", "Concat", "Split", "Slice", "Transpose", "Pad", "MaxPool",
            "AveragePool", "GlobalAveragePool", "Softmax", "BatchNormalization", "Conv", "ConvTranspose", "Gemm", "MatMul", "Resize");

    /** Whether there is a kernel here for {@code opType}. */
    static boolean supports(String opType) {
        return UNARY.containsKey(opType) || BINARY.containsKey(opType) || OTHER.contains(opType);
    }

    /** Default cap on the im2col buffer; the property dlayer.cuda.im2colBytes sets another. */
    static final long IM2COL_CAP = Long.getLong("dlayer.cuda.im2colBytes", 4L << 20);

    private final KernelLauncher kernels;
    private final Blas blas;
    private final long im2colCap;
    private long workspace;

    /** @param im2colCap the most bytes one im2col tile may take (bigger tiles: fewer, larger GEMMs; smaller: less arena) */
    CudaOps(KernelLauncher kernels, Blas blas, long im2colCap) {
        this.kernels = kernels;
        this.blas = blas;
        this.im2colCap = im2colCap;
    }

    /**
     * Arena workspace the models need: the BLAS's own scratch, then the largest im2col tile of any convolution
     * that runs as a GEMM (float16 with float16 weights, which pointwise convolutions then need too), then room to
     * widen the float16 weights no GEMM reads (placed at the workspace's end).
     */
    long workspaceBytes(List<LayeredModel> models, boolean half) {
        long im2col = 0;
        boolean blasUsed = false;
        for (LayeredModel m : models) {
            for (Layer l : m.layers()) {
                for (Node n : l.nodes()) {
                    blasUsed |= List.of("Conv", "Gemm", "MatMul").contains(n.opType());
                    if (half && (n.opType().equals("Gemm") || n.opType().equals("MatMul"))) {
                        // the activation operand, rounded to float16 (one batch item at a time)
                        int[] as = shapeOf(m, l, n.inputs().get(0));
                        int r = as.length;
                        im2col = Math.max(im2col, 2L * (r >= 2 ? as[r - 2] : 1) * as[r - 1]);
                    }
                    if (!n.opType().equals("Conv")) continue;
                    ConvShape c = ConvShape.of(n, m.activationShapes().get(n.inputs().get(0)), m.activationShapes().get(n.outputs().get(0)),
                            shapeOf(m, l, n.inputs().get(1)));
                    int e = half ? 2 : 4;
                    if (c.asGemm() && (half || !c.pointwise())) im2col = Math.max(im2col, (long) e * c.k() * c.tilePixels(im2colCap, e));
                }
            }
        }
        long widen = half ? HalfWeights.widenBytes(models, CudaOps::widened) : 0;
        return (blasUsed ? blas.workspaceBytes() : 0) + (im2col + 255) / 256 * 256 + widen;
    }

    /**
     * Float16 inputs the kernels read as float32: all but the B operand of Gemm and MatMul and a GEMM convolution's
     * weights, which cuBLAS takes as they are (with the other operand rounded to float16 in the workspace).
     */
    static boolean widened(Node n, int index, int[] shape) {
        if (index != 1) return true;
        return switch (n.opType()) {
            case "Gemm", "MatMul" -> false;
            case "Conv" -> !ConvShape.gemmWeights(shape, n.attributes().getInt("group", 1));
            default -> true;
        };
    }

    /**
     * Launches the kernels of one canonical node on tensors of the arena whose device address is {@code a}, with
     * the planned workspace (arena bytes {@code ws}).
     */
    void run(Node node, long a, TensorRef[] in, TensorRef[] out, Region ws) {
        this.workspace = a + ws.offset();
        in = widenHalf(node, a, in, ws);
        String op = node.opType();
        Attributes at = node.attributes();
        Integer u = UNARY.get(op);
        if (u != null) {
            kernels.launch("unary", size(out[0]), new KernelArgs().ptr(addr(a, in[0])).ptr(addr(a, out[0])).i32(size(out[0])).i32(u)
                    .f32(at.getFloat("alpha", 0f)).f32(at.getFloat("beta", 0f)).f32(at.getFloat("min", Float.NEGATIVE_INFINITY))
                    .f32(at.getFloat("max", Float.POSITIVE_INFINITY)));
            return;
        }
        Integer b = BINARY.get(op);
        if (b != null) {
            int[] os = out[0].shape();
            kernels.launch("binary", size(out[0]), new KernelArgs().ptr(addr(a, in[0])).ptr(addr(a, in[1])).ptr(addr(a, out[0]))
                    .i32(size(out[0])).i32(b).i32(os.length).i8(os).i8(broadcastStrides(in[0].shape(), os)).i8(broadcastStrides(in[1].shape(), os)));
            return;
        }
        switch (op) {
            case "Reshape" -> copy(a, in[0], out[0]);
            case "Concat" -> concat(a, at.getInt("axis", 0), in, out[0]);
            case "Split" -> split(a, at.getInt("axis", 0), in[0], out);
            case "Slice" -> slice(a, in[0], out[0], at.getInts("starts", null), at.getInts("steps", null));
            case "Transpose" -> transpose(a, in[0], out[0], at.getInts("perm", null));
            case "Pad" -> pad(a, node, in[0], out[0]);
            case "MaxPool", "AveragePool" -> pool(a, node, in[0], out[0]);
            case "GlobalAveragePool" -> {
                int[] x = in[0].shape();
                int planes = x[0] * x[1];
                kernels.launch("global_avg", planes, new KernelArgs().ptr(addr(a, in[0])).ptr(addr(a, out[0])).i32(planes)
                        .i32(size(in[0]) / planes));
            }
            case "Softmax" -> softmax(a, node, in[0], out[0]);
            case "BatchNormalization" -> {
                int[] s = in[0].shape();
                int c = s.length > 1 ? s[1] : 1;
                kernels.launch("batchnorm", size(in[0]), new KernelArgs().ptr(addr(a, in[0])).ptr(addr(a, in[1])).ptr(addr(a, in[2]))
                        .ptr(addr(a, in[3])).ptr(addr(a, in[4])).ptr(addr(a, out[0])).i32(size(in[0])).i32(c).i32(size(in[0]) / s[0] / c)
                        .f32(at.getFloat("epsilon", 1e-5f)));
            }
            case "Conv", "ConvTranspose" -> conv(a, node, in, out[0]);
            case "Gemm" -> gemm(a, at, in, out[0]);
            case "MatMul" -> matmul(a, in[0], in[1], out[0]);
            case "Resize" -> resize(a, at, in[0], out[0]);
            default -> throw new IllegalStateException("the CUDA backend has no kernel for " + node.describe());
        }
    }

    /** A tensor's shape: a weight of the layer, or an activation (weights computed at run time). */
    private static int[] shapeOf(LayeredModel m, Layer l, String name) {
        return l.weights().stream().filter(w -> w.name().equals(name)).map(Layer.WeightRef::shape).findFirst()
                .orElseGet(() -> m.activationShapes().get(name));
    }

    /** Float16 inputs the kernels cannot read, widened into float32 copies at the end of the workspace. */
    private TensorRef[] widenHalf(Node node, long a, TensorRef[] in, Region ws) {
        long bytes = HalfWeights.bytes(node, in, CudaOps::widened);
        if (bytes == 0) return in;
        return HalfWeights.widen(node, in, ws.offset() + ws.bytes() - bytes, CudaOps::widened,
                (from, to) -> kernels.launch("widen_half", size(from), new KernelArgs().ptr(addr(a, from)).ptr(addr(a, to)).i32(size(from))));
    }

    private static long addr(long a, TensorRef t) {
        return a + t.offset();
    }

    private static int size(TensorRef t) {
        long n = Shapes.size(t.shape());
        if (n > Integer.MAX_VALUE) throw new IllegalArgumentException("tensor of " + n + " elements is too large for the CUDA kernels");
        return (int) n;
    }

    /** Strides of an operand read over the output's index space (numpy broadcasting): 0 along broadcast axes. */
    static int[] broadcastStrides(int[] s, int[] os) {
        int[] padded = new int[os.length];
        Arrays.fill(padded, 1);
        System.arraycopy(s, 0, padded, os.length - s.length, s.length);
        int[] st = new int[os.length];
        int stride = 1;
        for (int d = os.length - 1; d >= 0; d--) {
            st[d] = padded[d] == 1 && os[d] != 1 ? 0 : stride;
            stride *= padded[d];
        }
        return st;
    }

    /** Reshape: the same values under a new shape (nothing to do when planned in place). */
    private void copy(long a, TensorRef in, TensorRef out) {
        if (in.offset() == out.offset()) return;
        kernels.launch("gather", size(out), new KernelArgs().ptr(addr(a, in)).ptr(addr(a, out)).i32(size(out)).i32(1).i8(new int[] {size(out)})
                .i8(new int[] {1}).i64(0));
    }

    private void concat(long a, int axis, TensorRef[] in, TensorRef out) {
        int[] os = out.shape();
        int[] ostr = Shapes.strides(os);
        long at = 0;
        for (TensorRef t : in) {
            if (size(t) == 0) continue;
            kernels.launch("scatter", size(t), new KernelArgs().ptr(addr(a, t)).ptr(addr(a, out)).i32(size(t)).i32(os.length).i8(t.shape())
                    .i8(ostr).i64(at * ostr[axis]));
            at += t.shape()[axis];
        }
    }

    private void split(long a, int axis, TensorRef in, TensorRef[] out) {
        int[] istr = Shapes.strides(in.shape());
        long at = 0;
        for (TensorRef t : out) {
            if (size(t) == 0) continue;
            kernels.launch("gather", size(t), new KernelArgs().ptr(addr(a, in)).ptr(addr(a, t)).i32(size(t)).i32(t.shape().length).i8(t.shape())
                    .i8(istr).i64(at * istr[axis]));
            at += t.shape()[axis];
        }
    }

    private void slice(long a, TensorRef in, TensorRef out, int[] start, int[] step) {
        int[] is = Shapes.strides(in.shape());
        int[] st = new int[is.length];
        long offset = 0;
        for (int d = 0; d < is.length; d++) {
            st[d] = step[d] * is[d];
            offset += (long) start[d] * is[d];
        }
        kernels.launch("gather", size(out), new KernelArgs().ptr(addr(a, in)).ptr(addr(a, out)).i32(size(out)).i32(is.length).i8(out.shape())
                .i8(st).i64(offset));
    }

    private void transpose(long a, TensorRef in, TensorRef out, int[] perm) {
        int[] is = Shapes.strides(in.shape());
        int[] st = new int[perm.length];
        for (int i = 0; i < perm.length; i++) st[i] = is[perm[i]];
        kernels.launch("gather", size(out), new KernelArgs().ptr(addr(a, in)).ptr(addr(a, out)).i32(size(out)).i32(perm.length)
                .i8(out.shape()).i8(st).i64(0));
    }

    private void pad(long a, Node node, TensorRef in, TensorRef out) {
        long[] pads = node.attributes().getLongs("pads", null);
        int rank = in.shape().length;
        int[] before = new int[rank];
        for (int d = 0; d < rank; d++) before[d] = (int) pads[d];
        int mode = switch (node.attributes().getString("mode", "constant")) {
            case "edge" -> 1;
            case "reflect" -> 2;
            default -> 0;
        };
        kernels.launch("pad", size(out), new KernelArgs().ptr(addr(a, in)).ptr(addr(a, out)).i32(size(out)).i32(rank).i8(out.shape())
                .i8(in.shape()).i8(before).i32(mode).f32(node.attributes().getFloat("value", 0f)));
    }

    private void pool(long a, Node node, TensorRef in, TensorRef out) {
        Attributes at = node.attributes();
        int[] x = in.shape();
        int planes = x[0] * x[1];
        int h = x.length == 4 ? x[2] : 1, w = x[x.length - 1];
        int[] k = at.getInts("kernel_shape", null), s = at.getInts("strides", null), d = at.getInts("dilations", null);
        int[] p = at.getInts("pads", null), o = at.getInts("out_spatial", null);
        kernels.launch("pool2d", (long) planes * o[0] * o[1], new KernelArgs().ptr(addr(a, in)).ptr(addr(a, out)).i32(planes).i32(h).i32(w)
                .i32(o[0]).i32(o[1]).i32(k[0]).i32(k[1]).i32(s[0]).i32(s[1]).i32(d[0]).i32(d[1]).i32(p[0]).i32(p[1]).i32(p[2]).i32(p[3])
                .i32(node.opType().equals("MaxPool") ? 1 : 0).i32(at.getInt("count_include_pad", 0)));
    }

    private void softmax(long a, Node node, TensorRef in, TensorRef out) {
        int[] s = in.shape();
        int axis = node.attributes().getInt("axis", s.length - 1);
        boolean coerce = node.attributes().getInt("coerce", 0) == 1;
        long outer = 1;
        for (int i = 0; i < axis; i++) outer *= s[i];
        int len = coerce ? (int) (Shapes.size(s) / outer) : s[axis];
        int inner = coerce ? 1 : (int) (Shapes.size(s) / outer / len);
        int lanes = (int) outer * inner;
        kernels.launch("softmax", lanes, new KernelArgs().ptr(addr(a, in)).ptr(addr(a, out)).i32(lanes).i32(len).i32(inner));
    }

    private void conv(long a, Node node, TensorRef[] in, TensorRef out) {
        Attributes at = node.attributes();
        int[] x = in[0].shape(), y = out.shape(), wt = in[1].shape();
        boolean transposed = node.opType().equals("ConvTranspose");
        boolean bias = in.length > 2;
        if (!transposed) {
            ConvShape c = ConvShape.of(node, x, y, wt);
            if (c.asGemm()) {
                convGemm(a, c, in, out);
                return;
            }
        }
        int[] s = at.getInts("strides", null), d = at.getInts("dilations", null), p = at.getInts("pads", null);
        kernels.launch(transposed ? "conv_transpose2d" : "conv2d", (long) size(out), new KernelArgs().ptr(addr(a, in[0])).ptr(addr(a, in[1]))
                .ptr(bias ? addr(a, in[2]) : 0).ptr(addr(a, out)).i32(x[0]).i32(x[1]).i32(x[2]).i32(x[3]).i32(y[1]).i32(wt[2]).i32(wt[3])
                .i32(y[2]).i32(y[3]).i32(s[0]).i32(s[1]).i32(d[0]).i32(d[1]).i32(p[0]).i32(p[1]).i32(at.getInt("group", 1)).i32(bias ? 1 : 0));
    }

    /**
     * Per image and group, Y_g [mg x P] = W_g [mg x K] . col [K x P] (row-major), which cuBLAS (column-major) takes
     * as Y_g^T = col^T . W_g^T with no transposes. col is the input itself for a pointwise convolution, else
     * im2col tiles of output pixels in the workspace, each followed by the GEMM for its columns of Y.
     */
    private void convGemm(long a, ConvShape c, TensorRef[] in, TensorRef out) {
        long x = addr(a, in[0]), w = addr(a, in[1]), y = addr(a, out);
        long col = workspace + blas.workspaceBytes();
        boolean half = in[1].half();
        int e = half ? 2 : 4;
        int p = c.pixels(), tile = c.tilePixels(im2colCap, e);
        for (int img = 0; img < c.n(); img++) {
            for (int g = 0; g < c.group(); g++) {
                long xg = x + 4L * ((long) img * c.c() + (long) g * c.cg()) * c.h() * c.w();
                long wg = w + (long) e * g * c.mg() * c.k();
                long yg = y + 4L * ((long) img * c.m() + (long) g * c.mg()) * p;
                if (c.pointwise() && !half) {
                    blas.sgemm(false, false, p, c.mg(), c.k(), 1f, xg, p, wg, c.k(), 0f, yg, p, workspace);
                    continue;
                }
                for (int p0 = 0; p0 < p; p0 += tile) {
                    int pt = Math.min(tile, p - p0);
                    // float16 weights: the tile is float16 too, and the GEMM runs on the tensor cores
                    kernels.launch(half ? "im2col_h" : "im2col", (long) c.k() * pt, new KernelArgs().ptr(xg).ptr(col).i32(c.h()).i32(c.w())
                            .i32(c.kh()).i32(c.kw()).i32(c.ow()).i32(c.sh()).i32(c.sw()).i32(c.dh()).i32(c.dw()).i32(c.ph()).i32(c.pw()).i32(c.k())
                            .i32(p0).i32(pt));
                    if (half) blas.hgemm(false, false, pt, c.mg(), c.k(), 1f, col, pt, wg, c.k(), 0f, yg + 4L * p0, p, workspace);
                    else blas.sgemm(false, false, pt, c.mg(), c.k(), 1f, col, pt, wg, c.k(), 0f, yg + 4L * p0, p, workspace);
                }
            }
        }
        if (in.length > 2) {
            kernels.launch("channel_bias", size(out), new KernelArgs().ptr(y).ptr(addr(a, in[2])).i32(size(out)).i32(c.m()).i32(p));
        }
    }

    /**
     * ONNX Gemm, Y [m x n] = alpha op(A) op(B) + beta C (row-major), as cuBLAS's column-major Y^T = op(B)^T op(A)^T:
     * a row-major matrix is its own transpose in column-major terms, so B comes first and the flags carry over.
     * C is first broadcast into Y, then the GEMM adds to it with beta.
     */
    private void gemm(long a, Attributes at, TensorRef[] in, TensorRef out) {
        boolean ta = at.getInt("transA", 0) == 1, tb = at.getInt("transB", 0) == 1;
        int[] as = in[0].shape(), bs = in[1].shape();
        int m = ta ? as[1] : as[0], k = ta ? as[0] : as[1], n = tb ? bs[0] : bs[1];
        boolean hasC = in.length > 2;
        if (hasC) {
            int[] cs = broadcastStrides(in[2].shape(), new int[] {m, n});
            kernels.launch("gather", (long) m * n, new KernelArgs().ptr(addr(a, in[2])).ptr(addr(a, out)).i32(m * n).i32(2).i8(new int[] {m, n})
                    .i8(cs).i64(0));
        }
        if (m == 0 || n == 0) return;
        float beta = hasC ? at.getFloat("beta", 1f) : 0f;
        if (in[1].half()) {
            // float16 weights: the activation operand rounded to float16 too, then the tensor cores
            long a16 = workspace + blas.workspaceBytes();
            kernels.launch("narrow_half", size(in[0]), new KernelArgs().ptr(addr(a, in[0])).ptr(a16).i32(size(in[0])));
            blas.hgemm(tb, ta, n, m, k, at.getFloat("alpha", 1f), addr(a, in[1]), Math.max(1, bs[1]), a16, Math.max(1, as[1]), beta, addr(a, out), n,
                    workspace);
            return;
        }
        blas.sgemm(tb, ta, n, m, k, at.getFloat("alpha", 1f), addr(a, in[1]), Math.max(1, bs[1]), addr(a, in[0]), Math.max(1, as[1]), beta,
                addr(a, out), n, workspace);
    }

    private void matmul(long a, TensorRef ra, TensorRef rb, TensorRef out) {
        int[] as = ra.shape().length == 1 ? new int[] {1, ra.shape()[0]} : ra.shape();
        int[] bs = rb.shape().length == 1 ? new int[] {rb.shape()[0], 1} : rb.shape();
        int m = as[as.length - 2], k = as[as.length - 1], n = bs[bs.length - 1];
        int[] batchA = Arrays.copyOf(as, as.length - 2), batchB = Arrays.copyOf(bs, bs.length - 2);
        int[] batch = Shapes.broadcast(batchA, batchB);
        int count = (int) Shapes.size(batch);
        int[] mapA = dev.demandlayering.runtime.ops.Broadcast.indexMap(batchA, batch);
        int[] mapB = dev.demandlayering.runtime.ops.Broadcast.indexMap(batchB, batch);
        if (m == 0 || n == 0) return;
        boolean half = rb.half();
        long a16 = workspace + blas.workspaceBytes();
        for (int i = 0; i < count; i++) {
            long ai = addr(a, ra) + 4L * mapA[i] * m * k, yi = addr(a, out) + 4L * i * m * n;
            if (half) {
                kernels.launch("narrow_half", (long) m * k, new KernelArgs().ptr(ai).ptr(a16).i32(m * k));
                blas.hgemm(false, false, n, m, k, 1f, addr(a, rb) + 2L * mapB[i] * k * n, n, a16, Math.max(1, k), 0f, yi, n, workspace);
            } else {
                blas.sgemm(false, false, n, m, k, 1f, addr(a, rb) + 4L * mapB[i] * k * n, n, ai, Math.max(1, k), 0f, yi, n, workspace);
            }
        }
    }

    private void resize(long a, Attributes at, TensorRef in, TensorRef out) {
        int[] x = in.shape(), y = out.shape();
        int r = x.length;
        int ih = r >= 2 ? x[r - 2] : 1, iw = x[r - 1], oh = r >= 2 ? y[r - 2] : 1, ow = y[r - 1];
        float[] sc = at.getFloats("scales", null);
        int coord = switch (at.getString("coordinate_transformation_mode", "half_pixel")) {
            case "asymmetric" -> 1;
            case "align_corners" -> 2;
            case "pytorch_half_pixel" -> 3;
            case "tf_half_pixel_for_nn" -> 4;
            default -> 0;
        };
        int nearest = switch (at.getString("nearest_mode", "round_prefer_floor")) {
            case "round_prefer_ceil" -> 1;
            case "floor" -> 2;
            case "ceil" -> 3;
            default -> 0;
        };
        int planes = (int) (Shapes.size(x) / ((long) ih * iw));
        kernels.launch("resize", (long) planes * oh * ow, new KernelArgs().ptr(addr(a, in)).ptr(addr(a, out)).i32(planes).i32(ih).i32(iw)
                .i32(oh).i32(ow).f32(r >= 2 ? sc[r - 2] : 1f).f32(sc[r - 1]).i32(coord).i32(nearest)
                .i32(at.getString("mode", "nearest").equals("linear") ? 1 : 0));
    }

}
