package dev.demandlayering.runtime;

import dev.demandlayering.runtime.cpu.CpuKernels;
import dev.demandlayering.runtime.darknet.DarknetCfg;
import dev.demandlayering.runtime.darknet.DarknetImporter;
import dev.demandlayering.runtime.darknet.WeightSource;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.graph.ModelImportException;
import dev.demandlayering.runtime.layers.LayerBuilder;
import dev.demandlayering.runtime.layers.WeightTiler;
import dev.demandlayering.runtime.onnx.OnnxModelReader;
import dev.demandlayering.runtime.ops.GraphNormalizer;
import dev.demandlayering.runtime.ops.HardSwishFuser;
import dev.demandlayering.runtime.pack.PackWriter;
import dev.demandlayering.runtime.tfjs.TfjsModelReader;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a model file (ONNX, or a TF.js graph model's model.json), normalises it and groups it into layers. */
public final class ModelImporter {
    private ModelImporter() {
    }

    public static LayerBuilder.Result importModel(Path file) throws IOException {
        return LayerBuilder.build(HardSwishFuser.fuse(normalize(read(file), file.toString())));
    }

    /** As {@link #importModel(Path)}, with layers over {@code tileBytes} of weights split into tiles (null: no tiling). */
    public static LayerBuilder.Result importModel(Path file, Long tileBytes) throws IOException {
        return build(normalize(read(file), file.toString()), tileBytes, file.toString());
    }

    /** A Darknet network: its cfg with parameters from a .weights file, or seeded random ones when {@code weights} is null. */
    public static LayerBuilder.Result importDarknet(Path cfg, Path weights, long seed) throws IOException {
        return importDarknet(cfg, weights, seed, null);
    }

    public static LayerBuilder.Result importDarknet(Path cfg, Path weights, long seed, Long tileBytes) throws IOException {
        return build(normalize(darknetGraph(cfg, weights, seed), cfg.toString()), tileBytes, cfg.toString());
    }

    /** A Darknet network as a graph, not yet normalised (parameters as for {@link #importDarknet}). */
    public static Graph darknetGraph(Path cfg, Path weights, long seed) throws IOException {
        return DarknetImporter.toGraph(DarknetCfg.read(cfg), weights != null ? WeightSource.file(weights) : WeightSource.random(seed));
    }

    private static LayerBuilder.Result build(Graph normalized, Long tileBytes, String where) {
        // fusions after normalising: what runs, not what `dlayer export` writes for other runtimes
        Graph fused = HardSwishFuser.fuse(normalized);
        return LayerBuilder.build(tileBytes == null ? fused : WeightTiler.tile(fused, tileBytes, where));
    }

    public static Graph read(Path file) throws IOException {
        if (!Files.exists(file)) throw new NoSuchFileException(file.toString(), null, "model file not found");
        String name = file.getFileName().toString().toLowerCase();
        if (name.endsWith(".onnx")) return OnnxModelReader.read(file);
        if (name.endsWith(".json")) return TfjsModelReader.read(file);
        if (name.endsWith(".cfg")) {
            throw new ModelImportException(file + ": a Darknet cfg needs its parameters: --weights FILE.weights or --random-weights SEED");
        }
        throw new ModelImportException(file + ": unknown model format; expected an .onnx file, a TF.js graph model .json or a Darknet .cfg");
    }

    public static Graph normalize(Graph g, String where) {
        return GraphNormalizer.normalize(g, where, CpuKernels.EVALUATOR);
    }

    /** Imports {@code model} and writes its pack to {@code out}. */
    public static void pack(Path model, Path out, boolean fp16) throws IOException {
        PackWriter.write(importModel(model), out, fp16);
    }
}
