package dev.demandlayering.runtime.cpu;

import java.nio.FloatBuffer;
import java.util.Arrays;

/**
 * Heap copies of input planes with their padding written out (zeros for a convolution, -inf for MaxPool), for the
 * Vector API kernels: in such a copy every tap of every output reads inside, so a kernel has no edge cases and each
 * tap is the copy shifted by a constant.
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
}
