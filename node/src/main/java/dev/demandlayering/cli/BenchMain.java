package dev.demandlayering.cli;

import picocli.CommandLine;

/**
 * {@code dlayer bench} on its own, for the GPU bundle: its trimmed Java runtime has no desktop modules, which
 * other subcommands (image output, plots) link to and the full command line would load.
 */
public final class BenchMain {
    private BenchMain() {
    }

    public static void main(String[] args) {
        System.exit(Main.withErrorHandling(new CommandLine(new BenchCommand())).execute(args));
    }
}
