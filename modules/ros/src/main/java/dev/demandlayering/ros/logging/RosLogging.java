package dev.demandlayering.ros.logging;

import dev.demandlayering.ros.params.RosArgs;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.ConsoleHandler;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * The process's logging set up the way rcl sets up a node's: lines on stderr in rcutils' format (unless
 * {@code --disable-stdout-logs}), the same lines in a file under the ROS log directory (unless
 * {@code --disable-external-lib-logs}, which is what turns rcl's file logging off), and {@code --log-level} applied,
 * globally or per logger. The node's own classes log under the node's logger name ({@code robot.perception}), so
 * {@code --log-level robot.perception:=debug} reaches them; any other name is a java.util.logging logger's.
 */
public final class RosLogging {
    /** Where every class of this project logs (slf4j names loggers after classes). */
    static final String PROJECT_LOGGERS = "dev.demandlayering";

    private final String nodeLogger;
    private final Path file;
    private final List<Logger> configured = new ArrayList<>(); // JUL keeps loggers weakly: a level set on one must be held
    private static volatile RosLogging current; // ...and so must the set-up that holds them

    private RosoutHandler rosout;

    private RosLogging(String nodeLogger, Path file) {
        this.nodeLogger = nodeLogger;
        this.file = file;
    }

    /** What a tool that is not a launched node logs with: stderr only, at INFO, named as the default node. */
    public static RosLogging console(String nodeLogger, Map<String, String> env) {
        RosLogging l = new RosLogging(nodeLogger, null);
        l.install(true, null, env);
        return l;
    }

    /** Logging as the node's ROS arguments and the environment ask ({@code RCUTILS_CONSOLE_OUTPUT_FORMAT}, {@code ROS_LOG_DIR}, ...). */
    public static RosLogging forNode(RosArgs args, String executable, Map<String, String> env) {
        RosArgs.Logging settings = args.logging();
        Path file = null;
        String fileProblem = null;
        if (settings.externalLib()) {
            String prefix = settings.fileName() != null ? settings.fileName() : executable;
            Path dir = logDirectory(env);
            try {
                Files.createDirectories(dir);
                file = dir.resolve(prefix + "_" + ProcessHandle.current().pid() + "_" + System.currentTimeMillis() + ".log");
            } catch (IOException | RuntimeException e) {
                fileProblem = "log directory " + dir + " cannot be created (" + e.getMessage() + "); logging to the console only";
            }
        }
        RosLogging l = new RosLogging(args.loggerName(), file);
        l.install(settings.stdout(), file, env);
        if (settings.rosout()) {
            l.rosout = new RosoutHandler(l::displayName);
            Logger.getLogger("").addHandler(l.rosout);
        }
        Logger log = Logger.getLogger(RosLogging.class.getName());
        if (fileProblem != null) log.warning(fileProblem);
        for (Map.Entry<String, String> e : args.logLevels().entrySet()) l.setLevel(e.getKey(), LogSeverity.parse(e.getValue()));
        if (settings.configFile() != null) {
            log.warning("--log-config-file " + settings.configFile() + " is not applied: it configures rcl's external logging library, "
                    + "which this node does not use (its levels come from --log-level)");
        }
        return l;
    }

    /** rcl's log directory: {@code $ROS_LOG_DIR}, else {@code $ROS_HOME/log}, else {@code ~/.ros/log} (a leading ~ expanded). */
    public static Path logDirectory(Map<String, String> env) {
        String dir = env.get("ROS_LOG_DIR");
        if (dir != null && !dir.isEmpty()) return expandHome(dir);
        String rosHome = env.get("ROS_HOME");
        if (rosHome != null && !rosHome.isEmpty()) return expandHome(rosHome).resolve("log");
        return Path.of(System.getProperty("user.home"), ".ros", "log");
    }

    /** {@code path} with a leading ~ replaced by the user's home, as rcutils expands it. */
    private static Path expandHome(String path) {
        return Path.of(path.startsWith("~") ? System.getProperty("user.home") + path.substring(1) : path);
    }

    /** The set-up in force (the last one installed), or null before any. */
    public static RosLogging current() {
        return current;
    }

    /**
     * Sends the log lines to {@code publisher} (the node's /rosout writer) from now on, and those logged before; false
     * (nothing to attach) when the node was started with {@code --disable-rosout-logs} or is not a node.
     */
    public boolean attachRosout(java.util.function.Consumer<byte[]> publisher) {
        if (rosout == null) return false;
        rosout.attach(publisher);
        return true;
    }

    /** The log file, or null when there is none. */
    public Path file() {
        return file;
    }

    /**
     * Sets a logger's threshold: {@code ""} is rcl's default level, which is the node's (this project's classes) and,
     * at INFO or above, every other library's too (so {@code --log-level debug} does not turn on the DDS and XML
     * libraries' debug output, as rcl's does not reach the middleware's); the node's logger name is this project's
     * classes; anything else is the java.util.logging logger of that name. A null severity inherits again.
     */
    public void setLevel(String logger, LogSeverity severity) {
        if (logger.isEmpty()) {
            level(PROJECT_LOGGERS, severity == null ? null : severity.level());
            level("", severity == null || severity == LogSeverity.DEBUG ? Level.INFO : severity.level());
            return;
        }
        level(logger.equals(nodeLogger) ? PROJECT_LOGGERS : logger, severity == null ? null : severity.level());
    }

    private void level(String name, Level level) {
        Logger l = Logger.getLogger(name);
        l.setLevel(level);
        if (!configured.contains(l)) configured.add(l);
    }

    private void install(boolean stdout, Path file, Map<String, String> env) {
        RosLogging before = current;
        if (before != null) for (Logger l : before.configured) l.setLevel(null); // the last set-up's levels go with it
        Logger root = Logger.getLogger("");
        for (Handler h : root.getHandlers()) {
            root.removeHandler(h);
            h.close();
        }
        root.setLevel(Level.INFO);
        configured.add(root);
        current = this;
        ConsoleFormat format = new ConsoleFormat(env.get("RCUTILS_CONSOLE_OUTPUT_FORMAT"), this::displayName);
        if (stdout) {
            Handler console = new ConsoleHandler();
            console.setLevel(Level.ALL);
            console.setFormatter(format);
            root.addHandler(console);
        }
        if (file != null) {
            try {
                root.addHandler(new FlushingHandler(Files.newOutputStream(file), format));
            } catch (IOException e) {
                Logger.getLogger(RosLogging.class.getName()).warning("log file " + file + " cannot be written (" + e.getMessage() + ")");
            }
        }
    }

    /** The name a line is shown under: the node's logger name for this project's classes, else the logger's own. */
    private String displayName(String julName) {
        return julName.startsWith(PROJECT_LOGGERS) ? nodeLogger : julName;
    }

    /** A stream handler that puts every line out as it comes, so a crash loses none. */
    private static final class FlushingHandler extends StreamHandler {
        FlushingHandler(OutputStream out, ConsoleFormat format) {
            super(out, format);
            setLevel(Level.ALL);
        }

        @Override
        public synchronized void publish(LogRecord record) {
            super.publish(record);
            flush();
        }
    }
}
