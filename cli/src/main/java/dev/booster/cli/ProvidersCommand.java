package dev.booster.cli;

import dev.booster.spi.Discovery;

import java.io.PrintStream;
import java.util.List;
import java.util.function.Supplier;

/** {@code booster providers}: every discovered provider and whether it can run here. */
final class ProvidersCommand implements Command {
    private final Supplier<Discovery> discovery;
    private final PrintStream out;

    ProvidersCommand(Supplier<Discovery> discovery, PrintStream out) {
        this.discovery = discovery;
        this.out = out;
    }

    @Override
    public String name() {
        return "providers";
    }

    @Override
    public String summary() {
        return "list the discovered dataplane providers and whether each can run here";
    }

    @Override
    public int run(List<String> args) {
        Command.expectNoArguments(name(), args);
        ProviderTable.print(discovery.get(), out);
        return 0;
    }
}
