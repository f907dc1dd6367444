package dev.booster.cli;

import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.testkit.MemoryProvider;
import dev.booster.spi.Dataplanes;
import dev.booster.spi.DataplaneProvider;
import dev.booster.spi.Discovery;

import java.io.PrintStream;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What {@code booster demo} shows: the providers, then real traffic through a dataplane. Where provider {@code afxdp}
 * can run (root, libxdp, the tools), pods live in real network namespaces and the traffic is the kernel's own
 * ({@link NetnsTrafficDemo}); elsewhere the same scenario runs on the {@code memory} provider with frames built in
 * Java ({@link TrafficDemo}), and the demo says why.
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
        Optional<String> whyNotNetns = NetnsTrafficDemo.unavailableReason(found.providers());
        int surprises;
        if (whyNotNetns.isEmpty()) {
            out.println("the traffic demo runs on 'afxdp': pods in real network namespaces, the kernel's ping and nc");
            out.println();
            try {
                surprises = new NetnsTrafficDemo(out).run(found.providers());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("the demo was interrupted", e);
            }
        } else {
            out.println("the traffic demo runs on '" + MemoryProvider.NAME + "': " + whyNotNetns.get());
            out.println();
            DataplaneConfig config = DataplaneConfig.builder().provider(MemoryProvider.NAME).build();
            try (Dataplane dp = Dataplanes.open(config, found.providers())) {
                surprises = new TrafficDemo(out).run(dp);
            }
        }
        if (surprises > 0) {
            out.println(surprises + " attempt(s) did not end as the policy says they should");
            return 1;
        }
        out.println("every attempt ended as the policy says");
        return 0;
    }
}
