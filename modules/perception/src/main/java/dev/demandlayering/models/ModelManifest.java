package dev.demandlayering.models;

import dev.demandlayering.runtime.io.YamlFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * A model's manifest (models/NAME.yaml): where the model comes from, its input and preprocessing, its output
 * layout and class names. Read with SnakeYAML's safe loader; every missing or mistyped field is reported
 * with the file and the field.
 */
public record ModelManifest(Path source, String name, String task, String format, String file, String inputName, int[] inputShape,
                            PreprocessingSpec preprocessing, OutputLayout outputs, List<String> classes) {

    public static ModelManifest read(Path file) throws IOException {
        Map<?, ?> root = YamlFiles.readMapping(file, "model manifest", "a mapping");
        Fields f = new Fields(file);
        Map<?, ?> input = f.map(root, "input");
        List<?> shape = f.list(input, "input.shape");
        int[] dims = shape.stream().mapToInt(o -> f.integer(o, "input.shape")).toArray();
        String layout = f.string(input, "layout", "input.layout");
        if (!layout.equals("NCHW") && !layout.equals("NHWC")) throw new IOException(file + ": input.layout must be NCHW or NHWC, got " + layout);
        float scale = (float) f.number(input.get("scale"), "input.scale");
        if (Math.abs(scale - 1 / 255.0) > 1e-9) throw new IOException(file + ": input.scale must be 1/255 (0.00392156862745098); got " + scale);
        float[] mean = f.floats(f.list(input, "input.mean"), "input.mean", 3);
        float[] std = f.floats(f.list(input, "input.std"), "input.std", 3);
        String color = f.string(input, "color", "input.color");
        String resize = input.containsKey("resize") ? String.valueOf(input.get("resize")) : "stretch";
        if (!resize.equals("stretch") && !resize.equals("letterbox")) {
            throw new IOException(file + ": input.resize must be stretch or letterbox, got " + resize);
        }
        if (!color.equals("RGB") && !color.equals("BGR")) throw new IOException(file + ": input.color must be RGB or BGR, got " + color);
        String task = f.string(root, "task", "task");
        OutputLayout outputs = outputs(f, f.map(root, "outputs"), task);
        List<String> classes = f.list(root, "classes").stream().map(String::valueOf).toList();
        return new ModelManifest(file, f.string(root, "name", "name"), task, f.string(root, "format", "format"),
                f.string(root, "file", "file"), f.string(input, "name", "input.name"), dims,
                new PreprocessingSpec(layout, mean, std, color.equals("BGR"), resize.equals("letterbox")), outputs, classes);
    }

    /**
     * The {@code outputs} section as its layout's record; a missing or mistyped field, an unknown layout or one that
     * does not fit the task fails here, naming the manifest and the field.
     */
    private static OutputLayout outputs(Fields f, Map<?, ?> o, String task) throws IOException {
        String layout = f.string(o, "layout", "outputs.layout");
        OutputLayout l = switch (layout) {
            case "nanodet-gfl" -> new OutputLayout.NanoDetGfl(f.counts(o, "outputs.strides"), f.count(o, "reg_bins", "outputs.reg_bins"),
                    f.strings(o, "outputs.scores"), f.strings(o, "outputs.boxes"));
            case "yolov5", "yolov8" -> new OutputLayout.Yolo(layout, f.count(o, "anchors", "outputs.anchors"), f.string(o, "output", "outputs.output"));
            case "ssd" -> new OutputLayout.Ssd(f.count(o, "anchors", "outputs.anchors"), f.string(o, "boxes", "outputs.boxes"),
                    f.string(o, "scores", "outputs.scores"));
            case "sigmoid-mask" -> new OutputLayout.SigmoidMask(f.string(o, "mask", "outputs.mask"));
            case "softmax-mask" -> {
                Object c = o.get("channel");
                if (c == null) throw new IOException(f.file() + ": field 'outputs.channel' is missing");
                if (!(c instanceof Integer channel) || channel < 0) throw new IOException(f.file() + ": outputs.channel must be 0 or more, got " + c);
                yield new OutputLayout.SoftmaxMask(f.string(o, "mask", "outputs.mask"), channel);
            }
            default -> throw new IOException(f.file() + ": outputs.layout '" + layout + "' is not supported (detection: "
                    + String.join(", ", OutputLayout.DETECTION_LAYOUTS) + "; segmentation: " + String.join(", ", OutputLayout.MASK_LAYOUTS) + ")");
        };
        // other tasks are refused by name where their head is built
        List<String> fitting = switch (task) {
            case "detection" -> OutputLayout.DETECTION_LAYOUTS;
            case "segmentation" -> OutputLayout.MASK_LAYOUTS;
            default -> List.of(layout);
        };
        if (!fitting.contains(layout)) {
            throw new IOException(f.file() + ": task " + task + " needs outputs.layout " + String.join(", ", fitting) + "; got '" + layout + "'");
        }
        return l;
    }

    /** Typed field access with errors that name the manifest and the field. */
    private record Fields(Path file) {
        Map<?, ?> map(Map<?, ?> m, String key) throws IOException {
            Object v = m.get(key);
            if (!(v instanceof Map<?, ?> mm)) throw new IOException(file + ": field '" + key + "' must be a mapping");
            return mm;
        }

        List<?> list(Map<?, ?> m, String key) throws IOException {
            Object v = m.get(key.contains(".") ? key.substring(key.lastIndexOf('.') + 1) : key);
            if (!(v instanceof List<?> l)) throw new IOException(file + ": field '" + key + "' must be a list");
            return l;
        }

        String string(Map<?, ?> m, String key, String label) throws IOException {
            Object v = m.get(key);
            if (v == null) throw new IOException(file + ": field '" + label + "' is missing");
            return String.valueOf(v);
        }

        /** A whole number of 1 or more. */
        int count(Map<?, ?> m, String key, String label) throws IOException {
            Object v = m.get(key);
            if (v == null) throw new IOException(file + ": field '" + label + "' is missing");
            if (!(v instanceof Integer i) || i < 1) throw new IOException(file + ": '" + label + "' must be a whole number of 1 or more, got " + v);
            return i;
        }

        List<Integer> counts(Map<?, ?> m, String key) throws IOException {
            List<?> l = list(m, key);
            if (l.isEmpty()) throw new IOException(file + ": '" + key + "' must list at least one value");
            for (Object o : l) {
                if (!(o instanceof Integer i) || i < 1) throw new IOException(file + ": '" + key + "' must hold whole numbers of 1 or more, got " + o);
            }
            return l.stream().map(o -> (Integer) o).toList();
        }

        List<String> strings(Map<?, ?> m, String key) throws IOException {
            List<?> l = list(m, key);
            if (l.isEmpty()) throw new IOException(file + ": '" + key + "' must name at least one output");
            return l.stream().map(String::valueOf).toList();
        }

        int integer(Object o, String label) {
            if (!(o instanceof Integer i)) throw new IllegalArgumentException(file + ": '" + label + "' must hold integers, got " + o);
            return i;
        }

        double number(Object o, String label) throws IOException {
            if (!(o instanceof Number n)) throw new IOException(file + ": '" + label + "' must be a number, got " + o);
            return n.doubleValue();
        }

        float[] floats(List<?> l, String label, int n) throws IOException {
            if (l.size() != n) throw new IOException(file + ": '" + label + "' must have " + n + " values, got " + l.size());
            float[] f = new float[n];
            for (int i = 0; i < n; i++) f[i] = (float) number(l.get(i), label);
            return f;
        }
    }
}
