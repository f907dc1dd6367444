package dev.booster.vpp.provider;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.UnsupportedCapabilityException;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.pod.AfXdp;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Pods;
import dev.booster.api.pod.Tap;
import dev.booster.api.pod.Veth;
import dev.booster.api.policy.Policies;
import dev.booster.api.service.Services;
import dev.booster.api.stats.DropCounter;
import dev.booster.api.stats.InterfaceCounters;
import dev.booster.api.stats.PolicyHitCounter;
import dev.booster.api.stats.Stats;
import dev.booster.api.tunnel.Tunnels;
import dev.booster.vpp.api.VppApiClient;
import dev.booster.vpp.api.codec.VppMessageType;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The {@code vpp} dataplane: a connected, version-checked {@link VppApiClient} and the operations on it
 * ({@link #interfaces()}). What the backend does not map onto VPP yet throws, saying why.
 */
public final class VppDataplane implements Dataplane {

    /** Nothing yet: a capability is claimed once the shared conformance suite passes against a live VPP. */
    static final Set<Capability> CAPABILITIES = Set.of();

    /** The messages this dataplane may send, checked against VPP's table at open. */
    static final List<VppMessageType<?>> MESSAGES = VppInterfaces.MESSAGES;

    private static final System.Logger LOG = System.getLogger(VppDataplane.class.getName());

    private final VppApiClient vpp;
    private final VppInterfaces interfaces;
    private final List<Consumer<? super DataplaneEvent>> listeners = new CopyOnWriteArrayList<>();

    VppDataplane(VppApiClient vpp) {
        this.vpp = vpp;
        this.interfaces = new VppInterfaces(vpp);
        vpp.whenDisconnected().whenComplete((ignored, lost) -> {
            if (lost != null) {
                publish(new DataplaneEvent.BackendLost(Instant.now(), lost.getMessage()));
            }
        });
    }

    @Override
    public String provider() {
        return VppProvider.NAME;
    }

    @Override
    public Set<Capability> capabilities() {
        return CAPABILITIES;
    }

    /** VPP's interfaces and routes, one request each. */
    public VppInterfaces interfaces() {
        return interfaces;
    }

    /** The API connection itself, for what the backend does not wrap yet. */
    public VppApiClient client() {
        return vpp;
    }

    @Override
    public Pods pods() {
        return new UnmappedPods();
    }

    @Override
    public Policies policies() {
        throw new UnsupportedCapabilityException(provider(), Capability.POLICY, "compiling policy onto VPP's npol or"
                + " acl plugin is not implemented yet");
    }

    @Override
    public Tunnels tunnels() {
        throw new UnsupportedCapabilityException(provider(), Capability.TUNNELS, "ipip/IPsec/WireGuard tunnels through"
                + " VPP are not implemented yet");
    }

    @Override
    public Services services() {
        throw new UnsupportedCapabilityException(provider(), Capability.SERVICES, "services through VPP's cnat plugin"
                + " are not implemented yet");
    }

    @Override
    public Stats stats() {
        return new UnreadStats();
    }

    /** Delivers {@link DataplaneEvent.BackendLost} when VPP goes away; other events are not produced yet. */
    @Override
    public Subscription subscribe(Consumer<? super DataplaneEvent> listener) {
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public void close() {
        vpp.close();
    }

    private void publish(DataplaneEvent event) {
        for (Consumer<? super DataplaneEvent> listener : listeners) {
            try {
                listener.accept(event);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "event listener failed on " + event, e);
            }
        }
    }

    /** Pods are not attached through VPP yet: each interface kind says what is missing. */
    private final class UnmappedPods implements Pods {
        @Override
        public PodAttachment attach(PodSpec spec) {
            InterfaceSpec first = spec.interfaces().getFirst();
            throw switch (first) {
                case Veth _ -> new UnsupportedCapabilityException(provider(), Capability.VETH, "a veth pod needs"
                        + " the host veth pair and netns plumbing (impl-afxdp has it, in dev.booster.afxdp.link; it must"
                        + " move to a module both backends may use) before af_packet_create_v3 can serve its host end");
                case Tap _ -> new UnsupportedCapabilityException(provider(), Capability.TAP, "tap pods"
                        + " (tap_create_v3 into the pod's netns) are not wired to PodSpec yet, and VPP's tap needs"
                        + " /dev/vhost-net");
                case Memif _ -> new UnsupportedCapabilityException(provider(), Capability.MEMIF, "memif pods"
                        + " (memif_create_v2, routes to the pod's addresses) are not wired to PodSpec yet");
                case AfXdp _ -> new UnsupportedCapabilityException(provider(), Capability.AF_XDP_POD,
                        "VPP's af_xdp interfaces are not mapped");
            };
        }

        @Override
        public boolean detach(String uid) {
            return false;
        }

        @Override
        public Optional<PodAttachment> get(String uid) {
            return Optional.empty();
        }

        @Override
        public List<PodAttachment> list() {
            return List.of();
        }
    }

    /** VPP keeps its counters in its stats segment, which this backend does not read yet. */
    private static final class UnreadStats implements Stats {
        private static final String WHY = "the vpp backend does not read VPP's stats segment (the stats socket,"
                + " /run/vpp/stats.sock) yet";

        @Override
        public List<InterfaceCounters> interfaces() {
            throw new UnsupportedOperationException("interface counters: " + WHY);
        }

        @Override
        public List<DropCounter> drops() {
            throw new UnsupportedOperationException("drop counters: " + WHY);
        }

        @Override
        public List<PolicyHitCounter> policyHits() {
            throw new UnsupportedOperationException("policy hits: " + WHY + ", and policy is not mapped onto VPP");
        }
    }
}
