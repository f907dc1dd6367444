package dev.booster.spi;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Registered for the tests: a low-priority provider with IPsec whose probe a test can change through
 * {@link #probeAnswers}; call {@link #reset()} after each test. It counts its probes so tests can check that
 * selection probes each provider once.
 */
public final class BetaProvider implements DataplaneProvider {
    static final Set<Capability> CAPABILITIES =
            EnumSet.of(Capability.VETH, Capability.POLICY, Capability.IPSEC, Capability.UNPRIVILEGED);

    /** What {@link #probe()} does; ServiceLoader makes new instances, so the switch is static. */
    static volatile Supplier<Availability> probeAnswers = Availability::available;
    static final AtomicInteger PROBES = new AtomicInteger();

    static void unavailable(String reason) {
        probeAnswers = () -> Availability.unavailable(reason);
    }

    static void reset() {
        probeAnswers = Availability::available;
        PROBES.set(0);
    }

    @Override
    public String name() {
        return "beta";
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    @Override
    public Availability probe() {
        PROBES.incrementAndGet();
        return probeAnswers.get();
    }

    @Override
    public Dataplane open(DataplaneConfig config) {
        return new TestDataplane(name(), CAPABILITIES, config);
    }
}
