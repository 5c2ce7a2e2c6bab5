package dev.demandlayering.runtime.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Vector API kernels against double-precision references: the GEMM on shapes that exercise padded rows,
 * partial panels and k beyond one chunk, through both kinds of offset table; the exponential and the
 * activations built on it over float's range; convolutions at strides 1 to 3 (the stride phases), dilations,
 * asymmetric padding, groups and depthwise ones against a direct double-precision sum. (Whole convolutions, pools and activations
 * on real graphs are covered by the ONNX conformance cases and the ONNX Runtime oracle.)
 */
class VectorKernelsTest {
    @BeforeEach
    void needsTheVectorApi() {
        Assumptions.assumeTrue(VectorSupport.enabled(), "Vector API kernels not enabled here: " + VectorSupport.unavailable());
    }

    @Test
    void gemmMatchesADoublePrecisionProductWhateverTheBlocking() {
        Assumptions.assumeTrue(VectorSupport.gemm(), "the Vector API GEMM does not run here: " + VectorSupport.gemmUnavailable());
        Random rnd = new Random(7);
        int[][] shapes = {{8, 1, 48}, {8, 27, 50}, {16, 300, 97}, {24, 600, 144}, {8, 257, 1}, {16, 300, 80}, {8, 513, 193}};
        for (int[] s : shapes) {
            // rows in whole blocks of A (8 rows on AVX-512, 6 on AVX2)
            int rows = (s[0] + VectorGemm.MR - 1) / VectorGemm.MR * VectorGemm.MR, k = s[1], cols = s[2], nr = VectorGemm.NR, panels = (cols + nr - 1) / nr, ld = panels * nr;
            float[][] a = new float[rows][k];
            for (float[] r : a) for (int i = 0; i < k; i++) r[i] = (float) rnd.nextGaussian();
            // B as im2col rows (ld apart), with one row of slack: the last panel reads up to NR columns past cols
            float[] b = new float[k * ld + nr];
            for (int i = 0; i < k * ld; i++) b[i] = i % ld < cols ? (float) rnd.nextGaussian() : 0f;
            int[] koff = new int[k];
            for (int i = 0; i < k; i++) koff[i] = i * ld;
            float[] packedA = new float[rows * k];
            for (int r = 0; r < rows; r++) {
                for (int i = 0; i < k; i++) packedA[r / VectorGemm.MR * k * VectorGemm.MR + i * VectorGemm.MR + r % VectorGemm.MR] = a[r][i];
            }
            float[] c = new float[rows * ld];
            VectorGemm.multiply(packedA, 0, rows, k, b, koff, 0, cols, c, ld, new float[VectorGemm.PACK_FLOATS]);
            for (int r = 0; r < rows; r++) {
                for (int q = 0; q < cols; q++) {
                    double ref = 0, mag = 0;
                    for (int i = 0; i < k; i++) {
                        ref += (double) a[r][i] * b[i * ld + q];
                        mag += Math.abs((double) a[r][i] * b[i * ld + q]);
                    }
                    assertEquals(ref, c[r * ld + q], 1e-6 * mag + 1e-30, "rows " + rows + " k " + k + " cols " + cols + " at (" + r + ", " + q + ")");
                }
            }
            // B read where it lies in a buffer that ends at the last real column: the columns past it read as zeros
            java.nio.FloatBuffer arena = java.nio.FloatBuffer.wrap(java.util.Arrays.copyOf(b, (k - 1) * ld + cols));
            float[] c3 = new float[rows * ld];
            VectorGemm.multiply(packedA, 0, rows, k, arena, koff, 0, cols, c3, ld, new float[VectorGemm.PACK_FLOATS]);
            for (int r = 0; r < rows; r++) {
                for (int q = 0; q < cols; q++) assertEquals(c[r * ld + q], c3[r * ld + q], 0f, "B in place at (" + r + ", " + q + ")");
            }
            // 8 lanes: B read where it lies, strip by strip, gives the packed product's bits
            if (Lanes.L == 8) {
                float[] c4 = new float[rows * ld];
                VectorGemm.multiplyShifted(packedA, 0, rows, k, b, koff, 0, cols, c4, ld);
                for (int r = 0; r < rows; r++) {
                    for (int q = 0; q < cols; q++) assertEquals(c[r * ld + q], c4[r * ld + q], 0f, "B unpacked at (" + r + ", " + q + ")");
                }
            }
            // the same product over panels [1, panels) only, starting at column NR: the same bits
            if (panels > 1) {
                float[] c2 = new float[rows * ld];
                VectorGemm.multiply(packedA, 0, rows, k, b, koff, nr, cols - nr, c2, ld, new float[VectorGemm.PACK_FLOATS]);
                for (int r = 0; r < rows; r++) {
                    for (int q = nr; q < cols; q++) assertEquals(c[r * ld + q], c2[r * ld + q - nr], 0f, "offset panels at (" + r + ", " + q + ")");
                }
            }
        }
    }

    @Test
    void convolutionsAtAnyStrideDilationAndPaddingMatchADirectSum() {
        Random rnd = new Random(11);
        // c, h, w, m, kh, kw, stride y, stride x, dilation y, dilation x, pads top, left, bottom, right, group
        int[][] cases = {{3, 17, 19, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1}, {5, 16, 16, 12, 3, 3, 2, 2, 1, 1, 0, 0, 1, 1, 1},
                {4, 15, 20, 9, 1, 1, 2, 2, 1, 1, 0, 0, 0, 0, 1}, {6, 21, 14, 10, 5, 3, 3, 2, 1, 1, 2, 1, 2, 0, 2},
                {4, 13, 13, 16, 3, 3, 2, 1, 2, 2, 2, 2, 2, 2, 1}, {8, 12, 12, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1},
                {3, 30, 9, 17, 7, 7, 2, 2, 1, 1, 3, 3, 3, 3, 1}, {2, 9, 9, 4, 2, 2, 3, 3, 1, 1, 0, 0, 0, 0, 1},
                // one block of pixels (the weights laid out chunk by chunk): k over two chunks, channels not a multiple of 8, groups
                {40, 7, 7, 20, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {64, 6, 6, 18, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 2},
                // stride-2 phases wide enough for their 16-column vector copies, padded and not, odd widths
                {4, 9, 70, 8, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1, 1}, {3, 8, 67, 5, 3, 3, 1, 2, 1, 1, 0, 0, 1, 2, 1},
                // depthwise (VectorDepthwise), rows wide enough for its four-vector blocks and a remainder
                {8, 13, 90, 8, 3, 3, 1, 1, 1, 1, 1, 1, 1, 1, 8}, {6, 11, 150, 6, 5, 5, 2, 2, 1, 1, 1, 1, 2, 2, 6}};
        for (int[] t : cases) {
            int c = t[0], h = t[1], w = t[2], m = t[3], kh = t[4], kw = t[5], sy = t[6], sx = t[7], dy = t[8], dx = t[9], group = t[14];
            int oh = (h + t[10] + t[12] - dy * (kh - 1) - 1) / sy + 1, ow = (w + t[11] + t[13] - dx * (kw - 1) - 1) / sx + 1, cg = c / group, mg = m / group;
            float[] x = gaussian(rnd, c * h * w), wt = gaussian(rnd, m * cg * kh * kw), bias = gaussian(rnd, m);
            dev.demandlayering.runtime.graph.Attributes a = new dev.demandlayering.runtime.graph.Attributes().put("strides", new long[] {sy, sx})
                    .put("dilations", new long[] {dy, dx}).put("pads", new long[] {t[10], t[11], t[12], t[13]}).put("group", (long) group);
            dev.demandlayering.runtime.graph.Node node = new dev.demandlayering.runtime.graph.Node("Conv", "conv", java.util.List.of("x", "w", "b"),
                    java.util.List.of("y"), a);
            TensorView y = vectorView(new float[m * oh * ow], 1, m, oh, ow);
            new ConvKernel().run(node, null, new TensorView[] {vectorView(x, 1, c, h, w), vectorView(wt, m, cg, kh, kw), vectorView(bias, m)}, new TensorView[] {y});
            String what = java.util.Arrays.toString(t);
            for (int o = 0; o < m; o++) {
                int grp = o / mg;
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++) {
                        double ref = bias[o], mag = Math.abs(bias[o]);
                        for (int ci = 0; ci < cg; ci++) {
                            for (int ky = 0; ky < kh; ky++) {
                                for (int kx = 0; kx < kw; kx++) {
                                    int iy = oy * sy + ky * dy - t[10], ix = ox * sx + kx * dx - t[11];
                                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
                                    double p = (double) wt[((o * cg + ci) * kh + ky) * kw + kx] * x[((grp * cg + ci) * h + iy) * w + ix];
                                    ref += p;
                                    mag += Math.abs(p);
                                }
                            }
                        }
                        assertEquals(ref, y.data().get((o * oh + oy) * ow + ox), 1e-6 * mag + 1e-30, what + " at (" + o + ", " + oy + ", " + ox + ")");
                    }
                }
            }
        }
    }

    private static float[] gaussian(Random rnd, int n) {
        float[] f = new float[n];
        for (int i = 0; i < n; i++) f[i] = (float) rnd.nextGaussian();
        return f;
    }

    /** A tensor the CPU backend's Vector API kernels take (as the arena's views are on that backend). */
    private static TensorView vectorView(float[] data, int... shape) {
        java.nio.FloatBuffer b = java.nio.ByteBuffer.allocateDirect(data.length * 4).order(java.nio.ByteOrder.nativeOrder()).asFloatBuffer();
        b.put(0, data);
        return new TensorView(b, shape, null, 0, true);
    }

    @Test
    void linearResizePassesMatchTheScalarLoopsBitForBit() {
        Random rnd = new Random(11);
        for (int n : new int[] {1, 15, 16, 33, 104, 257}) {
            int in = n / 2 + 1;
            float[] v = new float[3 * in], g = new float[n], f = new float[n];
            for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian() * 100;
            int[] i0 = new int[n], i1 = new int[n];
            for (int o = 0; o < n; o++) {
                i0[o] = rnd.nextInt(in);
                i1[o] = Math.min(in - 1, i0[o] + 1);
                f[o] = rnd.nextFloat();
                g[o] = 1 - f[o];
            }
            float[] got = new float[n + 3], want = new float[n + 3];
            VectorResize.alongX(v, in, i0, i1, g, f, got, 3, n);
            for (int o = 0; o < n; o++) want[3 + o] = v[in + i0[o]] * g[o] + v[in + i1[o]] * f[o];
            assertBitsEqual(want, got, "along x, " + n + " pixels");
            float[] rows = new float[2 * n + 5];
            for (int i = 0; i < rows.length; i++) rows[i] = (float) rnd.nextGaussian();
            float fy = rnd.nextFloat(), gy = 1 - fy;
            int bottom = 5 + n;
            VectorResize.alongY(rows, 5, bottom, gy, fy, got, 1, n);
            for (int x = 0; x < n; x++) want[1 + x] = rows[5 + x] * gy + rows[bottom + x] * fy;
            assertBitsEqual(want, got, "along y, " + n + " pixels");
        }
    }

    @Test
    void maxPoolMatchesADirectLoopAtEveryStrideAndPadding() {
        Random rnd = new Random(13);
        // {h, w, kh, kw, sh, sw, dh, dw, top, left, bottom, right}: 2x2/2 (the tiny YOLOs' pools, 16-column groups
        // and tails), 3x3/2 padded, 2x2/1 padded (darknet's last pool), 3x3 dilated, stride 3
        int[][] cases = {{416, 416, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0}, {13, 13, 2, 2, 1, 1, 1, 1, 0, 0, 1, 1},
            {26, 70, 3, 3, 2, 2, 1, 1, 1, 1, 1, 1}, {9, 37, 2, 2, 2, 2, 1, 1, 0, 0, 1, 1}, {20, 50, 3, 3, 1, 1, 2, 2, 2, 2, 2, 2},
            {31, 95, 3, 2, 3, 3, 1, 1, 0, 1, 2, 0}, {8, 8, 2, 2, 2, 2, 1, 1, 0, 0, 0, 0}};
        for (int[] c : cases) {
            int planes = 3, h = c[0], w = c[1];
            int[] k = {c[2], c[3]}, s = {c[4], c[5]}, d = {c[6], c[7]}, p = {c[8], c[9], c[10], c[11]};
            int oh = (h + p[0] + p[2] - d[0] * (k[0] - 1) - 1) / s[0] + 1, ow = (w + p[1] + p[3] - d[1] * (k[1] - 1) - 1) / s[1] + 1;
            float[] x = gaussian(rnd, planes * h * w);
            java.nio.FloatBuffer out = java.nio.FloatBuffer.allocate(planes * oh * ow);
            VectorMaxPool.run(java.nio.FloatBuffer.wrap(x), out, planes, h, w, k, s, d, p, oh, ow);
            float[] want = new float[planes * oh * ow];
            for (int pl = 0, i = 0; pl < planes; pl++) {
                for (int oy = 0; oy < oh; oy++) {
                    for (int ox = 0; ox < ow; ox++, i++) {
                        float m = Float.NEGATIVE_INFINITY;
                        for (int ky = 0; ky < k[0]; ky++) {
                            for (int kx = 0; kx < k[1]; kx++) {
                                int iy = oy * s[0] - p[0] + ky * d[0], ix = ox * s[1] - p[1] + kx * d[1];
                                if (iy >= 0 && iy < h && ix >= 0 && ix < w) m = Math.max(m, x[(pl * h + iy) * w + ix]);
                            }
                        }
                        want[i] = m;
                    }
                }
            }
            assertBitsEqual(want, out.array(), "MaxPool " + java.util.Arrays.toString(c));
        }
    }

    private static void assertBitsEqual(float[] want, float[] got, String what) {
        for (int i = 0; i < want.length; i++) assertEquals(Float.floatToRawIntBits(want[i]), Float.floatToRawIntBits(got[i]), what + " at " + i);
    }

    @Test
    void theExponentialIsWithinTwoUlpsOverFloatsRange() {
        float[] v = new float[Lanes.L];
        double worst = 0;
        for (float x0 = -87f; x0 < 88f; x0 += 0.37f) {
            for (int i = 0; i < Lanes.L; i++) v[i] = x0 + i * 0.0231f;
            float[] e = new float[Lanes.L];
            VectorActivation.exp(jdk.incubator.vector.FloatVector.fromArray(Lanes.S, v, 0)).intoArray(e, 0);
            for (int i = 0; i < Lanes.L; i++) {
                double ref = Math.exp(v[i]);
                worst = Math.max(worst, Math.abs(e[i] - ref) / Math.ulp((float) ref));
            }
        }
        assertTrue(worst <= 2.0, "worst error " + worst + " ulps");
    }

    @Test
    void exponentialActivationsMatchTheirScalarForms() {
        Random rnd = new Random(3);
        for (String op : new String[] {"Sigmoid", "Swish", "Mish", "Tanh"}) {
            float[] v = new float[1000];
            for (int i = 0; i < v.length; i++) v[i] = (float) (rnd.nextGaussian() * 8);
            v[0] = 30f;
            v[1] = -100f;
            v[2] = 0f;
            float[] vec = v.clone(), scalar = v.clone(), shifted = new float[v.length + 5];
            VectorActivation.apply(op, vec, 0, vec.length);
            scalar(op, scalar);
            for (int i = 0; i < v.length; i++) {
                assertEquals(scalar[i], vec[i], 4e-7 * Math.max(1, Math.abs(scalar[i])), op + "(" + v[i] + ")");
            }
            // lanes and the scalar tail agree bit for bit: a value is the same wherever a block boundary puts it
            System.arraycopy(v, 0, shifted, 5, v.length);
            VectorActivation.apply(op, shifted, 5, v.length);
            for (int i = 0; i < v.length; i++) assertEquals(vec[i], shifted[i + 5], 0f, op + "(" + v[i] + ") at another offset");
        }
    }

    private static void scalar(String op, float[] v) {
        for (int i = 0; i < v.length; i++) {
            float x = v[i];
            v[i] = switch (op) {
                case "Sigmoid" -> Activation.sigmoid(x);
                case "Swish" -> x * Activation.sigmoid(x);
                case "Mish" -> Activation.mish(x);
                default -> (float) Math.tanh(x);
            };
        }
    }
}
