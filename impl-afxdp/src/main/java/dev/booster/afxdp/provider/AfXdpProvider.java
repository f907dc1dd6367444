package dev.booster.afxdp.provider;

import dev.booster.host.link.IpLinkManager;
import dev.booster.afxdp.port.BusyPollIdle;
import dev.booster.afxdp.port.SocketPollIdle;
import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.DataplaneException;
import dev.booster.engine.Engine;
import dev.booster.engine.EngineConfig;
import dev.booster.engine.IdleStrategy;
import dev.booster.spi.Availability;
import dev.booster.spi.DataplaneProvider;

import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * Provider {@code afxdp}: Booster's engine over AF_XDP sockets on the host ends of pods' veth pairs. Needs root (or
 * CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN and CAP_BPF), libxdp1/libbpf1, iproute2 and a kernel with AF_XDP; when
 * it has them it wins over {@code memory} (priority 100), so it is the default embedded backend of a root process.
 *
 * <p>Options: see {@link AfXdpOptions} ({@code afxdp.frames}, {@code afxdp.interfaces}, {@code afxdp.idle}) and {@link UplinkOptions}
 * ({@code afxdp.uplink*}). {@link #open} returns an {@link AfXdpDataplane}, whose {@link AfXdpDataplane#uplink()}
 * adds and removes pod CIDRs at run time.
 */
public final class AfXdpProvider implements DataplaneProvider {
    public static final String NAME = "afxdp";

    static final Set<Capability> CAPABILITIES = Set.copyOf(EnumSet.of(Capability.VETH, Capability.MEMIF, Capability.IPV6, Capability.POLICY,
            Capability.STATEFUL_POLICY, Capability.POLICY_TIERS, Capability.TRACING));

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
            Optional<HostCheck.Problem> problem = HostCheck.run();
            if (problem.isEmpty()) return Availability.available();
            HostCheck.Problem p = problem.get();
            return p.cause().map(cause -> Availability.unavailable(p.reason(), cause)).orElseGet(() -> Availability.unavailable(p.reason()));
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("probing AF_XDP failed: " + e, e);
        }
    }

    @Override
    public int priority() {
        return 100;
    }

    /**
     * Opens a dataplane whose worker thread runs at once.
     *
     * @throws DataplaneException                   the host lacks what the backend needs (the message says what)
     * @throws dev.booster.api.InvalidSpecException an unknown or bad {@code afxdp.*} option
     */
    @Override
    public Dataplane open(DataplaneConfig config) {
        AfXdpOptions options = AfXdpOptions.from(config);
        // Everything made here is made in the node's namespace (afxdp.netns); the worker thread inherits it.
        return options.netns().supply(() -> openHere(config, options));
    }

    private static Dataplane openHere(DataplaneConfig config, AfXdpOptions options) {
        HostCheck.run().ifPresent(p -> {
            throw new DataplaneException("provider '" + NAME + "' cannot run here: " + p.reason(), p.cause().orElse(null));
        });
        Engine engine = new Engine(EngineConfig.defaults());
        AfXdpBackend backend = new AfXdpBackend(engine, new IpLinkManager(), options, AfXdpOptions.persistentPods(config)); // maps the UMEM first: nothing to undo if that fails
        IdleStrategy idle = switch (options.idle()) {
            case POLL -> new SocketPollIdle(engine.config().maxInterfaces());
            case SPIN -> IdleStrategy.spinThenPark(64, 50_000);
            case BUSY -> new BusyPollIdle();
        };
        AfXdpDataplane dataplane = new AfXdpDataplane(backend, engine);
        try {
            backend.openUplink();
            engine.start(idle);
        } catch (RuntimeException e) {
            idle.close();
            dataplane.close();
            throw e;
        }
        return dataplane;
    }
}
