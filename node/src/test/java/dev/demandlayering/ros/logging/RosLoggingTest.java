package dev.demandlayering.ros.logging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.demandlayering.ros.params.RosArgs;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** rcl's logging semantics through slf4j: format, --log-level (global and per logger), stdout and file switches. */
class RosLoggingTest {
    /** A class of this project's, so it logs under the node's logger name. */
    static final Logger NODE_CLASS = LoggerFactory.getLogger("dev.demandlayering.ros.node.SomeNodeClass");
    static final Logger OTHER_LIBRARY = LoggerFactory.getLogger("org.example.middleware");

    @TempDir
    Path tmp;

    @AfterEach
    void restoreConsole() {
        RosLogging.console("demand_layering", Map.of());
    }

    /** What the set-up prints to stderr while {@code logs} runs, given {@code --ros-args ARGS} and the environment. */
    String stderrOf(Map<String, String> env, Consumer<RosLogging> logs, String... rosArgs) {
        PrintStream saved = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            String[] argv = new String[rosArgs.length + 1];
            argv[0] = "--ros-args";
            System.arraycopy(rosArgs, 0, argv, 1, rosArgs.length);
            RosLogging l = RosLogging.forNode(RosArgs.parse(argv, "demand_layering"), "dlayer_node", env);
            logs.accept(l);
        } finally {
            System.setErr(saved);
        }
        return err.toString(StandardCharsets.UTF_8);
    }

    Map<String, String> logDir() {
        return Map.of("ROS_LOG_DIR", tmp.resolve("log").toString());
    }

    static void logEveryLevel(RosLogging l) {
        NODE_CLASS.debug("node debug");
        NODE_CLASS.info("node info");
        NODE_CLASS.warn("node warn");
        NODE_CLASS.error("node error");
        OTHER_LIBRARY.debug("library debug");
        OTHER_LIBRARY.info("library info");
    }

    @Test
    void linesHaveRcutilsDefaultFormatUnderTheNodesLoggerName() {
        String err = stderrOf(logDir(), RosLoggingTest::logEveryLevel, "-r", "__ns:=/robot", "-r", "__node:=perception");
        List<String> lines = err.lines().toList();
        assertEquals(4, lines.size(), err);
        assertTrue(lines.get(0).matches("\\[INFO] \\[\\d{10}\\.\\d{9}] \\[robot\\.perception]: node info"), lines.get(0));
        assertTrue(lines.get(1).matches("\\[WARN] \\[\\d{10}\\.\\d{9}] \\[robot\\.perception]: node warn"), lines.get(1));
        assertTrue(lines.get(2).matches("\\[ERROR] .* \\[robot\\.perception]: node error"), lines.get(2));
        assertTrue(lines.get(3).matches("\\[INFO] .* \\[org\\.example\\.middleware]: library info"), lines.get(3));
    }

    @Test
    void logLevelGlobalAndPerLogger() {
        String debug = stderrOf(logDir(), RosLoggingTest::logEveryLevel, "--log-level", "debug");
        assertTrue(debug.contains("[DEBUG]") && debug.contains("node debug"), debug);
        assertTrue(!debug.contains("library debug") && debug.contains("library info"), "the global level does not turn on other libraries' debug: " + debug);

        String warn = stderrOf(logDir(), RosLoggingTest::logEveryLevel, "--log-level", "WARN");
        assertEquals(List.of("node warn", "node error"), warn.lines().map(l -> l.substring(l.indexOf("]: ") + 3)).toList(), warn);

        String perNode = stderrOf(logDir(), RosLoggingTest::logEveryLevel, "-r", "__node:=front", "--log-level", "front:=error");
        assertEquals(List.of("node error", "library info"), perNode.lines().map(l -> l.substring(l.indexOf("]: ") + 3)).toList(), perNode);

        String perLibrary = stderrOf(logDir(), RosLoggingTest::logEveryLevel, "--log-level", "org.example.middleware:=debug", "--log-level", "warn");
        assertTrue(perLibrary.contains("library debug") && !perLibrary.contains("node info"), "a named logger's level beats the global one: " + perLibrary);
    }

    @Test
    void theLogFileHoldsTheSameLinesAndStdoutCanBeTurnedOff() throws Exception {
        String err = stderrOf(logDir(), RosLoggingTest::logEveryLevel, "--disable-stdout-logs", "--log-file-name", "front_camera");
        assertEquals("", err, "--disable-stdout-logs: nothing on the console");
        Path file = RosLogging.current().file();
        assertTrue(file.getParent().equals(tmp.resolve("log")) && file.getFileName().toString().matches("front_camera_\\d+_\\d+\\.log"), file.toString());
        String logged = Files.readString(file);
        assertTrue(logged.contains("[robot.perception]") || logged.contains("[demand_layering]: node warn"), logged);
        assertEquals(4, logged.lines().count(), logged);

        String noFile = stderrOf(Map.of("ROS_LOG_DIR", tmp.resolve("log2").toString()), RosLoggingTest::logEveryLevel, "--disable-external-lib-logs");
        assertEquals(null, RosLogging.current().file());
        assertTrue(!Files.exists(tmp.resolve("log2")), "--disable-external-lib-logs: no log file, as rcl");
        assertEquals(4, noFile.lines().count(), noFile);
    }

    @Test
    void consoleFormatFromTheEnvironmentAndTheLogDirectoryAsRclFindsIt() {
        Map<String, String> env = Map.of("ROS_LOG_DIR", tmp.resolve("log").toString(), "RCUTILS_CONSOLE_OUTPUT_FORMAT",
                "{severity} {name} {function_name} {file_name}: {message} ({time_as_nanoseconds})");
        String err = stderrOf(env, l -> NODE_CLASS.warn("custom {name}"));
        assertTrue(err.trim().matches("WARN demand_layering lambda\\$\\S+ RosLoggingTest\\.java: custom \\{name} \\(\\d{19}\\)"), err);

        String home = System.getProperty("user.home");
        assertEquals(Path.of("/var/log/ros"), RosLogging.logDirectory(Map.of("ROS_LOG_DIR", "/var/log/ros", "ROS_HOME", "/x")));
        assertEquals(Path.of(home, "logs"), RosLogging.logDirectory(Map.of("ROS_LOG_DIR", "~/logs")));
        assertEquals(Path.of("/x/log"), RosLogging.logDirectory(Map.of("ROS_HOME", "/x")));
        assertEquals(Path.of(home, ".ros", "log"), RosLogging.logDirectory(Map.of()));
    }

    @Test
    void anUnwritableLogDirectoryIsOneWarningAndTheConsoleGoesOn() throws Exception {
        Path blocker = Files.writeString(tmp.resolve("not_a_dir"), "x");
        String err = stderrOf(Map.of("ROS_LOG_DIR", blocker.resolve("log").toString()), l -> NODE_CLASS.info("still here"));
        assertTrue(err.contains("[WARN]") && err.contains("log directory " + blocker.resolve("log") + " cannot be created") && err.contains("still here"), err);
        assertEquals(null, RosLogging.current().file());
    }

    @Test
    void aLogConfigFileIsSaidNotToApply() {
        String err = stderrOf(logDir(), l -> { }, "--log-config-file", "/etc/ros/log.config");
        assertTrue(err.contains("--log-config-file /etc/ros/log.config is not applied"), err);
    }

    /** /rosout: each line as rcl_interfaces/Log, under the node's logger name; the start-up's lines sent on attaching. */
    @Test
    void linesGoToRosoutAsRclInterfacesLog() {
        List<byte[]> sent = new java.util.ArrayList<>();
        stderrOf(logDir(), l -> {
            NODE_CLASS.info("before the transport");
            assertTrue(l.attachRosout(sent::add));
            NODE_CLASS.warn("after {}", "attaching");
            OTHER_LIBRARY.debug("not at this level");
        }, "-r", "__ns:=/robot", "-r", "__node:=perception");
        List<dev.demandlayering.ros.msg.RclInterfaces.Log> logs = sent.stream().map(dev.demandlayering.ros.msg.RclInterfaces.Log::decode).toList();
        assertEquals(List.of("before the transport", "after attaching"), logs.stream().map(dev.demandlayering.ros.msg.RclInterfaces.Log::msg).toList());
        assertEquals(List.of(20, 30), logs.stream().map(dev.demandlayering.ros.msg.RclInterfaces.Log::level).toList(), "INFO=20, WARN=30");
        assertEquals("robot.perception", logs.get(1).name());
        assertEquals("RosLoggingTest.java", logs.get(1).file());
        assertTrue(Math.abs(logs.get(1).stamp().toNanos() - System.currentTimeMillis() * 1_000_000L) < 60_000_000_000L, logs.get(1).toString());

        stderrOf(logDir(), l -> assertTrue(!l.attachRosout(sent::add), "--disable-rosout-logs: nothing to attach"), "--disable-rosout-logs");
    }
}
