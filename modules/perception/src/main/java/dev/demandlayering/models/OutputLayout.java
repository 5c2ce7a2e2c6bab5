package dev.demandlayering.models;

import java.util.List;

/**
 * A manifest's {@code outputs} section, typed when the manifest is read: how the model's raw outputs are laid out
 * and which tensors hold what. A detection layout feeds a box decoder, a mask layout a segmentation mask.
 */
public sealed interface OutputLayout {
    /** The detection layouts a manifest may name, and the segmentation ones. */
    List<String> DETECTION_LAYOUTS = List.of("nanodet-gfl", "yolov5", "yolov8", "ssd");
    List<String> MASK_LAYOUTS = List.of("sigmoid-mask", "softmax-mask");

    /** The layout's name in manifests ({@code outputs.layout}). */
    String name();

    /** Outputs a detection decoder reads. */
    sealed interface Detection extends OutputLayout {
    }

    /** Outputs that hold a per-pixel map. */
    sealed interface Mask extends OutputLayout {
        /** The output tensor that holds the map. */
        String mask();
    }

    /**
     * NanoDet's generalized-focal-loss head: per stride, a class-score map ({@code scores}, sigmoid applied) and a
     * box-distribution map ({@code boxes}: 4 sides of {@code regBins} bins).
     */
    record NanoDetGfl(List<Integer> strides, int regBins, List<String> scores, List<String> boxes) implements Detection {
        public NanoDetGfl {
            strides = List.copyOf(strides);
            scores = List.copyOf(scores);
            boxes = List.copyOf(boxes);
        }

        @Override
        public String name() {
            return "nanodet-gfl";
        }
    }

    /** One YOLO output of {@code anchors} rows: yolov5's box, objectness and class scores, or yolov8's box and class scores. */
    record Yolo(String version, int anchors, String output) implements Detection {
        @Override
        public String name() {
            return version;
        }
    }

    /** An SSD head: {@code anchors} decoded boxes and their class scores in two outputs. */
    record Ssd(int anchors, String boxes, String scores) implements Detection {
        @Override
        public String name() {
            return "ssd";
        }
    }

    /** One channel per pixel: the probability of the foreground class, sigmoid applied. */
    record SigmoidMask(String mask) implements Mask {
        @Override
        public String name() {
            return "sigmoid-mask";
        }
    }

    /** One logit per class and pixel, channels last; the foreground's probability is the softmax's {@code channel}. */
    record SoftmaxMask(String mask, int channel) implements Mask {
        @Override
        public String name() {
            return "softmax-mask";
        }
    }
}
