package dev.booster.dpdk.provider;

import dev.booster.dpdk.eal.Eal;
import dev.booster.dpdk.port.DpdkPort;
import dev.booster.dpdk.port.MbufPool;
import dev.booster.api.pod.PodAttachment;
import dev.booster.engine.Engine;
import dev.booster.engine.dataplane.EngineDataplane;

/** The {@code dpdk} provider's dataplane: the engine's, plus a view of the DPDK side for diagnostics and tests. */
public final class DpdkDataplane extends EngineDataplane {
    private final DpdkBackend backend;

    DpdkDataplane(DpdkBackend backend, Engine engine) {
        super(backend, engine);
        this.backend = backend;
    }

    /** The JVM's EAL (shared by every dpdk dataplane). */
    public Eal eal() {
        return backend.eal();
    }

    /** This dataplane's mbuf pool. */
    public MbufPool pool() {
        return backend.pool();
    }

    /** The uplink, when {@code dpdk.uplink} is set. */
    public java.util.Optional<DpdkUplink> uplink() {
        return backend.uplink();
    }

    /** The DPDK port behind interface {@code i} of an attached pod. */
    public static DpdkPort dpdkPortOf(PodAttachment pod, int i) {
        return ((DpdkPodPort) EngineDataplane.portOf(pod, i)).dpdkPort();
    }
}
