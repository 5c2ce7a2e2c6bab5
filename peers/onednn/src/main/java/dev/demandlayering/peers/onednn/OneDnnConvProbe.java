package dev.demandlayering.peers.onednn;

import static org.bytedeco.dnnl.global.dnnl.*;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.dnnl.dnnl_engine;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_memory_desc;
import org.bytedeco.dnnl.dnnl_post_ops;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_primitive_attr;
import org.bytedeco.dnnl.dnnl_primitive_desc;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerPointer;

/**
 * oneDNN's forward convolution (fp32, a LeakyRelu post-op, as the YOLO and NanoDet layers fuse) on a list of
 * convolution shapes, timed per shape in two arrangements:
 * <ul>
 * <li>{@code nchw}: what a dlayer backend on oneDNN would run: input and output in the arena's NCHW, weights
 * arriving as OIHW blobs every frame (a streamed layer), so each frame reorders them into the layout the
 * convolution picked before it runs (the reorder is timed with it);
 * <li>{@code blocked}: oneDNN's best case: input, output and weights in the blocked layouts it picks, the weights
 * reordered once (resident), nothing but the convolution timed.
 * </ul>
 * Usage: {@code OneDnnConvProbe SHAPES FRAMES}; SHAPES has one convolution per line, {@code C H W M KH KW STRIDE
 * PAD} (batch 1, square stride and padding), {@code #} comments. Prints one line per shape: the two medians in
 * milliseconds over FRAMES frames, every shape run once per frame, in order, so that a slow spell of a shared
 * host slows all alike. Threads: OpenMP's ({@code OMP_NUM_THREADS}).
 */
public final class OneDnnConvProbe {
    /** Native buffers handed to oneDNN: held here, since JavaCPP frees a pointer once it is unreachable. */
    private static final List<FloatPointer> BUFFERS = new ArrayList<>();

    private OneDnnConvProbe() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 2) {
            System.err.println("usage: OneDnnConvProbe SHAPES FRAMES");
            System.exit(2);
        }
        List<Shape> shapes = Shape.read(Path.of(args[0]));
        int frames = Integer.parseInt(args[1]);
        dnnl_engine engine = new dnnl_engine();
        check(dnnl_engine_create(engine, dnnl_cpu, 0), "engine");
        dnnl_stream stream = new dnnl_stream();
        check(dnnl_stream_create(stream, engine, dnnl_stream_default_flags), "stream");
        List<Conv> streamed = new ArrayList<>(), blocked = new ArrayList<>();
        for (Shape s : shapes) {
            streamed.add(new Conv(s, false, engine));
            blocked.add(new Conv(s, true, engine));
        }
        double[][] tStreamed = new double[shapes.size()][frames], tBlocked = new double[shapes.size()][frames];
        for (int f = 0; f < frames; f++) {
            for (int i = 0; i < shapes.size(); i++) {
                tStreamed[i][f] = streamed.get(i).run(stream);
                tBlocked[i][f] = blocked.get(i).run(stream);
            }
        }
        System.out.println("# shape\tnchw_ms\tblocked_ms\timplementation (nchw / blocked)");
        for (int i = 0; i < shapes.size(); i++) {
            System.out.printf("%s\t%.4f\t%.4f\t%s / %s%n", shapes.get(i), median(tStreamed[i]), median(tBlocked[i]), streamed.get(i).impl, blocked.get(i).impl);
        }
    }

    private static double median(double[] t) {
        double[] s = t.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static void check(int status, String what) {
        if (status != dnnl_success) throw new IllegalStateException("oneDNN " + what + " failed with status " + status);
    }

    /** One convolution, batch 1: channels, input size, output channels, kernel, stride and padding. */
    record Shape(int c, int h, int w, int m, int kh, int kw, int stride, int pad) {
        int oh() {
            return (h + 2 * pad - kh) / stride + 1;
        }

        int ow() {
            return (w + 2 * pad - kw) / stride + 1;
        }

        @Override
        public String toString() {
            return c + "x" + h + "x" + w + "->" + m + " " + kh + "x" + kw + "/" + stride + " p" + pad;
        }

        static List<Shape> read(Path file) throws IOException {
            List<Shape> shapes = new ArrayList<>();
            List<String> lines = Files.readAllLines(file);
            for (int n = 0; n < lines.size(); n++) {
                String line = lines.get(n).strip();
                if (line.isEmpty() || line.startsWith("#")) continue;
                String[] f = line.split("\\s+");
                if (f.length != 8) {
                    throw new IllegalArgumentException(file + ":" + (n + 1) + ": expected 8 numbers (C H W M KH KW STRIDE PAD), found: " + line);
                }
                int[] v = new int[8];
                for (int i = 0; i < 8; i++) v[i] = Integer.parseInt(f[i]);
                shapes.add(new Shape(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7]));
            }
            if (shapes.isEmpty()) throw new IllegalArgumentException(file + ": no convolution shapes");
            return shapes;
        }
    }

    /** A convolution primitive with its memory, and (nchw) the reorder of OIHW weights it runs first every frame. */
    private static final class Conv {
        final String impl;
        private final dnnl_primitive conv = new dnnl_primitive(), reorder;
        private final dnnl_exec_arg_t args = new dnnl_exec_arg_t(4), reorderArgs = new dnnl_exec_arg_t(2);

        Conv(Shape s, boolean blocked, dnnl_engine engine) {
            int layout = blocked ? dnnl_format_tag_any : dnnl_nchw;
            dnnl_memory_desc src = desc(new long[] {1, s.c(), s.h(), s.w()}, layout), dst = desc(new long[] {1, s.m(), s.oh(), s.ow()}, layout);
            dnnl_memory_desc weights = desc(new long[] {s.m(), s.c(), s.kh(), s.kw()}, dnnl_format_tag_any), bias = desc(new long[] {s.m()}, dnnl_x);
            dnnl_primitive_attr attr = new dnnl_primitive_attr();
            check(dnnl_primitive_attr_create(attr), "attribute");
            dnnl_post_ops post = new dnnl_post_ops();
            check(dnnl_post_ops_create(post), "post-ops");
            check(dnnl_post_ops_append_eltwise(post, dnnl_eltwise_relu, 0.1f, 0f), "LeakyRelu post-op");
            check(dnnl_primitive_attr_set_post_ops(attr, post), "attribute's post-ops");
            dnnl_primitive_desc pd = new dnnl_primitive_desc();
            check(dnnl_convolution_forward_primitive_desc_create(pd, engine, dnnl_forward_inference, dnnl_convolution_direct, src, weights, bias, dst,
                    new long[] {s.stride(), s.stride()}, new long[] {0, 0}, new long[] {s.pad(), s.pad()}, new long[] {s.pad(), s.pad()}, attr),
                    "convolution " + s);
            PointerPointer<BytePointer> name = new PointerPointer<>(1);
            check(dnnl_primitive_desc_query(pd, dnnl_query_impl_info_str, 0, name), "implementation name");
            impl = name.getString(0);
            check(dnnl_primitive_create(conv, pd), "convolution primitive " + s);
            dnnl_memory_desc wPicked = dnnl_primitive_desc_query_md(pd, dnnl_query_weights_md, 0);
            dnnl_memory srcMem = memory(dnnl_primitive_desc_query_md(pd, dnnl_query_src_md, 0), engine);
            dnnl_memory dstMem = memory(dnnl_primitive_desc_query_md(pd, dnnl_query_dst_md, 0), engine);
            dnnl_memory wMem = memory(wPicked, engine), bMem = memory(bias, engine);
            args.position(0).arg(DNNL_ARG_SRC).memory(srcMem);
            args.position(1).arg(DNNL_ARG_WEIGHTS).memory(wMem);
            args.position(2).arg(DNNL_ARG_BIAS).memory(bMem);
            args.position(3).arg(DNNL_ARG_DST).memory(dstMem);
            args.position(0);
            if (blocked) {
                reorder = null;
                return;
            }
            dnnl_memory_desc oihw = desc(new long[] {s.m(), s.c(), s.kh(), s.kw()}, dnnl_oihw);
            dnnl_primitive_desc rpd = new dnnl_primitive_desc();
            check(dnnl_reorder_primitive_desc_create(rpd, oihw, engine, wPicked, engine, null), "weights reorder " + s);
            reorder = new dnnl_primitive();
            check(dnnl_primitive_create(reorder, rpd), "weights reorder primitive " + s);
            reorderArgs.position(0).arg(DNNL_ARG_FROM).memory(memory(oihw, engine));
            reorderArgs.position(1).arg(DNNL_ARG_TO).memory(wMem);
            reorderArgs.position(0);
        }

        /** One frame of this layer, in milliseconds. */
        double run(dnnl_stream stream) {
            long t0 = System.nanoTime();
            if (reorder != null) check(dnnl_primitive_execute(reorder, stream, 2, reorderArgs), "weights reorder");
            check(dnnl_primitive_execute(conv, stream, 4, args), "convolution");
            check(dnnl_stream_wait(stream), "stream wait");
            return (System.nanoTime() - t0) / 1e6;
        }

        private static dnnl_memory_desc desc(long[] dims, int tag) {
            dnnl_memory_desc d = new dnnl_memory_desc();
            check(dnnl_memory_desc_create_with_tag(d, dims.length, dims, dnnl_f32, tag), "memory descriptor " + Arrays.toString(dims));
            return d;
        }

        /** Memory of a descriptor's size, filled with values in [-0.5, 0.5) (not zeros: no shortcut may apply). */
        private static dnnl_memory memory(dnnl_memory_desc d, dnnl_engine engine) {
            long n = dnnl_memory_desc_get_size(d) / 4;
            FloatPointer data = new FloatPointer(n + 16);
            BUFFERS.add(data);
            java.util.Random r = new java.util.Random(n);
            for (long i = 0; i < n; i++) data.put(i, r.nextFloat() - 0.5f);
            dnnl_memory m = new dnnl_memory();
            check(dnnl_memory_create(m, d, engine, data), "memory");
            return m;
        }
    }
}
