package dev.booster.cli;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.spi.Availability;
import dev.booster.spi.DataplaneProvider;

import java.util.Set;
import java.util.function.Supplier;

/** A provider made on the spot; the CLI only lists and selects providers, so opening one is a test bug. */
record FixedProvider(String name, int priority, Set<Capability> capabilities, Supplier<Availability> answers)
        implements DataplaneProvider {

    @Override
    public Availability probe() {
        return answers.get();
    }

    @Override
    public Dataplane open(DataplaneConfig config) {
        throw new UnsupportedOperationException("the CLI commands under test only list and select providers");
    }
}
