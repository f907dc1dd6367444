package dev.booster.spi;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;

import java.util.EnumSet;
import java.util.Set;

/** Not registered in the test services file: only the class loader tests list it, after a broken entry. */
public final class GammaProvider implements DataplaneProvider {

    @Override
    public String name() {
        return "gamma";
    }

    @Override
    public Set<Capability> capabilities() {
        return EnumSet.of(Capability.TAP);
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
