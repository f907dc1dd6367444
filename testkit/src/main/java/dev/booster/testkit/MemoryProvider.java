package dev.booster.testkit;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.spi.Availability;
import dev.booster.spi.DataplaneProvider;

import java.util.EnumSet;
import java.util.Set;

/**
 * Provider {@code memory}: Booster's engine with in-memory ports. Needs no root and no native library, so it is
 * always available; the lowest priority, so a real backend wins when one is available.
 *
 * <p>Memif interfaces are real: their sockets and shared memory work with any memif peer on the host (another
 * process, or a {@code MemifInterface} slave in the same JVM); a memory pod's abstract socket name lives in the
 * dataplane's own network namespace, since memory pods have none.
 *
 * <p>Options: {@code memory.buffers} (packet buffers, default 8192).
 */
public final class MemoryProvider implements DataplaneProvider {
    public static final String NAME = "memory";

    static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(Capability.VETH, Capability.TAP, Capability.MEMIF, Capability.IPV6,
            Capability.POLICY, Capability.STATEFUL_POLICY, Capability.POLICY_TIERS, Capability.TRACING, Capability.UNPRIVILEGED));

    @Override
    public String name() {
        return NAME;
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
        return -100;
    }

    @Override
    public Dataplane open(DataplaneConfig config) {
        return MemoryDataplane.open(config);
    }
}
