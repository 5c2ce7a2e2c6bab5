package dev.demandlayering.perception;

/**
 * How a source image sits in a model input: input = source * scale + pad, per axis. Stretch scales each
 * axis to fill the input; letterbox scales both by the same factor and centres the image, padding the rest.
 * Heads use the inverse to put boxes and masks back in source pixels.
 */
public record ImageGeometry(int sourceWidth, int sourceHeight, int inputWidth, int inputHeight, double scaleX, double scaleY, double padX,
                            double padY) {
    public static ImageGeometry of(int sourceWidth, int sourceHeight, int inputWidth, int inputHeight, boolean letterbox) {
        if (!letterbox) {
            return new ImageGeometry(sourceWidth, sourceHeight, inputWidth, inputHeight, inputWidth / (double) sourceWidth,
                    inputHeight / (double) sourceHeight, 0, 0);
        }
        double s = Math.min(inputWidth / (double) sourceWidth, inputHeight / (double) sourceHeight);
        return new ImageGeometry(sourceWidth, sourceHeight, inputWidth, inputHeight, s, s, (inputWidth - sourceWidth * s) / 2,
                (inputHeight - sourceHeight * s) / 2);
    }

    /** An input-space x (pixels) in source pixels, clamped to the image. */
    public double toSourceX(double inputX) {
        return Math.max(0, Math.min(sourceWidth, (inputX - padX) / scaleX));
    }

    public double toSourceY(double inputY) {
        return Math.max(0, Math.min(sourceHeight, (inputY - padY) / scaleY));
    }

    public double toInputX(double sourceX) {
        return sourceX * scaleX + padX;
    }

    public double toInputY(double sourceY) {
        return sourceY * scaleY + padY;
    }
}
