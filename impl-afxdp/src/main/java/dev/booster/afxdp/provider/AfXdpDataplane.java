package dev.booster.afxdp.provider;

import dev.booster.afxdp.port.WorkerUmem;
import dev.booster.engine.Engine;
import dev.booster.engine.dataplane.EngineDataplane;

import java.util.Optional;

/** The {@code afxdp} provider's dataplane: the engine's, plus the uplink when {@code afxdp.uplink} is set. */
public final class AfXdpDataplane extends EngineDataplane {
    private final AfXdpBackend backend;

    AfXdpDataplane(AfXdpBackend backend, Engine engine) {
        super(backend, engine);
        this.backend = backend;
    }

    /** Lets the backend tell closing the dataplane (veths stay with {@code afxdp.persistentPods}) from detaching a pod. */
    @Override
    public void close() {
        backend.dataplaneClosing();
        super.close();
    }

    /** The uplink, to add or remove pod CIDRs at run time; empty without {@code afxdp.uplink}. */
    public Optional<AfXdpUplink> uplink() {
        return backend.uplink();
    }

    /** The worker's UMEM, which every pod interface and the uplink share (for tests: its frame accounting). */
    WorkerUmem umem() {
        return backend.umem();
    }
}
