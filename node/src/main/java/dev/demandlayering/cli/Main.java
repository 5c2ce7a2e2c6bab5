package dev.demandlayering.cli;

import dev.demandlayering.ros.logging.RosLogging;
import dev.demandlayering.ros.params.NodeParameters;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The dlayer command line: pack models, run them with demand layering, benchmark, inspect packs. */
@Command(name = "dlayer", mixinStandardHelpOptions = true, version = "dlayer 0.1.0",
        description = {"Demand Layering: run DNNs in a memory arena smaller than their weights by streaming layers from disk.",
                "Also: dlayer node --ros-args [--params-file FILE] [-p name:=value] [-r from:=to]  (the ROS 2 perception node)"},
        subcommands = {PackCommand.class, RunCommand.class, BenchCommand.class, InfoCommand.class, ExportCommand.class, ReplayCommand.class, BagCommand.class, InputsCommand.class,
                GpuCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        if (args.length > 0 && args[0].equals("node")) {
            // ROS arguments (--ros-args -p a:=b -r x:=y) are not picocli's: the node reads them itself
            System.exit(NodeCommand.run(java.util.Arrays.copyOfRange(args, 1, args.length)));
        }
        // the other commands log as the node would, to stderr only (replay runs the node's frame path)
        RosLogging.console(NodeParameters.DEFAULT_NODE_NAME, System.getenv());
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return withErrorHandling(new CommandLine(new Main()));
    }

    static CommandLine withErrorHandling(CommandLine cl) {
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // expected failures (bad model, corrupt pack, budget too small...) get one clear line, not a trace
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + Errors.describe(ex));
            if (System.getenv("DLAYER_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return 2;
        });
        return cl;
    }
}
