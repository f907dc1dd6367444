package dev.booster.cli;

import dev.booster.spi.Discovery;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Supplier;

/** {@code booster demo}: runs {@link Demo}. */
final class DemoCommand implements Command {
    private final Supplier<Discovery> discovery;
    private final PrintStream out;

    DemoCommand(Supplier<Discovery> discovery, PrintStream out) {
        this.discovery = discovery;
        this.out = out;
    }

    @Override
    public String name() {
        return "demo";
    }

    @Override
    public String summary() {
        return "show the providers, then pods, a NetworkPolicy and traffic through Booster's engine";
    }

    @Override
    public int run(List<String> args) {
        Command.expectNoArguments(name(), args);
        return new Demo(discovery, out).run();
    }
}
