package dev.booster.spi;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;

import java.util.Set;
import java.util.function.Supplier;

/** A provider made on the spot for tests that hand {@link Dataplanes#select} their own candidates. */
record FixedProvider(String name, int priority, Set<Capability> capabilities, Supplier<Availability> answers)
        implements DataplaneProvider {

    @Override
    public Availability probe() {
        return answers.get();
    }

    @Override
    public Dataplane open(DataplaneConfig config) {
        return new TestDataplane(name, capabilities, config);
    }
}
