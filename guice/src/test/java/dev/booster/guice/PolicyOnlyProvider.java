package dev.booster.guice;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.spi.Availability;
import dev.booster.spi.DataplaneProvider;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;

/** Registered for the Guice tests: opens {@link PolicyOnlyDataplane}s and remembers them, so tests can count opens. */
public final class PolicyOnlyProvider implements DataplaneProvider {
    static final String NAME = "policy-only";
    static final List<PolicyOnlyDataplane> OPENED = Collections.synchronizedList(new ArrayList<>());

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public Set<Capability> capabilities() {
        return PolicyOnlyDataplane.CAPABILITIES;
    }

    @Override
    public Availability probe() {
        return Availability.available();
    }

    @Override
    public Dataplane open(DataplaneConfig config) {
        PolicyOnlyDataplane dp = new PolicyOnlyDataplane(config);
        OPENED.add(dp);
        return dp;
    }
}
