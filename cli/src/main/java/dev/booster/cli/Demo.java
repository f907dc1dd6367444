package dev.booster.cli;

import dev.booster.api.DataplaneConfig;
import dev.booster.spi.Dataplanes;
import dev.booster.spi.DataplaneProvider;
import dev.booster.spi.Discovery;

import java.io.PrintStream;
import java.util.function.Supplier;

/**
 * What {@code booster demo} shows. For now: the providers, and the one Booster would open with the default config.
 * Once booster-testkit has the {@code memory} provider this becomes a traffic demo on it; {@link DemoCommand} only
 * hands over here.
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
        return 0;
    }
}
