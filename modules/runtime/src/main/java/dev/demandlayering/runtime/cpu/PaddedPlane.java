package dev.demandlayering.runtime.cpu;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Heap copies of input planes with their padding written out (zeros for a convolution, -inf for MaxPool), for the
 * Vector API kernels: in such a copy every tap of every output reads inside, so a kernel has no edge cases and each
 * tap is the copy shifted by a constant. {@link #copyPhases} runs on the Vector API itself.
 */
final class PaddedPlane {
    private PaddedPlane() {
    }

    /**
     * The copy's size along one axis: the input after its leading pad, or as far as the last output's window
     * reaches, whichever is further (the trailing pad may be smaller than the leading one, or not all read).
     */
    static int extent(int in, int padBegin, int out, int stride, int kernel, int dilation) {
        return Math.max(padBegin + in, (out - 1) * stride + (kernel - 1) * dilation + 1);
    }

    /** The h x w plane at {@code from} into {@code dst} at {@code at} as hp x wp, the input at (top, left), {@code fill} around it. */
    static void copy(FloatBuffer x, int from, int h, int w, int top, int left, float[] dst, int at, int wp, int hp, float fill) {
        if (top == 0 && left == 0 && wp == w && hp == h) {
            x.get(from, dst, at, h * w);
            return;
        }
        Arrays.fill(dst, at, at + top * wp, fill);
        for (int iy = 0; iy < h; iy++) {
            int row = at + (iy + top) * wp;
            Arrays.fill(dst, row, row + left, fill);
            x.get(from + iy * w, dst, row + left, w);
            Arrays.fill(dst, row + left + w, row + wp, fill);
        }
        Arrays.fill(dst, at + (top + h) * wp, at + hp * wp, fill);
    }

    /**
     * The h x w plane at {@code from}, padded as {@link #copy} pads it, into its {@code sh x sw} stride phases at
     * {@code at}: phase (py, px), hq x wq at {@code at + phaseIndex(py, px, ...) * hq * wq}, holds the padded
     * plane's pixels (r * sh + py, c * sw + px), zeros where those fall in the padding or past it. Only the phases
     * whose bits are set in {@code rowPhases} (py) and {@code colPhases} (px) are made (a 1x1 kernel at stride 2
     * reads one of four). {@code plane} holds h x w floats: the input plane is copied there in one bulk read (a
     * read per row cost more than the phases' copies).
     */
    static void copyPhases(FloatBuffer x, int from, int h, int w, int top, int left, int sh, int sw, int rowPhases, int colPhases, float[] dst, int at, int wq,
            int hq, float[] plane) {
        int phasePlane = hq * wq;
        x.get(from, plane, 0, h * w);
        for (int py = 0; py < sh; py++) {
            if ((rowPhases >> py & 1) == 0) continue;
            for (int r = 0; r < hq; r++) {
                int iy = r * sh + py - top, row = iy * w;
                boolean inside = iy >= 0 && iy < h; // a row of the padding or past it: all zeros
                for (int px = 0; px < sw; px++) {
                    if ((colPhases >> px & 1) == 0) continue;
                    int d = at + phaseIndex(py, px, rowPhases, colPhases) * phasePlane + r * wq;
                    // padded column c * sw + px is input column c * sw + px - left: columns [c0, c1) are inside
                    int c0 = inside ? Math.min(wq, Math.max(0, (left - px + sw - 1) / sw)) : 0;
                    int c1 = inside ? Math.max(c0, Math.min(wq, (w + left - px + sw - 1) / sw)) : 0;
                    // the padding's columns are one or two: plain stores, where a call of Arrays.fill per row cost more
                    for (int c = 0; c < c0; c++) dst[d + c] = 0f;
                    int c = c0, ix = row + c0 * sw + px - left;
                    // at stride 2, a vector of columns from two at a time (the scalar loop took 1 ms for a 64x104x104 input)
                    if (sw == 2) for (int l = EvenLanes.L; c + l <= c1 && ix + 2 * l <= row + w; c += l, ix += 2 * l) EvenLanes.of(plane, ix).intoArray(dst, d + c);
                    for (; c < c1; c++, ix += sw) dst[d + c] = plane[ix];
                    for (c = c1; c < wq; c++) dst[d + c] = 0f;
                }
            }
        }
    }

    /** Where phase (py, px) lies among the phases made: row-major over the set bits of {@code rowPhases} and {@code colPhases}. */
    static int phaseIndex(int py, int px, int rowPhases, int colPhases) {
        return Integer.bitCount(rowPhases & (1 << py) - 1) * Integer.bitCount(colPhases) + Integer.bitCount(colPhases & (1 << px) - 1);
    }
}
