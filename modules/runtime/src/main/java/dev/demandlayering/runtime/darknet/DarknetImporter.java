package dev.demandlayering.runtime.darknet;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.ModelImportException;
import dev.demandlayering.runtime.graph.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * A Darknet network (cfg + parameters) as a graph of the runtime's ONNX operators: convolutional (batch norm,
 * groups, dilation; leaky, mish, swish, logistic, relu or linear), connected, maxpool (Darknet's padding),
 * avgpool, route (with groups/group_id), shortcut, upsample, reorg, softmax, and crop, dropout and cost (no-ops
 * here), with each [yolo]/[region] input as a graph output. Batch norm is emitted as
 * BatchNormalization after a bias-free Conv, which the normaliser folds (Darknet's epsilon, 1e-6).
 * <p>
 * With no weight source it only walks the shapes: {@link #layerWeightCounts} gives each layer's parameter
 * count (batch norm folded) without allocating the network, for the paper's large networks.
 */
public final class DarknetImporter {
    /** A layer's output: the tensor, its channels, height and width. */
    private record Out(String tensor, int c, int h, int w) {
    }

    private final DarknetCfg cfg;
    private final WeightSource weights;
    private final Graph g;
    private final List<Out> outs = new ArrayList<>();
    private final long[] counts;
    private int fresh;

    private DarknetImporter(DarknetCfg cfg, WeightSource weights, String name) {
        this.cfg = cfg;
        this.weights = weights;
        this.g = weights == null ? null : new Graph(name);
        this.counts = new long[cfg.layers().size()];
    }

    /** The network as a graph; parameters from {@code weights} in Darknet's order. */
    public static Graph toGraph(DarknetCfg cfg, WeightSource weights) {
        if (weights == null) throw new IllegalArgumentException("a weight source is required");
        String name = cfg.file().getFileName().toString().replaceFirst("\\.cfg$", "");
        DarknetImporter d = new DarknetImporter(cfg, weights, name);
        d.walk();
        weights.finish();
        d.g.setOpset(13);
        return d.g;
    }

    /** Each layer's parameter count, batch norm folded into the convolution (filters' weights + one bias each). */
    public static long[] layerWeightCounts(DarknetCfg cfg) {
        DarknetImporter d = new DarknetImporter(cfg, null, "count");
        d.walk();
        return d.counts;
    }

    private void walk() {
        DarknetCfg.Section net = cfg.net();
        int c = net.getInt("channels", 3), h = net.getInt("height", 0), w = net.getInt("width", 0);
        if (h <= 0 || w <= 0 || c <= 0) throw new ModelImportException(net.where() + ": width, height and channels must be positive");
        String input = "input";
        if (g != null) g.inputs().put(input, new int[] {1, c, h, w});
        Out prev = new Out(input, c, h, w);
        List<DarknetCfg.Section> layers = cfg.layers();
        for (int i = 0; i < layers.size(); i++) {
            DarknetCfg.Section s = layers.get(i);
            Out o = switch (s.type()) {
                case "convolutional" -> conv(i, s, prev);
                case "connected" -> connected(i, s, prev);
                case "maxpool" -> maxpool(i, s, prev);
                case "avgpool" -> node("GlobalAveragePool", i, List.of(prev.tensor()), new Attributes(), prev.c(), 1, 1);
                case "route" -> route(i, s);
                case "shortcut" -> shortcut(i, s, prev);
                case "upsample" -> upsample(i, s, prev);
                case "reorg" -> reorg(i, s, prev);
                case "crop" -> crop(i, s, prev);
                case "softmax" -> softmax(i, prev);
                case "dropout", "cost" -> prev;
                case "yolo", "region" -> {
                    if (g != null) g.outputs().add(prev.tensor());
                    yield prev;
                }
                default -> throw new ModelImportException(s.where() + ": section not supported");
            };
            outs.add(o);
            prev = o;
        }
        if (g != null && g.outputs().isEmpty()) g.outputs().add(prev.tensor());
    }

    private Out conv(int i, DarknetCfg.Section s, Out x) {
        int filters = s.getInt("filters", 1), size = s.getInt("size", 1), stride = s.getInt("stride", 1);
        int groups = s.getInt("groups", 1), dilation = s.getInt("dilation", 1);
        if (s.options().containsKey("stride_x") || s.options().containsKey("stride_y")) {
            throw new ModelImportException(s.where() + ": stride_x/stride_y (unequal strides) are not supported");
        }
        if (filters <= 0 || size <= 0 || stride <= 0 || groups <= 0 || dilation <= 0) {
            throw new ModelImportException(s.where() + ": filters, size, stride, groups and dilation must be positive");
        }
        if (x.c() % groups != 0 || filters % groups != 0) {
            throw new ModelImportException(s.where() + ": groups=" + groups + " must divide the " + x.c() + " input channels and the " + filters + " filters");
        }
        int pad = s.getInt("pad", 0) != 0 ? size / 2 : s.getInt("padding", 0);
        int oh = (x.h() + 2 * pad - dilation * (size - 1) - 1) / stride + 1, ow = (x.w() + 2 * pad - dilation * (size - 1) - 1) / stride + 1;
        if (oh <= 0 || ow <= 0) throw new ModelImportException(s.where() + ": output would be " + oh + "x" + ow + " from input " + x.h() + "x" + x.w());
        boolean bn = s.getInt("batch_normalize", 0) != 0;
        int perFilter = x.c() / groups * size * size;
        counts[i] = (long) filters * perFilter + filters;
        if (g == null) return new Out("", filters, oh, ow);
        String where = s.where();
        float[] bias = weights.next(filters, where + " biases", WeightSource.Kind.BIAS, 0);
        float[] scale = null, mean = null, var = null;
        if (bn) {
            scale = weights.next(filters, where + " batch-norm scales", WeightSource.Kind.BN_SCALE, 0);
            mean = weights.next(filters, where + " batch-norm means", WeightSource.Kind.BN_MEAN, 0);
            var = weights.next(filters, where + " batch-norm variances", WeightSource.Kind.BN_VARIANCE, 0);
        }
        float[] wt = weights.next(filters * perFilter, where + " weights", WeightSource.Kind.WEIGHTS, (float) Math.sqrt(3.0 / perFilter));
        String wName = constant("L" + i + "_w", new int[] {filters, x.c() / groups, size, size}, wt);
        List<String> in = new ArrayList<>(List.of(x.tensor(), wName));
        if (!bn) in.add(constant("L" + i + "_b", new int[] {filters}, bias));
        Attributes a = new Attributes().put("kernel_shape", new long[] {size, size}).put("strides", new long[] {stride, stride})
                .put("dilations", new long[] {dilation, dilation}).put("pads", new long[] {pad, pad, pad, pad}).put("group", (long) groups);
        Out o = node("Conv", i, in, a, filters, oh, ow);
        if (bn) {
            o = node("BatchNormalization", i, List.of(o.tensor(), constant("L" + i + "_bn_scale", new int[] {filters}, scale),
                    constant("L" + i + "_bn_bias", new int[] {filters}, bias), constant("L" + i + "_bn_mean", new int[] {filters}, mean),
                    constant("L" + i + "_bn_var", new int[] {filters}, var)), new Attributes().put("epsilon", 1e-6f), filters, oh, ow);
        }
        return activation(i, s, o);
    }

    private Out connected(int i, DarknetCfg.Section s, Out x) {
        int outputs = s.getInt("output", 1);
        int inputs = x.c() * x.h() * x.w();
        boolean bn = s.getInt("batch_normalize", 0) != 0;
        counts[i] = (long) outputs * inputs + outputs;
        if (g == null) return new Out("", outputs, 1, 1);
        String where = s.where();
        float[] bias = weights.next(outputs, where + " biases", WeightSource.Kind.BIAS, 0);
        float[] wt = weights.next(outputs * inputs, where + " weights", WeightSource.Kind.WEIGHTS, (float) Math.sqrt(3.0 / inputs));
        Out flat = node("Reshape", i, List.of(x.tensor(), longs("L" + i + "_flat", new long[] {1, inputs})), new Attributes(), inputs, 1, 1);
        // with batch norm Darknet adds the biases after normalising, as the BN's shift
        Out o = node("Gemm", i, List.of(flat.tensor(), constant("L" + i + "_w", new int[] {outputs, inputs}, wt),
                constant("L" + i + "_b", new int[] {outputs}, bn ? new float[outputs] : bias)), new Attributes().put("transB", 1L), outputs, 1, 1);
        if (bn) {
            float[] scale = weights.next(outputs, where + " batch-norm scales", WeightSource.Kind.BN_SCALE, 0);
            float[] mean = weights.next(outputs, where + " batch-norm means", WeightSource.Kind.BN_MEAN, 0);
            float[] var = weights.next(outputs, where + " batch-norm variances", WeightSource.Kind.BN_VARIANCE, 0);
            o = node("BatchNormalization", i, List.of(o.tensor(), constant("L" + i + "_bn_scale", new int[] {outputs}, scale),
                    constant("L" + i + "_bn_bias", new int[] {outputs}, bias), constant("L" + i + "_bn_mean", new int[] {outputs}, mean),
                    constant("L" + i + "_bn_var", new int[] {outputs}, var)), new Attributes().put("epsilon", 1e-6f), outputs, 1, 1);
        }
        o = activation(i, s, o);
        // later layers see a [outputs, 1, 1] volume, as Darknet does
        return node("Reshape", i, List.of(o.tensor(), longs("L" + i + "_vol", new long[] {1, outputs, 1, 1})), new Attributes(), outputs, 1, 1);
    }

    private Out maxpool(int i, DarknetCfg.Section s, Out x) {
        int stride = s.getInt("stride", 1), size = s.getInt("size", stride), padding = s.getInt("padding", size - 1);
        if (s.options().containsKey("stride_x") || s.options().containsKey("maxpool_depth")) {
            throw new ModelImportException(s.where() + ": stride_x/stride_y and maxpool_depth are not supported");
        }
        int oh = (x.h() + padding - size) / stride + 1, ow = (x.w() + padding - size) / stride + 1;
        if (g == null) return new Out("", x.c(), oh, ow);
        int before = padding / 2, after = padding - before;
        return node("MaxPool", i, List.of(x.tensor()), new Attributes().put("kernel_shape", new long[] {size, size})
                .put("strides", new long[] {stride, stride}).put("pads", new long[] {before, before, after, after}), x.c(), oh, ow);
    }

    private Out route(int i, DarknetCfg.Section s) {
        int[] refs = s.getInts("layers");
        List<Out> parts = new ArrayList<>();
        for (int r : refs) parts.add(layer(i, r, s));
        int c = 0;
        for (Out p : parts) {
            if (p.h() != parts.get(0).h() || p.w() != parts.get(0).w()) {
                throw new ModelImportException(s.where() + ": routed layers have different sizes (" + p.h() + "x" + p.w() + " vs " + parts.get(0).h() + "x"
                        + parts.get(0).w() + ")");
            }
            c += p.c();
        }
        int groups = s.getInt("groups", 1), groupId = s.getInt("group_id", 0);
        if (groups <= 0 || groupId < 0 || groupId >= groups || c % groups != 0) {
            throw new ModelImportException(s.where() + ": groups=" + groups + " group_id=" + groupId + " do not split " + c + " channels");
        }
        int h = parts.get(0).h(), w = parts.get(0).w();
        if (g == null) return new Out("", c / groups, h, w);
        Out joined = parts.size() == 1 ? parts.get(0)
                : node("Concat", i, parts.stream().map(Out::tensor).toList(), new Attributes().put("axis", 1L), c, h, w);
        if (groups == 1) return joined;
        int part = c / groups;
        return node("Slice", i, List.of(joined.tensor(), longs("L" + i + "_starts", new long[] {(long) groupId * part}),
                longs("L" + i + "_ends", new long[] {(long) (groupId + 1) * part}), longs("L" + i + "_axes", new long[] {1})), new Attributes(), part, h, w);
    }

    /**
     * Adds layer {@code from} to the previous layer's output, as Darknet does when their channel counts differ too:
     * the channels both have are added, the rest of the previous output passes through unchanged.
     */
    private Out shortcut(int i, DarknetCfg.Section s, Out x) {
        int[] from = s.getInts("from");
        if (from.length != 1) throw new ModelImportException(s.where() + ": shortcut from several layers is not supported");
        Out other = layer(i, from[0], s);
        int stride = other.h() / x.h();
        if (other.h() < x.h() || other.h() % x.h() != 0 || other.w() != x.w() * stride) {
            throw new ModelImportException(s.where() + ": shortcut of a " + other.h() + "x" + other.w() + " layer onto " + x.h() + "x" + x.w()
                    + " (only equal sizes, or a larger layer sampled with a whole stride, are supported)");
        }
        if (g == null) return new Out("", x.c(), x.h(), x.w());
        if (stride > 1) {
            // Darknet samples the larger layer at every stride-th pixel from the top left
            other = node("Slice", i, List.of(other.tensor(), longs("L" + i + "_ss", new long[] {0, 0}), longs("L" + i + "_se", new long[] {other.h(), other.w()}),
                    longs("L" + i + "_sa", new long[] {2, 3}), longs("L" + i + "_st", new long[] {stride, stride})), new Attributes(), other.c(), x.h(), x.w());
        }
        Out sum;
        if (other.c() == x.c()) {
            sum = node("Add", i, List.of(x.tensor(), other.tensor()), new Attributes(), x.c(), x.h(), x.w());
        } else {
            int minc = Math.min(x.c(), other.c());
            Out a = channels(i, x, 0, minc), b = other.c() == minc ? other : channels(i, other, 0, minc);
            Out added = node("Add", i, List.of(a.tensor(), b.tensor()), new Attributes(), minc, x.h(), x.w());
            sum = x.c() == minc ? added : node("Concat", i, List.of(added.tensor(), channels(i, x, minc, x.c()).tensor()),
                    new Attributes().put("axis", 1L), x.c(), x.h(), x.w());
        }
        return activation(i, s, sum);
    }

    private Out channels(int i, Out x, int from, int to) {
        if (from == 0 && to == x.c()) return x;
        return node("Slice", i, List.of(x.tensor(), longs("L" + i + "_cs", new long[] {from}), longs("L" + i + "_ce", new long[] {to}),
                longs("L" + i + "_ca", new long[] {1})), new Attributes(), to - from, x.h(), x.w());
    }

    private Out upsample(int i, DarknetCfg.Section s, Out x) {
        int stride = s.getInt("stride", 2);
        if (stride <= 0) throw new ModelImportException(s.where() + ": stride must be positive (downsampling is not supported)");
        if (g == null) return new Out("", x.c(), x.h() * stride, x.w() * stride);
        String scales = fresh("L" + i + "_scales");
        g.constants().put(scales, ConstTensor.ofFloats(new int[] {4}, new float[] {1, 1, stride, stride}));
        return node("Resize", i, List.of(x.tensor(), "", scales), new Attributes().put("mode", "nearest")
                .put("coordinate_transformation_mode", "asymmetric").put("nearest_mode", "floor"), x.c(), x.h() * stride, x.w() * stride);
    }

    /** Darknet's reorg (YOLOv2's passthrough): a fixed permutation, [C,H,W] -> [C*s*s, H/s, W/s]. */
    private Out reorg(int i, DarknetCfg.Section s, Out x) {
        int st = s.getInt("stride", 2);
        if (s.getInt("reverse", 0) != 0) throw new ModelImportException(s.where() + ": reverse reorg is not supported");
        if (x.c() % (st * st) != 0 || x.h() % st != 0 || x.w() % st != 0) {
            throw new ModelImportException(s.where() + ": stride " + st + " does not divide " + x.c() + "x" + x.h() + "x" + x.w());
        }
        int oc = x.c() * st * st, oh = x.h() / st, ow = x.w() / st;
        if (g == null) return new Out("", oc, oh, ow);
        // reorg_cpu(forward=0): out[k][j][i] = x viewed as [c/s^2][h][s][w][s] at (c2, j, k/(c/s^2)/s, i, k/(c/s^2)%s)
        Out v = node("Reshape", i, List.of(x.tensor(), longs("L" + i + "_v5", new long[] {x.c() / (st * st), x.h(), st, x.w(), st})), new Attributes(),
                x.c(), x.h(), x.w());
        Out t = node("Transpose", i, List.of(v.tensor()), new Attributes().put("perm", new long[] {2, 4, 0, 1, 3}), x.c(), x.h(), x.w());
        return node("Reshape", i, List.of(t.tensor(), longs("L" + i + "_out", new long[] {1, oc, oh, ow})), new Attributes(), oc, oh, ow);
    }

    /**
     * [crop] in the classifier cfgs (VGG-16) is imported as the identity: the network runs on the [net] size,
     * as the paper measured it (VGG-16's first connected layer on the 8x8 map of the 256x256 input: 647.8 MiB of
     * weights), rather than on Darknet's 224x224 centre crop (527.8 MiB). The cfg's crop options are checked.
     */
    private Out crop(int i, DarknetCfg.Section s, Out x) {
        int ch = s.getInt("crop_height", x.h()), cw = s.getInt("crop_width", x.w());
        if (ch > x.h() || cw > x.w() || ch <= 0 || cw <= 0) {
            throw new ModelImportException(s.where() + ": crop " + ch + "x" + cw + " does not fit the " + x.h() + "x" + x.w() + " input");
        }
        return x;
    }

    private Out softmax(int i, Out x) {
        if (g == null) return x;
        int n = x.c() * x.h() * x.w();
        Out flat = node("Reshape", i, List.of(x.tensor(), longs("L" + i + "_flat", new long[] {1, n})), new Attributes(), n, 1, 1);
        Out sm = node("Softmax", i, List.of(flat.tensor()), new Attributes().put("axis", 1L), n, 1, 1);
        return node("Reshape", i, List.of(sm.tensor(), longs("L" + i + "_vol", new long[] {1, x.c(), x.h(), x.w()})), new Attributes(), x.c(), x.h(), x.w());
    }

    private Out activation(int i, DarknetCfg.Section s, Out x) {
        String act = s.get("activation", "linear").strip();
        return switch (act) {
            case "linear" -> x;
            case "leaky" -> node("LeakyRelu", i, List.of(x.tensor()), new Attributes().put("alpha", 0.1f), x.c(), x.h(), x.w());
            case "relu" -> node("Relu", i, List.of(x.tensor()), new Attributes(), x.c(), x.h(), x.w());
            case "logistic" -> node("Sigmoid", i, List.of(x.tensor()), new Attributes(), x.c(), x.h(), x.w());
            case "swish" -> node("Swish", i, List.of(x.tensor()), new Attributes(), x.c(), x.h(), x.w());
            case "mish" -> node("Mish", i, List.of(x.tensor()), new Attributes(), x.c(), x.h(), x.w());
            default -> throw new ModelImportException(s.where() + ": activation '" + act + "' is not supported (linear, leaky, relu, logistic, swish, mish)");
        };
    }

    /** Layer {@code ref} (absolute, or relative when negative) as seen from layer {@code i}. */
    private Out layer(int i, int ref, DarknetCfg.Section s) {
        int at = ref < 0 ? i + ref : ref;
        if (at < 0 || at >= i) throw new ModelImportException(s.where() + ": layer reference " + ref + " from layer " + i + " points to no earlier layer");
        return outs.get(at);
    }

    private Out node(String op, int layer, List<String> inputs, Attributes a, int c, int h, int w) {
        if (g == null) return new Out("", c, h, w); // counting only
        String out = fresh("L" + layer + "_" + op);
        g.nodes().add(new Node(op, out, inputs, List.of(out), a));
        return new Out(out, c, h, w);
    }

    private String constant(String name, int[] shape, float[] data) {
        String n = fresh(name);
        g.constants().put(n, ConstTensor.ofFloats(shape, data));
        return n;
    }

    private String longs(String name, long[] v) {
        String n = fresh(name);
        g.constants().put(n, ConstTensor.ofLongs(new int[] {v.length}, v));
        return n;
    }

    private String fresh(String base) {
        return base + "_" + (fresh++);
    }
}
