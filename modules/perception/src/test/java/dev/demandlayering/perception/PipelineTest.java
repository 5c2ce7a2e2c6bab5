package dev.demandlayering.perception;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.models.ModelCatalog;
import dev.demandlayering.runtime.Backends;
import dev.demandlayering.runtime.exec.Backend;
import dev.demandlayering.runtime.exec.FrameResult;
import dev.demandlayering.runtime.plan.ResidencyMode;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The perception pipeline on the shipped models and a real photo, with no transport: what the node, the replayer and the CLI run.
 * It runs in the perception module, whose classpath holds no ROS, DDS or CLI class (Maven sets dlayer.home to the repository).
 */
class PipelineTest {
    private static final ModelCatalog CATALOG = ModelCatalog.fromEnvironment();

    @Test
    void detectsAndSegmentsARealPhotoThroughOneArena() throws Exception {
        Assumptions.assumeTrue(Files.exists(CATALOG.data("messi5.jpg")), "models and images not fetched (models/fetch.sh)");
        RgbImage photo = Preprocessor.load(CATALOG.data("messi5.jpg"));
        PerceptionConfig config = PerceptionConfig.of(List.of("nanodet", "selfie")).withBackend("cpu");
        try (Pipeline p = Pipeline.open(config, CATALOG)) {
            assertEquals(List.of("nanodet", "selfie"), p.modelNames());
            assertEquals("cpu", p.backendName());
            // auto without an arena size: every layer streamed through the minimum arena the two models share
            assertEquals(p.session().plan().minimumBytes(), p.session().plan().arenaBytes());
            Pipeline.Frame frame = p.run(photo);
            ModelResult.Detections dets = assertInstanceOf(ModelResult.Detections.class, frame.results().get(0));
            assertTrue(dets.detections().stream().anyMatch(d -> d.className().equals("person") && d.score() > 0.5), dets.detections().toString());
            ModelResult.Mask mask = assertInstanceOf(ModelResult.Mask.class, frame.results().get(1));
            assertEquals(photo.width(), mask.mask().width());
            assertTrue(mask.mask().coverage(1) > 0.05 && mask.mask().coverage(1) < 0.9, mask.summary());
            assertEquals(frame.stats().arenaBytes(), p.session().plan().arenaBytes());
        }
        // the heads' thresholds and the residency come from the configuration: a score threshold of 1 leaves nothing
        try (Pipeline strict = Pipeline.open(PerceptionConfig.of(List.of("nanodet")).withBackend("cpu").withArena(0, ResidencyMode.ALL)
                .withHeads(HeadSettings.DEFAULTS.withScoreThreshold(1.0)), CATALOG)) {
            ModelResult.Detections none = assertInstanceOf(ModelResult.Detections.class, strict.run(photo).results().get(0));
            assertEquals(List.of(), none.detections());
            assertEquals(strict.session().plan().fullyResidentBytes(), strict.session().plan().arenaBytes());
        }
    }

    @Test
    void itsStagesMakeItsRunAndABackendItIsLentStaysOpen() throws Exception {
        Assumptions.assumeTrue(Files.exists(CATALOG.data("messi5.jpg")), "models and images not fetched (models/fetch.sh)");
        RgbImage photo = Preprocessor.load(CATALOG.data("messi5.jpg"));
        // the real CPU backend, watched for close: the benchmarks lend one backend to many pipelines
        Backend cpu = Backends.select("cpu").backend();
        AtomicInteger closes = new AtomicInteger();
        Backend watched = (Backend) Proxy.newProxyInstance(Backend.class.getClassLoader(), new Class<?>[] {Backend.class}, (proxy, method, args) -> {
            if (method.getName().equals("close")) closes.incrementAndGet();
            try {
                return method.invoke(cpu, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        });
        Pipeline.Tuning lent = Pipeline.Tuning.DEFAULTS.withSharedBackend(new Backends.Choice(watched, "lent by the test"));
        PerceptionConfig config = PerceptionConfig.of(List.of("nanodet"));
        try (Pipeline pipelined = Pipeline.open(config, CATALOG, lent); Pipeline sequential = Pipeline.open(config, CATALOG, lent.withPrefetch(false))) {
            assertEquals("lent by the test", pipelined.backendReason());
            Pipeline.Frame whole = pipelined.run(photo);
            FrameResult staged = sequential.infer(Pipeline.inputs(sequential.manifests(), photo));
            // overlapping the reads with compute changes when weights arrive, never what is computed
            FrameResult again = pipelined.infer(Pipeline.inputs(pipelined.manifests(), photo));
            for (String output : again.outputs().get(0).keySet()) {
                assertArrayEquals(again.outputs().get(0).get(output), staged.outputs().get(0).get(output), output);
            }
            assertEquals(whole.results(), sequential.decode(staged, photo));
            assertTrue(sequential.session().plan().slackLayerCount() == 0 && pipelined.session().plan().slackLayerCount() > 0,
                    "no read ahead without prefetch");
        }
        assertEquals(0, closes.get(), "a pipeline closes only the backend it selected");
        assertEquals("the disk bandwidth cap must be 0 (none) or bytes per second, got -1",
                assertThrows(IllegalArgumentException.class, () -> new Pipeline.Tuning(true, -1, null, null)).getMessage());
    }

    @Test
    void itsModuleSeesNoRosDdsOrCommandLine() {
        // the claim above, checked: none of the node's, Fast-DDS's or the CLI's classes can be loaded here
        for (String name : List.of("dev.demandlayering.ros.node.PerceptionNode", "us.ihmc.pubsub.Domain", "dev.demandlayering.cli.Main")) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(name), name);
        }
    }

    @Test
    void aBadConfigurationIsRefusedByName() {
        assertEquals("models: name at least one model", assertThrows(IllegalArgumentException.class, () -> PerceptionConfig.of(List.of())).getMessage());
        assertEquals("models: 'selfie' is listed twice; each model runs once a frame",
                assertThrows(IllegalArgumentException.class, () -> PerceptionConfig.of(List.of("selfie", "selfie"))).getMessage());
        assertEquals("backend must be auto, cpu or cuda, got 'tpu'",
                assertThrows(IllegalArgumentException.class, () -> PerceptionConfig.of(List.of("selfie")).withBackend("tpu")).getMessage());
        assertEquals("arena_size must be 0 (the planner's minimum) or a size in bytes, got -1",
                assertThrows(IllegalArgumentException.class, () -> PerceptionConfig.of(List.of("selfie")).withArena(-1, ResidencyMode.NONE)).getMessage());
        assertEquals("nms_iou must be between 0 and 1, got 1.5",
                assertThrows(IllegalArgumentException.class, () -> new HeadSettings(0.3, 1.5, 10, 0.5)).getMessage());
        assertEquals("max_detections must be at least 1, got 0",
                assertThrows(IllegalArgumentException.class, () -> new HeadSettings(0.3, 0.5, 0, 0.5)).getMessage());
    }

    @Test
    void anUnknownModelFailsBeforeAnyBackendIsOpened() {
        Exception e = assertThrows(Exception.class, () -> Pipeline.open(PerceptionConfig.of(List.of("no-such-model")), CATALOG));
        assertTrue(e.getMessage().contains("no-such-model"), e.getMessage());
    }
}
