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
                            PreprocessingSpec preprocessing, Map<String, Object> outputs, List<String> classes) {

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
        @SuppressWarnings("unchecked")
        Map<String, Object> outputs = (Map<String, Object>) f.map(root, "outputs");
        List<String> classes = f.list(root, "classes").stream().map(String::valueOf).toList();
        return new ModelManifest(file, f.string(root, "name", "name"), f.string(root, "task", "task"), f.string(root, "format", "format"),
                f.string(root, "file", "file"), f.string(input, "name", "input.name"), dims,
                new PreprocessingSpec(layout, mean, std, color.equals("BGR"), resize.equals("letterbox")), outputs, classes);
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
