package dev.booster.cli;

import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.testkit.MemoryProvider;
import dev.booster.spi.Dataplanes;
import dev.booster.spi.DataplaneProvider;
import dev.booster.spi.Discovery;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * What {@code booster demo} shows: the providers, then real traffic through a dataplane. The traffic demo runs on the
 * {@code memory} provider (Booster's engine with in-memory pods); backends with real namespaces join as they land.
 */
final class Demo {
    private final Supplier<Discovery> discovery;
    private final PrintStream out;

    Demo(Supplier<Discovery> discovery, PrintStream out) {
        this.discovery = discovery;
        this.out = out;
    }

    /**
     * @return the exit code
     * @throws dev.booster.spi.NoProviderException no provider fits the default config
     */
    int run() {
        Discovery found = discovery.get();
        ProviderTable.print(found, out);
        DataplaneProvider chosen = Dataplanes.select(DataplaneConfig.defaults(), found.providers());
        out.println();
        out.println("with the default config, Booster would open provider '" + chosen.name() + "'");
        if (!chosen.name().equals(MemoryProvider.NAME)) {
            out.println("the traffic demo runs on '" + MemoryProvider.NAME + "': a demo with real namespaces on '"
                    + chosen.name() + "' is not written yet");
        }
        out.println();
        DataplaneConfig config = DataplaneConfig.builder().provider(MemoryProvider.NAME).build();
        try (Dataplane dp = Dataplanes.open(config, found.providers())) {
            int surprises = new TrafficDemo(out).run(dp);
            if (surprises > 0) {
                out.println(surprises + " attempt(s) did not end as the policy says they should");
                return 1;
            }
            out.println("every attempt ended as the policy says");
            return 0;
        }
    }
}
