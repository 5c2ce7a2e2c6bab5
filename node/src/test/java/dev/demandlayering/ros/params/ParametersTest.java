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
                List.of("image_raw:=/front/image_raw"), NodeParameters.DEFAULT_NODE_NAME);
        assertEquals(List.of(Path.of("p.yaml")), a.paramsFiles());
        assertEquals("48MiB", a.params().get("arena_size"));
        assertEquals(List.of("nanodet", "selfie"), a.params().get("models"));
        assertEquals(3, a.params().get("qos.depth"));
        assertEquals("/" + NodeParameters.DEFAULT_NODE_NAME, a.fullyQualifiedName());
        assertEquals("/front/image_raw", a.resolveTopic("image_raw"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> RosArgs.of(List.of(), List.of("arena_size=48MiB"), List.of(), "n"));
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
        Map<String, Object> given = Map.of("arena_sise", 5, "residency", "sometimes", "qos.depth", "three", "arena_size", "lots",
                "score_threshold", 1.5);
        ParameterException e = assertThrows(ParameterException.class, () -> NodeParameters.SCHEMA.resolve(given));
        assertEquals(4, e.problems().size(), e.getMessage());
        assertTrue(e.getMessage().contains("parameter 'residency': value \"sometimes\" is not allowed; expected auto, none, all"), e.getMessage());
        assertTrue(e.getMessage().contains("parameter 'qos.depth': value \"three\" has type string, expected integer"), e.getMessage());
        assertTrue(e.getMessage().contains("parameter 'arena_size': 'lots' is not a byte size"), e.getMessage());
        assertTrue(e.getMessage().contains("parameter 'score_threshold': value 1.5 is not allowed; expected 0 to 1"), e.getMessage());
        assertEquals(List.of("parameter 'arena_sise' is not a parameter of this node; ignored (did you mean 'arena_size'?)"),
                NodeParameters.SCHEMA.unknown(given));
    }

    /** As rclcpp: a parameter the node does not declare is ignored, once warned about, not fatal. */
    @Test
    void unknownParametersAreIgnoredWithOneWarningEach() {
        Map<String, Object> given = new java.util.LinkedHashMap<>();
        given.put("models", List.of("nanodet"));
        given.put("some_other_nodes_gain", 3.0);
        given.put("qos_overrides./camera/image_raw.subscription.depth", 5);
        Map<String, Object> p = NodeParameters.SCHEMA.resolve(given);
        assertTrue(!p.containsKey("some_other_nodes_gain") && !p.containsKey("qos_overrides./camera/image_raw.subscription.depth"), p.toString());
        assertEquals(List.of("nanodet"), p.get("models"));
        List<String> warnings = NodeParameters.SCHEMA.unknown(given);
        assertEquals(2, warnings.size(), warnings.toString());
        assertEquals("parameter 'some_other_nodes_gain' is not a parameter of this node; ignored", warnings.get(0));
        assertTrue(warnings.get(1).startsWith("parameter 'qos_overrides./camera/image_raw.subscription.depth' is one of rclcpp's QoS overrides"),
                warnings.get(1));
    }

    /** rclcpp's section keys: a node's full name, its bare name in the root namespace, and * / ** wildcards. */
    @Test
    void parameterFileSectionKeysMatchAsRclcppDoes() {
        String fqn = "/robot/front/perception";
        for (String key : List.of("/**", "/robot/front/perception", "/**/perception", "/robot/**", "/robot/*/perception", "/*/*/perception",
                "/**/front/perception", "/robot/front/*")) {
            assertTrue(ParameterFile.matches(key, fqn), key + " should match " + fqn);
        }
        for (String key : List.of("perception", "/perception", "/*/perception", "/robot/*", "/robot/front/perception_2", "/other/**",
                "/robot/front/perception/x")) {
            assertTrue(!ParameterFile.matches(key, fqn), key + " should not match " + fqn);
        }
        assertTrue(ParameterFile.matches("perception", "/perception"), "a bare name is a node in the root namespace");
        assertTrue(ParameterFile.matches("/*", "/perception"));
    }

    @Test
    void remapsAreExpandedBeforeMatchingAndTheFirstMatchWins() {
        RosArgs a = RosArgs.parse(new String[] {"--ros-args", "-r", "__ns:=/robot", "-r", "image_raw:=/cam_front/image", "-r",
                "/robot/image_raw:=/never", "-r", "other:detections:=/not_mine", "-r", "demand_layering:~/status:=status_all", "-r",
                "/abs:=rel"}, NodeParameters.DEFAULT_NODE_NAME);
        assertEquals("/robot/demand_layering", a.fullyQualifiedName());
        assertEquals("/cam_front/image", a.resolveTopic("image_raw"), "relative from expanded under the namespace");
        assertEquals("/cam_front/image", a.resolveTopic("/robot/image_raw"), "the first matching rule wins");
        assertEquals("/robot/detections", a.resolveTopic("detections"), "a rule for another node does not apply");
        assertEquals("/robot/status_all", a.resolveTopic("~/status"), "~ expanded on both sides, the target relative to the namespace");
        assertEquals("/robot/rel", a.resolveTopic("/abs"));
        assertEquals("/image_raw", a.resolveTopic("/image_raw"), "/image_raw is not /robot/image_raw");
    }

    @Test
    void nodeSpecificNameAndNamespaceRulesApplyToThatNodeOnly() {
        RosArgs a = RosArgs.parse(new String[] {"--ros-args", "-r", "talker:__node:=wrong", "-r", "demand_layering:__node:=front", "-r",
                "__node:=later", "-r", "talker:__ns:=/x", "-r", "__ns:=/car"}, NodeParameters.DEFAULT_NODE_NAME);
        assertEquals("/car/front", a.fullyQualifiedName());
        assertEquals("car.front", a.loggerName());
        RemapRule r = RemapRule.parse("talker:chatter:=/c", "-r");
        assertEquals(new RemapRule("talker", "chatter", "/c"), r);
        assertTrue(r.appliesTo("talker") && !r.appliesTo("listener"));
    }

    /** rcl's other arguments are accepted; --log-level is checked and kept per logger. */
    @Test
    void rclArgumentsAreAcceptedAndLogLevelsChecked() {
        RosArgs a = RosArgs.parse(new String[] {"--ros-args", "-e", "/enclave", "--log-level", "WARN", "--log-level", "dev.demandlayering.runtime:=debug",
                "--log-config-file", "/etc/log.config", "--log-file-name", "perception_log", "--disable-stdout-logs", "--disable-rosout-logs",
                "--enable-external-lib-logs", "--enclave", "/e2"}, NodeParameters.DEFAULT_NODE_NAME);
        assertEquals("warn", a.logLevel());
        assertEquals("debug", a.logLevels().get("dev.demandlayering.runtime"));
        assertEquals("/e2", a.enclave());
        assertEquals(new RosArgs.Logging(false, false, true, Path.of("/etc/log.config"), "perception_log"), a.logging());
        assertEquals(RosArgs.Logging.DEFAULTS, RosArgs.parse(new String[] {"--ros-args"}, "n").logging());
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
                () -> RosArgs.parse(new String[] {"--ros-args", "--log-level", "loud"}, "n"));
        assertEquals("ROS argument --log-level 'loud': level must be one of debug, info, warn, error, fatal, unset", bad.getMessage());
        IllegalArgumentException badNode = assertThrows(IllegalArgumentException.class,
                () -> RosArgs.parse(new String[] {"--ros-args", "-r", "bad-node:a:=b"}, "n"));
        assertTrue(badNode.getMessage().contains("node name 'bad-node' must be letters, digits and _"), badNode.getMessage());
        IllegalArgumentException badTopic = assertThrows(IllegalArgumentException.class,
                () -> RosArgs.parse(new String[] {"--ros-args", "-r", "image raw:=b"}, "n"));
        assertTrue(badTopic.getMessage().contains("'image raw' is not a valid topic name"), badTopic.getMessage());
    }

    /**
     * The argv launch_ros builds for the shipped perception.launch.py with namespace:=robot image_topic:=/robot/image_raw
     * (launch_ros' Node: the executable, its arguments, --ros-args, -r __node, -r __ns, --params-file, then each remap):
     * the node subscribes to the launch argument's topic, and its outputs land under its own name.
     */
    @Test
    void theShippedLaunchFilesArgvSubscribesWhereTheLaunchArgumentSays() throws IOException {
        String params = REPO.resolve("params/detector.yaml").toString();
        RosArgs a = RosArgs.parse(new String[] {"/opt/ros/jazzy/lib/demand_layering/dlayer_node", "--ros-args", "-r", "__node:=demand_layering", "-r",
                "__ns:=/robot", "--params-file", params, "-r", "image_raw:=/robot/cam_front/image_raw"}, NodeParameters.DEFAULT_NODE_NAME);
        Map<String, Object> p = NodeParameters.gather(a);
        List<?> topics = (List<?>) p.get("image_topics");
        assertEquals(List.of("image_raw"), topics, "the shipped files name the camera relatively, so launch remaps reach it");
        assertEquals("/robot/cam_front/image_raw", a.resolveTopic((String) topics.get(0)));
        // launch's default namespace is '' and becomes __ns:=/
        RosArgs root = RosArgs.parse(new String[] {"dlayer_node", "--ros-args", "-r", "__node:=demand_layering", "-r", "__ns:=/", "--params-file", params,
                "-r", "image_raw:=/camera/image_raw"}, NodeParameters.DEFAULT_NODE_NAME);
        assertEquals("/demand_layering", root.fullyQualifiedName());
        assertEquals("/camera/image_raw", root.resolveTopic("image_raw"));
        // a compressed camera's base topic is remapped, as image_transport does
        RosArgs tight = RosArgs.parse(new String[] {"dlayer_node", "--ros-args", "-r", "__node:=demand_layering", "-r", "__ns:=/robot", "--params-file",
                REPO.resolve("params/tight_memory.yaml").toString(), "-r", "image_raw:=/robot/cam_front/image_raw"}, NodeParameters.DEFAULT_NODE_NAME);
        String compressed = (String) ((List<?>) NodeParameters.gather(tight).get("image_topics")).get(0);
        assertEquals("/robot/cam_front/image_raw/compressed", dev.demandlayering.ros.node.FrameProcessor.resolveCamera(tight, compressed));
        String launch = Files.readString(REPO.resolve("launch/perception.launch.py"));
        assertTrue(launch.contains("remappings=[('image_raw', LaunchConfiguration('image_topic'))]"), "the test's argv follows the launch file");
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
