package dev.demandlayering.runtime.darknet;

import dev.demandlayering.runtime.graph.ModelImportException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A Darknet .cfg file: [section] headers followed by key=value lines ('#' and ';' start comments). Every
 * section and option is checked against what the importer understands or may ignore (training settings):
 * anything else fails naming the file, the line and what is known.
 */
public final class DarknetCfg {
    /** One [section] with its options, and where it starts in the file. */
    public record Section(String type, Map<String, String> options, int line, Path file) {
        String where() {
            return file + ":" + line + " [" + type + "]";
        }

        public String get(String key, String dflt) {
            return options.getOrDefault(key, dflt);
        }

        public int getInt(String key, int dflt) {
            String v = options.get(key);
            if (v == null) return dflt;
            try {
                return Integer.parseInt(v.trim());
            } catch (NumberFormatException e) {
                throw new ModelImportException(where() + ": option " + key + "=" + v + " is not an integer");
            }
        }

        public float getFloat(String key, float dflt) {
            String v = options.get(key);
            if (v == null) return dflt;
            try {
                return Float.parseFloat(v.trim());
            } catch (NumberFormatException e) {
                throw new ModelImportException(where() + ": option " + key + "=" + v + " is not a number");
            }
        }

        public int[] getInts(String key) {
            String v = options.get(key);
            if (v == null) throw new ModelImportException(where() + ": option " + key + " is required");
            String[] parts = v.split(",");
            int[] out = new int[parts.length];
            for (int i = 0; i < parts.length; i++) {
                try {
                    out[i] = Integer.parseInt(parts[i].trim());
                } catch (NumberFormatException e) {
                    throw new ModelImportException(where() + ": option " + key + "=" + v + " is not a list of integers");
                }
            }
            return out;
        }
    }

    /** Options each section may have: the ones inference reads first, then training-only ones that are accepted and ignored. */
    static final Map<String, Set<String>> KNOWN = new LinkedHashMap<>();

    static {
        Set<String> training = Set.of("jitter", "classes", "num", "mask", "anchors", "ignore_thresh", "truth_thresh", "random", "scale_x_y",
                "iou_thresh", "cls_normalizer", "iou_normalizer", "iou_loss", "nms_kind", "beta_nms", "max_delta", "obj_normalizer",
                "objectness_smooth", "new_coords", "resize", "counters_per_class", "label_smooth_eps", "focal_loss", "coords", "softmax",
                "rescore", "object_scale", "noobject_scale", "class_scale", "coord_scale", "absolute", "thresh", "bias_match", "sqrt",
                "random_shift");
        KNOWN.put("net", Set.of("batch", "subdivisions", "width", "height", "channels", "momentum", "decay", "angle", "saturation", "exposure", "hue",
                "learning_rate", "burn_in", "max_batches", "policy", "steps", "scales", "mosaic", "letter_box", "ema_alpha", "max_crop", "min_crop",
                "aspect", "flip", "power", "gamma", "step", "track", "time_steps", "optimized_memory", "mosaic_bound", "cutmix", "mixup", "blur",
                "gaussian_noise", "label_smooth_eps", "adversarial_lr", "attention", "inputs", "max_chart_loss", "use_cuda_graph", "dynamic_minibatch",
                "loss_scale", "equidistant_point", "contrastive", "unsupervised", "rotate", "seed"));
        KNOWN.put("convolutional", Set.of("batch_normalize", "filters", "size", "stride", "pad", "padding", "activation", "groups", "dilation",
                "stride_x", "stride_y", "antialiasing", "share_index", "binary", "xnor", "bin_output", "mask"));
        KNOWN.put("connected", Set.of("output", "activation", "batch_normalize"));
        KNOWN.put("maxpool", Set.of("size", "stride", "padding", "stride_x", "stride_y", "maxpool_depth", "out_channels", "antialiasing"));
        KNOWN.put("avgpool", Set.of());
        KNOWN.put("route", Set.of("layers", "groups", "group_id", "stopbackward"));
        KNOWN.put("shortcut", Set.of("from", "activation", "weights_type", "weights_normalization"));
        KNOWN.put("upsample", Set.of("stride", "scale"));
        KNOWN.put("softmax", Set.of("groups", "temperature", "spatial", "tree"));
        KNOWN.put("dropout", Set.of("probability", "dropblock", "dropblock_size_rel", "dropblock_size_abs"));
        KNOWN.put("crop", Set.of("crop_height", "crop_width", "flip", "exposure", "saturation", "angle", "noadjust", "shift"));
        KNOWN.put("reorg", Set.of("stride", "reverse"));
        KNOWN.put("cost", Set.of("type", "scale", "ratio", "noobject_scale", "thresh"));
        KNOWN.put("yolo", training);
        KNOWN.put("region", training);
    }

    private final Path file;
    private final List<Section> sections;

    private DarknetCfg(Path file, List<Section> sections) {
        this.file = file;
        this.sections = sections;
    }

    public Path file() {
        return file;
    }

    public static DarknetCfg read(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "Darknet cfg not found");
        List<String> lines = Files.readAllLines(file);
        List<Section> sections = new ArrayList<>();
        Map<String, String> current = null;
        String type = null;
        int start = 0;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            int hash = line.indexOf('#'), semi = line.indexOf(';');
            int cut = hash < 0 ? semi : semi < 0 ? hash : Math.min(hash, semi);
            if (cut >= 0) line = line.substring(0, cut).strip();
            if (line.isEmpty()) continue;
            if (line.startsWith("[")) {
                if (!line.endsWith("]")) throw new ModelImportException(file + ":" + (i + 1) + ": section header '" + line + "' has no closing ]");
                if (type != null) sections.add(new Section(type, current, start, file));
                type = line.substring(1, line.length() - 1).strip().toLowerCase();
                if (type.equals("conv")) type = "convolutional";
                if (type.equals("max")) type = "maxpool";
                if (type.equals("avg")) type = "avgpool";
                if (type.equals("network")) type = "net";
                if (!KNOWN.containsKey(type)) {
                    throw new ModelImportException(file + ":" + (i + 1) + ": unknown section [" + type + "]; supported: " + String.join(", ", KNOWN.keySet()));
                }
                current = new LinkedHashMap<>();
                start = i + 1;
                continue;
            }
            if (type == null) throw new ModelImportException(file + ":" + (i + 1) + ": option '" + line + "' before any [section]");
            int eq = line.indexOf('=');
            if (eq <= 0) throw new ModelImportException(file + ":" + (i + 1) + ": expected key=value, got '" + line + "'");
            String key = line.substring(0, eq).strip();
            if (!KNOWN.get(type).contains(key)) {
                throw new ModelImportException(file + ":" + (i + 1) + ": unknown option '" + key + "' in [" + type + "]; known: "
                        + String.join(", ", new java.util.TreeSet<>(KNOWN.get(type))));
            }
            current.put(key, line.substring(eq + 1).strip());
        }
        if (type != null) sections.add(new Section(type, current, start, file));
        if (sections.isEmpty() || !sections.get(0).type().equals("net")) {
            throw new ModelImportException(file + ": a Darknet cfg starts with a [net] section");
        }
        return new DarknetCfg(file, sections);
    }

    /** The [net] section. */
    public Section net() {
        return sections.get(0);
    }

    /** The layer sections (everything after [net]), in order: Darknet's layer indices. */
    public List<Section> layers() {
        return sections.subList(1, sections.size());
    }

}
