package dev.demandlayering.runtime.ops;

/** Output size and padding arithmetic shared by convolution and pooling (ONNX auto_pad and ceil_mode rules). */
final class ConvGeometry {
    private ConvGeometry() {
    }

    /** Resolves auto_pad into explicit begin/end pads for one spatial axis. Returns {begin, end}. */
    static int[] autoPads(String autoPad, int in, int k, int stride, int dilation, int[] explicit, int axis, int rank) {
        int eff = (k - 1) * dilation + 1;
        switch (autoPad) {
            case "SAME_UPPER", "SAME_LOWER" -> {
                int out = (in + stride - 1) / stride;
                int total = Math.max(0, (out - 1) * stride + eff - in);
                int small = total / 2;
                return autoPad.equals("SAME_UPPER") ? new int[] {small, total - small} : new int[] {total - small, small};
            }
            case "VALID" -> {
                return new int[] {0, 0};
            }
            default -> {
                if (explicit == null) return new int[] {0, 0};
                return new int[] {explicit[axis], explicit[axis + rank]};
            }
        }
    }

    static int outSize(int in, int k, int stride, int dilation, int padBegin, int padEnd, boolean ceil) {
        int eff = (k - 1) * dilation + 1;
        int span = in + padBegin + padEnd - eff;
        if (span < 0) return 0;
        int out = (ceil ? (span + stride - 1) / stride : span / stride) + 1;
        // with ceil_mode the last window must start inside the input or its begin padding
        if (ceil && (out - 1) * stride >= in + padBegin) out--;
        return out;
    }
}
