package dev.demandlayering.runtime.ops;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.ConstTensor;
import dev.demandlayering.runtime.graph.Node;
import dev.demandlayering.runtime.graph.Shapes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rewrites one node into its executable form: opset-dependent inputs (shapes, axes, pads, scales, bounds)
 * become resolved attributes, and variant ops (Flatten, Squeeze, Unsqueeze, Upsample) become Reshape or
 * Resize. The result's inputs are only tensors the kernel reads.
 */
final class Canonicalizer {
    private Canonicalizer() {
    }

    static Node canonicalize(Node n, GraphNormalizer.ShapeLookup shapes, GraphNormalizer.ConstLookup consts,
                             GraphNormalizer.RequiredConst required, int opset) {
        Attributes a = n.attributes();
        String op = n.opType();
        switch (op) {
            case "Conv", "ConvTranspose" -> {
                int[] x = shapes.shape(n.input(0));
                int[] w = shapes.shape(n.input(1));
                if (x.length != 4 || w.length != 4) {
                    throw new IllegalArgumentException("only 2-D convolution (4-D input and weight) is supported, got input "
                            + Shapes.str(x) + " and weight " + Shapes.str(w));
                }
                return withAttrs(n, tensorInputs(n, 3), spatial(a, x, w, op.equals("ConvTranspose")));
            }
            case "MaxPool", "AveragePool" -> {
                int[] x = shapes.shape(n.input(0));
                if (x.length != 3 && x.length != 4) {
                    throw new IllegalArgumentException("only 1-D and 2-D pooling is supported, got input " + Shapes.str(x));
                }
                if (n.outputs().size() > 1 && !n.outputs().get(1).isEmpty()) {
                    throw new IllegalArgumentException("the Indices output of MaxPool is not supported");
                }
                return withAttrs(n, List.of(n.input(0)), pooling(a, x));
            }
            case "Clip" -> {
                float min = a.getFloat("min", Float.NEGATIVE_INFINITY);
                float max = a.getFloat("max", Float.POSITIVE_INFINITY);
                if (opset >= 11) {
                    ConstTensor lo = optionalConst(n, 1, consts, required, "min");
                    ConstTensor hi = optionalConst(n, 2, consts, required, "max");
                    if (lo != null) min = lo.floats()[0];
                    if (hi != null) max = hi.floats()[0];
                }
                return withAttrs(n, List.of(n.input(0)), new Attributes().put("min", min).put("max", max));
            }
            case "Reshape" -> {
                int[] x = shapes.shape(n.input(0));
                long[] target = opset >= 5 ? required.get(n, 1, "shape").longs() : a.getLongs("shape", null);
                boolean allowZero = a.getInt("allowzero", 0) == 1;
                return reshape(n, resolveReshape(x, target, allowZero));
            }
            case "Flatten" -> {
                int[] x = shapes.shape(n.input(0));
                int axis = a.getInt("axis", 1);
                if (axis < 0) axis += x.length;
                long outer = 1;
                for (int i = 0; i < axis; i++) outer *= x[i];
                long inner = Shapes.size(x) / Math.max(1, outer);
                return reshape(n, new int[] {(int) outer, (int) inner});
            }
            case "Squeeze" -> {
                int[] x = shapes.shape(n.input(0));
                int[] axes = opset >= 13 ? intsOrNull(n, 1, consts, required, "axes") : a.getInts("axes", null);
                if (axes != null && axes.length == 0) axes = null; // no axes: squeeze every dimension of size 1
                List<Integer> dims = new ArrayList<>();
                boolean[] drop = new boolean[x.length];
                if (axes == null) {
                    for (int i = 0; i < x.length; i++) drop[i] = x[i] == 1;
                } else {
                    for (int ax : axes) {
                        int k = Shapes.axis(ax, x.length);
                        if (x[k] != 1) throw new IllegalArgumentException("cannot squeeze axis " + ax + " of size " + x[k]);
                        drop[k] = true;
                    }
                }
                for (int i = 0; i < x.length; i++) if (!drop[i]) dims.add(x[i]);
                return reshape(n, dims.stream().mapToInt(Integer::intValue).toArray());
            }
            case "Unsqueeze" -> {
                int[] x = shapes.shape(n.input(0));
                int[] axes = opset >= 13 ? required.get(n, 1, "axes").ints() : a.getInts("axes", new int[0]);
                int rank = x.length + axes.length;
                boolean[] ins = new boolean[rank];
                for (int ax : axes) ins[Shapes.axis(ax, rank)] = true;
                int[] o = new int[rank];
                for (int i = 0, j = 0; i < rank; i++) o[i] = ins[i] ? 1 : x[j++];
                return reshape(n, o);
            }
            case "Upsample", "Resize" -> {
                return resize(n, shapes, consts, required, opset);
            }
            case "Slice" -> {
                return slice(n, shapes.shape(n.input(0)), consts, required, opset);
            }
            case "Split" -> {
                int[] x = shapes.shape(n.input(0));
                int axis = Shapes.axis(a.getInt("axis", 0), x.length);
                int[] split = opset >= 13 ? intsOrNull(n, 1, consts, required, "split") : a.getInts("split", null);
                int parts = n.outputs().size();
                if (split == null) {
                    int numOut = a.getInt("num_outputs", parts);
                    int chunk = (x[axis] + numOut - 1) / numOut;
                    split = new int[parts];
                    for (int i = 0; i < parts; i++) split[i] = Math.max(0, Math.min(chunk, x[axis] - i * chunk));
                }
                if (Arrays.stream(split).sum() != x[axis] || split.length != parts) {
                    throw new IllegalArgumentException("split sizes " + Arrays.toString(split) + " do not cover axis " + axis
                            + " of size " + x[axis] + " in " + parts + " outputs");
                }
                return withAttrs(n, List.of(n.input(0)), new Attributes().put("axis", axis).put("split", split));
            }
            case "Pad" -> {
                int[] x = shapes.shape(n.input(0));
                long[] pads;
                float value = a.getFloat("value", 0f);
                if (opset >= 11) {
                    pads = required.get(n, 1, "pads").longs();
                    ConstTensor v = optionalConst(n, 2, consts, required, "constant_value");
                    if (v != null) value = v.floats()[0];
                    int[] axes = intsOrNull(n, 3, consts, required, "axes");
                    if (axes != null) {
                        long[] full = new long[2 * x.length];
                        for (int i = 0; i < axes.length; i++) {
                            int ax = Shapes.axis(axes[i], x.length);
                            full[ax] = pads[i];
                            full[ax + x.length] = pads[i + axes.length];
                        }
                        pads = full;
                    }
                } else {
                    pads = a.getLongs("pads", new long[2 * x.length]);
                }
                if (pads.length != 2 * x.length) {
                    throw new IllegalArgumentException("pads has " + pads.length + " values, expected " + 2 * x.length);
                }
                String mode = a.getString("mode", "constant");
                if (!List.of("constant", "reflect", "edge").contains(mode)) {
                    throw new IllegalArgumentException("Pad mode '" + mode + "' is not supported (constant, reflect, edge)");
                }
                return withAttrs(n, List.of(n.input(0)), new Attributes().put("pads", pads).put("mode", mode).put("value", value));
            }
            case "Softmax" -> {
                int[] x = shapes.shape(n.input(0));
                int axis = Shapes.axis(a.getInt("axis", opset >= 13 ? -1 : 1), x.length);
                return withAttrs(n, List.of(n.input(0)), new Attributes().put("axis", axis).put("coerce", opset >= 13 ? 0 : 1));
            }
            case "Concat", "Gather" -> {
                int[] x = shapes.shape(n.input(0));
                Attributes c = new Attributes().put("axis", Shapes.axis(a.getInt("axis", 0), op.equals("Gather") ? x.length
                        : Math.max(1, x.length)));
                return withAttrs(n, n.inputs(), c);
            }
            case "Transpose" -> {
                int[] x = shapes.shape(n.input(0));
                int[] perm = a.getInts("perm", null);
                if (perm == null) {
                    perm = new int[x.length];
                    for (int i = 0; i < x.length; i++) perm[i] = x.length - 1 - i;
                }
                return withAttrs(n, List.of(n.input(0)), new Attributes().put("perm", perm));
            }
            case "BatchNormalization" -> {
                if (a.getInt("training_mode", 0) != 0 || (n.outputs().size() > 1 && n.outputs().stream().skip(1).anyMatch(s -> !s.isEmpty()))) {
                    throw new IllegalArgumentException("training-mode BatchNormalization (running statistics outputs) is not supported");
                }
                return withAttrs(n, n.inputs().subList(0, 5), new Attributes().put("epsilon", a.getFloat("epsilon", 1e-5f)));
            }
            case "Gemm" -> {
                return withAttrs(n, tensorInputs(n, 3), new Attributes().put("alpha", a.getFloat("alpha", 1f))
                        .put("beta", a.getFloat("beta", 1f)).put("transA", a.getInt("transA", 0)).put("transB", a.getInt("transB", 0)));
            }
            case "LeakyRelu" -> {
                return withAttrs(n, n.inputs(), new Attributes().put("alpha", a.getFloat("alpha", 0.01f)));
            }
            case "HardSigmoid" -> {
                return withAttrs(n, n.inputs(), new Attributes().put("alpha", a.getFloat("alpha", 0.2f)).put("beta", a.getFloat("beta", 0.5f)));
            }
            case "ConstantOfShape" -> {
                return n;
            }
            default -> {
                return n;
            }
        }
    }

    private static Node withAttrs(Node n, List<String> inputs, Attributes attrs) {
        return new Node(n.opType(), n.name(), inputs, n.outputs().subList(0, n.opType().equals("Split") ? n.outputs().size() : 1), attrs);
    }

    private static Node reshape(Node n, int[] shape) {
        return new Node("Reshape", n.name(), List.of(n.input(0)), List.of(n.outputs().get(0)), new Attributes().put("shape", shape));
    }

    private static List<String> tensorInputs(Node n, int max) {
        List<String> l = new ArrayList<>(n.inputs().subList(0, Math.min(max, n.inputs().size())));
        while (!l.isEmpty() && l.get(l.size() - 1).isEmpty()) l.remove(l.size() - 1);
        return l;
    }

    private static ConstTensor optionalConst(Node n, int i, GraphNormalizer.ConstLookup consts, GraphNormalizer.RequiredConst req, String what) {
        if (n.input(i).isEmpty()) return null;
        return req.get(n, i, what);
    }

    private static int[] intsOrNull(Node n, int i, GraphNormalizer.ConstLookup consts, GraphNormalizer.RequiredConst req, String what) {
        ConstTensor c = optionalConst(n, i, consts, req, what);
        return c == null ? null : c.ints();
    }

    static int[] resolveReshape(int[] x, long[] target, boolean allowZero) {
        int[] o = new int[target.length];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < o.length; i++) {
            long t = target[i];
            if (t == 0 && !allowZero) {
                if (i >= x.length) throw new IllegalArgumentException("reshape copies dimension " + i + " that the input lacks");
                t = x[i];
            }
            if (t == -1) {
                if (infer >= 0) throw new IllegalArgumentException("reshape target " + Arrays.toString(target) + " has two -1");
                infer = i;
                continue;
            }
            o[i] = (int) t;
            known *= t;
        }
        long total = Shapes.size(x);
        if (infer >= 0) {
            if (known == 0 || total % known != 0) throw new IllegalArgumentException("cannot reshape " + Shapes.str(x) + " to " + Arrays.toString(target));
            o[infer] = (int) (total / known);
        } else if (known != total) {
            throw new IllegalArgumentException("cannot reshape " + Shapes.str(x) + " (" + total + " elements) to " + Arrays.toString(target));
        }
        return o;
    }

    private static Attributes spatial(Attributes a, int[] x, int[] w, boolean transposed) {
        int[] k = a.getInts("kernel_shape", new int[] {w[2], w[3]});
        int[] strides = a.getInts("strides", new int[] {1, 1});
        int[] dil = a.getInts("dilations", new int[] {1, 1});
        int[] explicit = a.getInts("pads", null);
        String autoPad = a.getString("auto_pad", "NOTSET");
        int group = a.getInt("group", 1);
        int[] pads = new int[4];
        Attributes o = new Attributes().put("strides", strides).put("dilations", dil).put("group", group).put("kernel_shape", k);
        if (!transposed) {
            if (x[1] != w[1] * group) {
                throw new IllegalArgumentException("input has " + x[1] + " channels but weight " + Shapes.str(w) + " with group "
                        + group + " expects " + w[1] * group);
            }
            for (int i = 0; i < 2; i++) {
                int[] p = ConvGeometry.autoPads(autoPad, x[2 + i], k[i], strides[i], dil[i], explicit, i, 2);
                pads[i] = p[0];
                pads[i + 2] = p[1];
            }
            return o.put("pads", pads);
        }
        int[] outPad = a.getInts("output_padding", new int[] {0, 0});
        int[] outShape = a.getInts("output_shape", null);
        int[] outSpatial = new int[2];
        for (int i = 0; i < 2; i++) {
            int eff = (k[i] - 1) * dil[i] + 1;
            int full = strides[i] * (x[2 + i] - 1) + outPad[i] + eff;
            if (outShape != null || !autoPad.equals("NOTSET") && !autoPad.equals("VALID")) {
                int target = outShape != null ? outShape[outShape.length - 2 + i] : x[2 + i] * strides[i];
                // may be negative: the output then extends past the last input pixel (implicit output padding)
                int total = full - target;
                if (autoPad.equals("SAME_UPPER")) {
                    pads[i] = Math.floorDiv(total, 2);
                    pads[i + 2] = total - Math.floorDiv(total, 2);
                } else {
                    pads[i] = total - Math.floorDiv(total, 2);
                    pads[i + 2] = Math.floorDiv(total, 2);
                }
            } else if (explicit != null) {
                pads[i] = explicit[i];
                pads[i + 2] = explicit[i + 2];
            }
            outSpatial[i] = full - pads[i] - pads[i + 2];
        }
        return o.put("pads", pads).put("output_padding", outPad).put("out_spatial", outSpatial);
    }

    private static Attributes pooling(Attributes a, int[] x) {
        boolean oneD = x.length == 3;
        int[] k = a.getInts("kernel_shape", null);
        if (k == null) throw new IllegalArgumentException("kernel_shape is required");
        int[] strides = a.getInts("strides", oneD ? new int[] {1} : new int[] {1, 1});
        int[] dil = a.getInts("dilations", oneD ? new int[] {1} : new int[] {1, 1});
        int[] explicit = a.getInts("pads", null);
        String autoPad = a.getString("auto_pad", "NOTSET");
        boolean ceil = a.getInt("ceil_mode", 0) == 1;
        int spatial = oneD ? 1 : 2;
        int[] pads = new int[4];
        int[] outSpatial = new int[2];
        int[] k2 = oneD ? new int[] {1, k[0]} : k;
        int[] s2 = oneD ? new int[] {1, strides[0]} : strides;
        int[] d2 = oneD ? new int[] {1, dil[0]} : dil;
        for (int i = 0; i < 2; i++) {
            int in = oneD ? (i == 0 ? 1 : x[2]) : x[2 + i];
            int[] p = (oneD && i == 0) ? new int[] {0, 0}
                    : ConvGeometry.autoPads(autoPad, in, k2[i], s2[i], d2[i], explicit, oneD ? 0 : i, spatial);
            pads[i] = p[0];
            pads[i + 2] = p[1];
            outSpatial[i] = ConvGeometry.outSize(in, k2[i], s2[i], d2[i], p[0], p[1], ceil);
        }
        return new Attributes().put("kernel_shape", k2).put("strides", s2).put("dilations", d2).put("pads", pads)
                .put("out_spatial", outSpatial).put("count_include_pad", a.getInt("count_include_pad", 0));
    }

    private static Node resize(Node n, GraphNormalizer.ShapeLookup shapes, GraphNormalizer.ConstLookup consts,
                               GraphNormalizer.RequiredConst required, int opset) {
        Attributes a = n.attributes();
        int[] x = shapes.shape(n.input(0));
        float[] scales = null;
        int[] sizes = null;
        String coord;
        String nearestMode;
        if (n.opType().equals("Upsample")) {
            scales = opset >= 9 ? required.get(n, 1, "scales").floats() : a.getFloats("scales", null);
            coord = "asymmetric";
            nearestMode = "floor";
        } else {
            if (opset < 11) {
                scales = required.get(n, 1, "scales").floats();
                coord = "asymmetric";
                nearestMode = "floor";
            } else {
                ConstTensor sc = n.input(2).isEmpty() ? null : required.get(n, 2, "scales");
                if (sc != null && sc.size() > 0) scales = sc.floats();
                ConstTensor sz = n.input(3).isEmpty() ? null : required.get(n, 3, "sizes");
                if (sz != null && sz.size() > 0) sizes = sz.ints();
                if (sizes != null && sizes.length == 2 && x.length == 4) sizes = new int[] {x[0], x[1], sizes[0], sizes[1]}; // spatial sizes only
                coord = a.getString("coordinate_transformation_mode", "half_pixel");
                nearestMode = a.getString("nearest_mode", "round_prefer_floor");
            }
        }
        String mode = a.getString("mode", "nearest");
        if (!mode.equals("nearest") && !mode.equals("linear") && !mode.equals("bilinear")) {
            throw new IllegalArgumentException("Resize mode '" + mode + "' is not supported (nearest, linear)");
        }
        if (mode.equals("bilinear")) mode = "linear";
        if (!List.of("half_pixel", "asymmetric", "align_corners", "pytorch_half_pixel", "tf_half_pixel_for_nn").contains(coord)) {
            throw new IllegalArgumentException("coordinate_transformation_mode '" + coord + "' is not supported");
        }
        if (a.has("axes") || a.getString("keep_aspect_ratio_policy", "stretch").equals("stretch") == false) {
            throw new IllegalArgumentException("Resize axes / keep_aspect_ratio_policy are not supported");
        }
        if (a.getInt("antialias", 0) != 0) throw new IllegalArgumentException("Resize antialias is not supported");
        int[] out = new int[x.length];
        float[] sc = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            if (sizes != null) {
                out[i] = sizes[i];
                sc[i] = (float) sizes[i] / x[i];
            } else if (scales != null) {
                if (scales.length != x.length) throw new IllegalArgumentException("scales has " + scales.length + " values for rank " + x.length);
                out[i] = (int) Math.floor(x[i] * (double) scales[i]);
                sc[i] = scales[i];
            } else {
                throw new IllegalArgumentException("Resize needs scales or sizes");
            }
        }
        for (int i = 0; i + 2 < x.length; i++) {
            if (out[i] != x[i]) throw new IllegalArgumentException("Resize may only scale the last two axes, got output " + Shapes.str(out));
        }
        Attributes r = new Attributes().put("mode", mode).put("coordinate_transformation_mode", coord)
                .put("nearest_mode", nearestMode).put("scales", sc).put("sizes", out);
        return new Node("Resize", n.name(), List.of(n.input(0)), List.of(n.outputs().get(0)), r);
    }

    private static Node slice(Node n, int[] x, GraphNormalizer.ConstLookup consts, GraphNormalizer.RequiredConst required, int opset) {
        Attributes a = n.attributes();
        long[] starts, ends;
        long[] axes = null, steps = null;
        if (opset >= 10) {
            starts = required.get(n, 1, "starts").longs();
            ends = required.get(n, 2, "ends").longs();
            if (!n.input(3).isEmpty()) axes = required.get(n, 3, "axes").longs();
            if (!n.input(4).isEmpty()) steps = required.get(n, 4, "steps").longs();
        } else {
            starts = a.getLongs("starts", null);
            ends = a.getLongs("ends", null);
            axes = a.getLongs("axes", null);
        }
        int rank = x.length;
        int[] st = new int[rank];
        int[] sp = new int[rank];
        int[] size = x.clone();
        Arrays.fill(sp, 1);
        for (int i = 0; i < starts.length; i++) {
            int ax = Shapes.axis(axes == null ? i : (int) axes[i], rank);
            long step = steps == null ? 1 : steps[i];
            if (step == 0) throw new IllegalArgumentException("slice step is 0 on axis " + ax);
            long dim = x[ax];
            long s = starts[i] < 0 ? starts[i] + dim : starts[i];
            long e = ends[i] < 0 ? ends[i] + dim : ends[i];
            if (step > 0) {
                s = Math.max(0, Math.min(dim, s));
                e = Math.max(0, Math.min(dim, e));
            } else {
                s = Math.max(0, Math.min(dim - 1, s));
                e = Math.max(-1, Math.min(dim - 1, e));
            }
            long count = step > 0 ? Math.max(0, (e - s + step - 1) / step) : Math.max(0, (s - e + (-step) - 1) / (-step));
            st[ax] = (int) s;
            sp[ax] = (int) step;
            size[ax] = (int) count;
        }
        return new Node("Slice", n.name(), List.of(n.input(0)), List.of(n.outputs().get(0)),
                new Attributes().put("starts", st).put("steps", sp).put("sizes", size));
    }
}
