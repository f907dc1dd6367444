package dev.booster.spi;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;

import java.util.EnumSet;
import java.util.Set;

/** Registered for the tests: a high-priority provider that is always available but has no IPsec. */
public final class AlphaProvider implements DataplaneProvider {
    static final Set<Capability> CAPABILITIES = EnumSet.of(Capability.VETH, Capability.POLICY);

    @Override
    public String name() {
        return "alpha";
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Availability probe() {
        return Availability.available();
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Dataplane open(DataplaneConfig config) {
        return new TestDataplane(name(), CAPABILITIES, config);
    }
}
