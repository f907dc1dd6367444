package dev.booster.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Supplier;

/** {@code booster help}: the usage, on stdout since it was asked for. */
final class HelpCommand implements Command {
    private final PrintStream out;
    private final Supplier<String> usage;

    HelpCommand(PrintStream out, Supplier<String> usage) {
        this.out = out;
        this.usage = usage;
    }

    @Override
    public String name() {
        return "help";
    }

    @Override
    public String summary() {
        return "print this help";
    }

    @Override
    public int run(List<String> args) {
        Command.expectNoArguments(name(), args);
        out.print(usage.get());
        return 0;
    }
}
