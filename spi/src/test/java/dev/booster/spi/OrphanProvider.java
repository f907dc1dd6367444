package dev.booster.spi;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;

import java.util.Set;

/** A provider that cannot be linked once its superclass is hidden: loading it throws NoClassDefFoundError. */
public final class OrphanProvider extends OrphanBase implements DataplaneProvider {

    @Override
    public String name() {
        return "orphan";
    }

    @Override
    public Set<Capability> capabilities() {
        return Set.of();
    }

    @Override
    public Availability probe() {
        return Availability.available();
    }

    @Override
    public Dataplane open(DataplaneConfig config) {
        return new TestDataplane(name(), capabilities(), config);
    }
}
