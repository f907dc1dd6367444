package dev.booster.dpdk.provider;

import dev.booster.host.ffi.NativeLibraryUnavailableException;
import dev.booster.host.link.IpLinkManager;
import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.DataplaneException;
import dev.booster.dpdk.eal.Eal;
import dev.booster.dpdk.port.MbufPool;
import dev.booster.engine.Engine;
import dev.booster.engine.EngineConfig;
import dev.booster.spi.Availability;
import dev.booster.spi.DataplaneProvider;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Provider {@code dpdk}: Booster's engine over DPDK 22.11 ports (the Debian {@code librte_*.so.23} libraries through
 * FFM, no C of Booster's own). Pods attach as veths (a {@code net_af_packet} port on the host end), taps
 * ({@code net_tap}) or memifs (DPDK's {@code net_memif}); each is a device hot-plugged into the running EAL.
 *
 * <p>Needs root (or CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN), iproute2 and DPDK ({@code apt-get install dpdk}).
 * Priority 50: below {@code afxdp} (100), which needs no EAL, above {@code memory}. Options: {@link DpdkOptions}.
 * The EAL is the JVM's, shared by every dpdk dataplane and initialized by the first (see
 * {@link dev.booster.dpdk.eal.Eal}).
 */
public final class DpdkProvider implements DataplaneProvider {
    public static final String NAME = "dpdk";

    static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(Capability.VETH, Capability.TAP, Capability.MEMIF, Capability.IPV6,
            Capability.POLICY, Capability.STATEFUL_POLICY, Capability.POLICY_TIERS, Capability.TRACING));
    private static final AtomicInteger POOLS = new AtomicInteger();

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
        try {
            return DpdkHostCheck.run().map(Availability::unavailable).orElseGet(Availability::available);
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("probing DPDK failed: " + e, e);
        }
    }

    @Override
    public int priority() {
        return 50;
    }

    /**
     * Opens a dataplane whose worker thread runs at once; the first in the JVM initializes DPDK's EAL.
     *
     * @throws DataplaneException                   the host lacks what the backend needs, or EAL/pool setup failed
     *                                              (the message has DPDK's own words)
     * @throws dev.booster.api.InvalidSpecException an unknown or bad {@code dpdk.*} option
     */
    @Override
    public Dataplane open(DataplaneConfig config) {
        DpdkOptions options = DpdkOptions.from(config);
        DpdkHostCheck.run().ifPresent(reason -> {
            throw new DataplaneException("provider '" + NAME + "' cannot run here: " + reason);
        });
        Eal eal;
        try {
            eal = Eal.acquire(options.eal());
        } catch (NativeLibraryUnavailableException e) {
            throw new DataplaneException("provider '" + NAME + "' cannot run here: " + e.getMessage(), e);
        }
        MbufPool pool;
        try {
            pool = MbufPool.create(eal, "bst" + ProcessHandle.current().pid() + "-" + POOLS.incrementAndGet(), options.mbufs());
        } catch (RuntimeException e) {
            eal.release();
            throw e;
        }
        Engine engine = new Engine(EngineConfig.defaults());
        DpdkBackend backend = new DpdkBackend(engine, eal, pool, new IpLinkManager(), DpdkOptions.memifByPmd(config));
        DpdkDataplane dataplane = new DpdkDataplane(backend, engine);
        try {
            backend.openUplink(options.uplink());
            engine.start();
        } catch (RuntimeException e) {
            dataplane.close();
            throw e;
        }
        return dataplane;
    }
}
