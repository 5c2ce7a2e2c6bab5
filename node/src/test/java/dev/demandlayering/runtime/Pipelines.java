package dev.demandlayering.runtime;

import dev.demandlayering.runtime.cpu.CpuBackend;
import dev.demandlayering.runtime.exec.Backend;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.graph.Graph;
import dev.demandlayering.runtime.layers.LayerBuilder;
import dev.demandlayering.runtime.pack.PackFile;
import dev.demandlayering.runtime.pack.PackWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Test helper: a graph through the whole path (normalise, pack, plan, engine) in one call. */
final class Pipelines {
    private Pipelines() {
    }

    static PackFile pack(Graph g, Path dir) throws IOException {
        LayerBuilder.Result r = LayerBuilder.build(ModelImporter.normalize(g, g.name()));
        Path p = dir.resolve(g.name().replaceAll("[^A-Za-z0-9_.-]", "_") + ".dlp");
        PackWriter.write(r, p, false);
        return PackFile.open(p);
    }

    static FrameResult run(PackFile pack, Session.Options opts, Map<String, float[]> inputs) throws IOException {
        return run(pack, opts, inputs, new CpuBackend());
    }

    static FrameResult run(PackFile pack, Session.Options opts, Map<String, float[]> inputs, Backend backend) throws IOException {
        try (Session s = Session.open(List.of(pack), opts, backend)) {
            return s.run(List.of(inputs));
        }
    }
}
