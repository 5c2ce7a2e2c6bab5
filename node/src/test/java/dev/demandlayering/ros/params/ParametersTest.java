package dev.demandlayering.ros.params;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.TestRepo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParametersTest {
    static final Path REPO = TestRepo.root();

    @TempDir
    Path tmp;

    @Test
    void toolsGiveParametersWithoutFakeRosArguments() {
        RosArgs a = RosArgs.of(List.of(Path.of("p.yaml")), List.of("arena_size:=48MiB", "models:=[nanodet, selfie]", "qos.depth:=3"),
                NodeParameters.DEFAULT_NODE_NAME);
        assertEquals(List.of(Path.of("p.yaml")), a.paramsFiles());
        assertEquals("48MiB", a.params().get("arena_size"));
        assertEquals(List.of("nanodet", "selfie"), a.params().get("models"));
        assertEquals(3, a.params().get("qos.depth"));
        assertEquals("/" + NodeParameters.DEFAULT_NODE_NAME, a.fullyQualifiedName());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> RosArgs.of(List.of(), List.of("arena_size=48MiB"), "n"));
        assertEquals("ROS argument -p 'arena_size=48MiB' must be name:=value", bad.getMessage());
    }

    @Test
    void rosArgsSplitFromAppArgsWithTypedOverridesAndRemaps() {
        RosArgs a = RosArgs.parse(new String[] {"node", "--verbose", "--ros-args", "--params-file", "p.yaml", "-p", "arena_size:=48MiB", "-p",
                "qos.depth:=3", "-p", "nms_iou:=0.4", "-p", "publish_overlay:=true", "-p", "models:=[nanodet, selfie]", "-r",
                "image_raw:=/front/image_raw", "-r", "__node:=perception", "-r", "__ns:=/robot", "--log-level", "debug", "--", "tail"},
                NodeParameters.DEFAULT_NODE_NAME);
        assertEquals(List.of(Path.of("p.yaml")), a.paramsFiles());
        assertEquals("48MiB", a.params().get("arena_size"));
        assertEquals(3, a.params().get("qos.depth"));
        assertEquals(0.4, a.params().get("nms_iou"));
        assertEquals(true, a.params().get("publish_overlay"));
        assertEquals(List.of("nanodet", "selfie"), a.params().get("models"));
        assertEquals("/robot/perception", a.fullyQualifiedName());
        assertEquals("/front/image_raw", a.resolveTopic("image_raw"));
        assertEquals("/robot/detections", a.resolveTopic("detections"));
        assertEquals("/robot/perception/diagnostics", a.resolveTopic("~/diagnostics"));
        assertEquals("/diagnostics", a.resolveTopic("/diagnostics"));
        assertEquals("debug", a.logLevel());
    }

    @Test
    void badRosArgsAreNamed() {
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> RosArgs.parse(new String[] {"--ros-args", "--frobnicate"}, "n"));
        assertTrue(unknown.getMessage().contains("unknown ROS argument '--frobnicate'"), unknown.getMessage());
        IllegalArgumentException noValue = assertThrows(IllegalArgumentException.class, () -> RosArgs.parse(new String[] {"--ros-args", "-p"}, "n"));
        assertTrue(noValue.getMessage().contains("-p needs a value"), noValue.getMessage());
        IllegalArgumentException noAssign = assertThrows(IllegalArgumentException.class,
                () -> RosArgs.parse(new String[] {"--ros-args", "-p", "arena_size=1"}, "n"));
        assertTrue(noAssign.getMessage().contains("must be name:=value"), noAssign.getMessage());
        IllegalArgumentException badNs = assertThrows(IllegalArgumentException.class,
                () -> RosArgs.parse(new String[] {"--ros-args", "-r", "__ns:=/bad ns"}, "n"));
        assertTrue(badNs.getMessage().contains("invalid namespace"), badNs.getMessage());
    }

    @Test
    void parameterFileSectionsApplyByNodeNameInOrder() throws IOException {
        Path f = Files.writeString(tmp.resolve("p.yaml"), """
                /**:
                  ros__parameters:
                    use_sim_time: true
                    deadline_ms: 50.0
                other_node:
                  ros__parameters:
                    deadline_ms: 1.0
                /robot/perception:
                  ros__parameters:
                    deadline_ms: 80.0
                    qos:
                      depth: 2
                """);
        Map<String, Object> p = ParameterFile.load(f, "perception", "/robot/perception");
        assertEquals(Map.of("use_sim_time", true, "deadline_ms", 80.0, "qos.depth", 2), p);
    }

    @Test
    void parameterFileErrorsNameTheFile() throws IOException {
        Path missing = tmp.resolve("absent.yaml");
        assertThrows(NoSuchFileException.class, () -> ParameterFile.load(missing, "n", "/n"));
        Path noSection = Files.writeString(tmp.resolve("a.yaml"), "demand_layering:\n  arena_size: 1\n");
        IOException e1 = assertThrows(IOException.class, () -> ParameterFile.load(noSection, "demand_layering", "/demand_layering"));
        assertTrue(e1.getMessage().contains("a.yaml") && e1.getMessage().contains("no 'ros__parameters'"), e1.getMessage());
        Path broken = Files.writeString(tmp.resolve("b.yaml"), "x: [1, 2\n");
        IOException e2 = assertThrows(IOException.class, () -> ParameterFile.load(broken, "n", "/n"));
        assertTrue(e2.getMessage().contains("b.yaml") && e2.getMessage().contains("not valid YAML"), e2.getMessage());
    }

    @Test
    void everyProblemIsReportedWithParameterValueAndWhatIsAllowed() {
        ParameterException e = assertThrows(ParameterException.class, () -> NodeParameters.SCHEMA.resolve(Map.of(
                "arena_sise", 5, "residency", "sometimes", "qos.depth", "three", "arena_size", "lots", "score_threshold", 1.5)));
        assertEquals(5, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("unknown parameter 'arena_sise' (known: models, arena_size"), e.getMessage());
        assertTrue(e.getMessage().contains("parameter 'residency': value \"sometimes\" is not allowed; expected auto, none, all"), e.getMessage());
        assertTrue(e.getMessage().contains("parameter 'qos.depth': value \"three\" has type string, expected integer"), e.getMessage());
        assertTrue(e.getMessage().contains("parameter 'arena_size': 'lots' is not a byte size"), e.getMessage());
        assertTrue(e.getMessage().contains("parameter 'score_threshold': value 1.5 is not allowed; expected 0 to 1"), e.getMessage());
    }

    @Test
    void shippedParameterFilesResolveAndNameShippedModels() throws IOException {
        try (var files = Files.list(REPO.resolve("params"))) {
            List<Path> yamls = files.filter(p -> p.toString().endsWith(".yaml")).toList();
            assertEquals(3, yamls.size());
            for (Path f : yamls) {
                RosArgs a = RosArgs.parse(new String[] {"--ros-args", "--params-file", f.toString()}, NodeParameters.DEFAULT_NODE_NAME);
                Map<String, Object> p = NodeParameters.gather(a);
                for (Object m : (List<?>) p.get("models")) assertTrue(Files.exists(REPO.resolve("models").resolve(m + ".yaml")), f + ": model " + m);
            }
        }
        RosArgs a = RosArgs.parse(new String[] {"--ros-args", "--params-file", REPO.resolve("params/detector_segmenter.yaml").toString(), "-p",
                "arena_size:=48MiB"}, NodeParameters.DEFAULT_NODE_NAME);
        Map<String, Object> p = NodeParameters.gather(a);
        assertEquals(48L << 20, p.get("arena_size"), "-p overrides the file");
        assertEquals(1L, p.get("qos.depth"));
    }

    @Test
    void parameterDocumentationIsGeneratedFromTheSchema() throws IOException {
        String doc = Files.readString(REPO.resolve("docs/parameters.md"));
        assertTrue(doc.contains(NodeParameters.SCHEMA.markdown()), "docs/parameters.md is out of date with NodeParameters.SCHEMA:\n"
                + NodeParameters.SCHEMA.markdown());
    }

    /** A -p value that is not valid YAML names the parameter in one line, not SnakeYAML's multi-line report. */
    @Test
    void anUnclosedListGivenWithPNamesTheParameter() {
        IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> RosArgs.parse(new String[] {"--ros-args", "-p", "image_topics:=[/camera/image_raw,"}, NodeParameters.DEFAULT_NODE_NAME));
        assertTrue(e.getMessage().startsWith("-p image_topics:=[/camera/image_raw,: parameter 'image_topics' has a value that is not valid YAML ("), e.getMessage());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
    }
}
