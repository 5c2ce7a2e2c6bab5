package dev.demandlayering.models;

/**
 * How a model wants its pixels, as its manifest says: tensor layout (NCHW or NHWC), per-channel mean and std after
 * scaling to [0, 1], BGR or RGB order, and letterboxed (aspect kept, padded) or stretched resizing.
 * {@code perception.Preprocessor} applies it.
 */
public record PreprocessingSpec(String layout, float[] mean, float[] std, boolean bgr, boolean letterbox) {
    /** RGB in [0, 1], stretched: for a model without a manifest. */
    public static PreprocessingSpec unitRgb(String layout) {
        return new PreprocessingSpec(layout, new float[] {0, 0, 0}, new float[] {1, 1, 1}, false, false);
    }

    public boolean nchw() {
        return layout.equalsIgnoreCase("NCHW");
    }

    /** Input height and width from a model input shape in this layout. */
    public int[] inputSize(int[] shape) {
        return new int[] {nchw() ? shape[2] : shape[1], nchw() ? shape[3] : shape[2]};
    }
}
