package dev.demandlayering.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The dlayer command line: pack models, run them with demand layering, benchmark, inspect packs. */
@Command(name = "dlayer", mixinStandardHelpOptions = true, version = "dlayer 0.1.0",
        description = "Demand Layering: run DNNs in a memory arena smaller than their weights by streaming layers from disk.",
        subcommands = {PackCommand.class, RunCommand.class, BenchCommand.class, InfoCommand.class, ExportCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            // expected failures (bad model, corrupt pack, budget too small...) get one clear line, not a trace
            cmd.getErr().println("dlayer " + cmd.getCommandName() + ": " + Errors.describe(ex));
            if (System.getenv("DLAYER_DEBUG") != null) ex.printStackTrace(cmd.getErr());
            return 2;
        });
        return cl;
    }
}
