package dev.demandlayering.runtime.cuda;

import dev.demandlayering.runtime.graph.Attributes;
import dev.demandlayering.runtime.graph.Node;

/** A 2-D convolution's geometry (NCHW input, OIHW weights) and how the CUDA backend runs it. */
record ConvShape(int n, int c, int h, int w, int m, int kh, int kw, int oh, int ow, int sh, int sw, int dh, int dw, int ph, int pw, int group,
                 boolean unpadded) {
    static ConvShape of(Node node, int[] x, int[] y, int[] wt) {
        Attributes at = node.attributes();
        int[] s = at.getInts("strides", null), d = at.getInts("dilations", null), p = at.getInts("pads", null);
        boolean unpadded = p[0] == 0 && p[1] == 0 && p[2] == 0 && p[3] == 0;
        return new ConvShape(x[0], x[1], x[2], x[3], y[1], wt[2], wt[3], y[2], y[3], s[0], s[1], d[0], d[1], p[0], p[1], at.getInt("group", 1), unpadded);
    }

    int cg() {
        return c / group;
    }

    int mg() {
        return m / group;
    }

    /** The GEMM's reduction length: input channels per group times the kernel window. */
    int k() {
        return cg() * kh * kw;
    }

    int pixels() {
        return oh * ow;
    }

    /** 1x1, stride 1, no padding: the input already is the GEMM operand. */
    boolean pointwise() {
        return kh == 1 && kw == 1 && sh == 1 && sw == 1 && unpadded;
    }

    /**
     * A GEMM pays where each group has enough input and output channels; depthwise convolutions (one channel per
     * group) stay with the direct kernel.
     */
    boolean asGemm() {
        return gemm(k(), mg());
    }

    /** {@link #asGemm} from the weights' shape (OIHW) alone. */
    static boolean gemmWeights(int[] wt, int group) {
        return gemm(wt[1] * wt[2] * wt[3], wt[0] / group);
    }

    private static boolean gemm(int k, int mg) {
        return k >= 16 && mg >= 8;
    }

    /** Output pixels per im2col tile of {@code elementBytes}-byte values: as many as fit {@code capBytes}, at least one. */
    int tilePixels(long capBytes, int elementBytes) {
        return (int) Math.max(1, Math.min(pixels(), capBytes / ((long) elementBytes * k())));
    }
}
