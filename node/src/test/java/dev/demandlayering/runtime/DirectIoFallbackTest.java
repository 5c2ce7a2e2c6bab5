package dev.demandlayering.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.ChildCli;
import dev.demandlayering.TestRepo;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Weights on a file system that cannot do O_DIRECT: a real FUSE file system (tools/faults/no-direct-io-fs.py, in a
 * private mount namespace) that reports a block size of 0, and either refuses O_DIRECT opens with EINVAL or
 * accepts them. {@code dlayer run} falls back to buffered reads with one log line and gives the right outputs;
 * {@code --direct-io on} fails at once, saying why.
 */
class DirectIoFallbackTest {
    static final Path CONV = Path.of("/usr/share/libonnx-testdata/data/node/test_basic_conv_with_padding");
    static final Path FS = TestRepo.root().resolve("tools/faults/no-direct-io-fs.py");

    @TempDir
    Path tmp;

    static void assumeFuse() throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", "-c", "import fusepy").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        Assumptions.assumeTrue(p.waitFor() == 0 && Files.exists(Path.of("/dev/fuse")) && Files.isExecutable(Path.of("/usr/bin/fusermount3")),
                "needs FUSE (/dev/fuse, fuse3, python3-fusepy) to mount a file system without O_DIRECT");
        Process u = new ProcessBuilder("unshare", "-m", "true").redirectErrorStream(true).start();
        u.getInputStream().readAllBytes();
        Assumptions.assumeTrue(u.waitFor() == 0, "needs a private mount namespace (unshare -m, as root)");
    }

    @Test
    void weightsFallBackToBufferedReadsWhereODirectIsUnusable() throws Exception {
        assumeFuse();
        Assumptions.assumeTrue(Files.isDirectory(CONV), "libonnx-testdata not installed");
        Path src = Files.createDirectories(tmp.resolve("src")), mnt = Files.createDirectories(tmp.resolve("mnt"));
        ModelImporter.pack(CONV.resolve("model.onnx"), src.resolve("conv.dlp"), false);
        String run = ChildCli.command("run", "--pack", mnt.resolve("conv.dlp").toString(), "--input", CONV.resolve("test_data_set_0/input_0.pb").toString(),
                "--input", "W=" + CONV.resolve("test_data_set_0/input_1.pb"), "--resident", "none").stream().map(a -> "'" + a + "'").collect(Collectors.joining(" "));
        StringBuilder script = new StringBuilder("set -u\n");
        for (String mode : List.of("", "--open-direct")) {
            script.append("echo == mode ").append(mode.isEmpty() ? "refuse-open" : "open-direct").append('\n')
                    .append(FS).append(' ').append(mode).append(' ').append(src).append(' ').append(mnt).append(" &\nFS=$!\n")
                    .append("for i in $(seq 100); do mountpoint -q ").append(mnt).append(" && break; sleep 0.1; done\n")
                    .append(run).append(" --output-dir ").append(tmp.resolve("out" + mode.length())).append("; echo EXIT=$?\n")
                    .append(run).append(" --direct-io on --output-dir ").append(tmp.resolve("on" + mode.length())).append("; echo EXIT=$?\n")
                    .append("fusermount3 -u ").append(mnt).append("\nwait $FS\n");
        }
        Path f = Files.writeString(tmp.resolve("fuse.sh"), script.toString());
        Process p = new ProcessBuilder("unshare", "-m", "bash", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), out);
        String[] modes = out.split("== mode ");
        assertTrue(modes.length == 3, out);
        for (String m : List.of(modes[1], modes[2])) {
            // auto: one line saying why, buffered reads, the conformance output
            assertTrue(m.contains("O_DIRECT is not usable for " + mnt.resolve("conv.dlp")), m);
            assertTrue(m.contains("\"direct_io\":false") && m.indexOf("EXIT=0") > 0, m);
            // on: refused at once, naming the file and the fix
            assertTrue(m.contains("direct_io is 'on' but O_DIRECT reads are not possible here") && m.contains("EXIT=2"), m);
        }
        assertTrue(modes[1].contains("opening with O_DIRECT failed") || modes[1].contains("block size of 0"), modes[1]);
        assertTrue(modes[2].contains("block size of 0"), modes[2]);
        dev.demandlayering.runtime.io.Npy.Array y = dev.demandlayering.runtime.io.Npy.read(tmp.resolve("out0/y.npy"));
        assertTrue(y.data().length > 0);
        float[] expected = dev.demandlayering.runtime.onnx.TensorProtos.readFile(CONV.resolve("test_data_set_0/output_0.pb")).tensor().floats();
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, y.data(), 1e-4f);
    }

    /**
     * A failing disk (the same FUSE file system with a normal block size, O_DIRECT allowed and EIO for every read past
     * a point): the read of a layer there fails naming the file, the layer, the bytes and offset read and the cause, and is
     * not mistaken for a file system without O_DIRECT.
     */
    @Test
    void anIoErrorUnderODirectNamesFileLayerOffsetAndCause() throws Exception {
        assumeFuse();
        Path src = Files.createDirectories(tmp.resolve("src")), mnt = Files.createDirectories(tmp.resolve("mnt"));
        dev.demandlayering.runtime.pack.PackFile pack = Pipelines.pack(TestGraphs.smallCnn(7, 32), src);
        dev.demandlayering.runtime.layers.Layer last = pack.model().layers().get(pack.model().layers().size() - 1);
        long failAt = pack.blob(last.index()).offset();
        Path x = tmp.resolve("x.npy");
        dev.demandlayering.runtime.io.Npy.write(x, new int[] {1, 3, 32, 32}, TestGraphs.randomInput(1, 3 * 32 * 32));
        String run = ChildCli.command("run", "--pack", mnt.resolve(pack.path().getFileName()).toString(), "--input", "x=" + x, "--resident", "none",
                "--output-dir", tmp.resolve("out").toString()).stream().map(a -> "'" + a + "'").collect(Collectors.joining(" "));
        String script = FS + " --eio-after " + failAt + " " + src + " " + mnt + " &\nFS=$!\n"
                + "for i in $(seq 100); do mountpoint -q " + mnt + " && break; sleep 0.1; done\n"
                + run + "; echo EXIT=$?\nfusermount3 -u " + mnt + "\nwait $FS\n";
        Path f = Files.writeString(tmp.resolve("eio.sh"), script);
        Process p = new ProcessBuilder("unshare", "-m", "bash", f.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertTrue(out.contains("EXIT=2"), out);
        assertTrue(out.contains(mnt.resolve(pack.path().getFileName()) + ": layer " + last.index() + " '" + last.name() + "': reading "
                + last.weightBytes() + " bytes at offset " + failAt + " failed (O_DIRECT): Input/output error"), out);
        assertTrue(!out.contains("O_DIRECT is not usable"), out);
    }
}
