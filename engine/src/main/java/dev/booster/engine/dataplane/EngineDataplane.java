package dev.booster.engine.dataplane;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneException;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.UnsupportedCapabilityException;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.AfXdp;
import dev.booster.api.pod.AttachedInterface;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.NamedPort;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Pods;
import dev.booster.api.pod.Tap;
import dev.booster.api.pod.Veth;
import dev.booster.api.policy.Labels;
import dev.booster.api.policy.Policies;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.service.Services;
import dev.booster.api.stats.DropCounter;
import dev.booster.api.stats.InterfaceCounters;
import dev.booster.api.stats.PolicyHitCounter;
import dev.booster.api.stats.Stats;
import dev.booster.api.tunnel.Tunnels;
import dev.booster.ike.IkeSettings;
import dev.booster.ike.TunnelKeying;
import dev.booster.engine.Engine;
import dev.booster.engine.InterfaceConfig;
import dev.booster.engine.memif.MemifPodPort;
import dev.booster.engine.policy.CompiledPolicy;
import dev.booster.engine.policy.PolicyCompiler;
import dev.booster.engine.policy.PolicyEndpoint;
import dev.booster.engine.trace.PacketTrace;
import dev.booster.engine.trace.TraceFilter;
import dev.booster.ipsec.EspSaSink;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The {@link Dataplane} of every backend that runs Booster's engine (memory, AF_XDP, DPDK): pods, policy, counters and
 * events are handled here once; the backend only makes pod ports ({@link EngineBackend}).
 *
 * <p>Control calls are serialized on this object and stay off the packet path. Pods get stable policy endpoint ids
 * (a freed id is reused by the next pod); the policy is recompiled whenever endpoints change. A new pod's policy is
 * published <em>before</em> its interface is added to the engine, so its first packet already meets its policy.
 */
public class EngineDataplane implements Dataplane {
    /**
     * The namespace of a freed endpoint id's stand-in. The compiler needs every endpoint in a namespace; this one is
     * no valid Kubernetes namespace name, and what selects it does not matter: it has no address and no interface.
     */
    private static final String FREE_SLOT_NAMESPACE = "(free slot)";

    private final EngineBackend backend;
    private final Engine engine;
    private final EventBus events;
    private final Map<String, PodState> pods = new LinkedHashMap<>();
    private final List<PodState> slots = new ArrayList<>();
    private final PodsFacet podsFacet = new PodsFacet();
    private final PoliciesFacet policiesFacet = new PoliciesFacet();
    private final StatsFacet statsFacet = new StatsFacet();
    private EngineTunnels tunnelsFacet;
    private PolicySet policySet = PolicySet.EMPTY;
    private long generation;
    /**
     * Counts compilations, not applies: the engine re-classifies a flow whose compiled policy changed, and endpoint
     * changes (a pod leaving, another taking its address) must re-classify flows as much as a new policy set does.
     */
    private long compilations;
    private int memifPorts;
    private boolean closed;

    public EngineDataplane(EngineBackend backend, Engine engine) {
        this.backend = backend;
        this.engine = engine;
        this.events = new EventBus("booster-" + backend.provider());
    }

    /** The engine, for backend-specific tools (tracing, routes to uplinks). */
    public Engine engine() {
        return engine;
    }

    @Override
    public String provider() {
        return backend.provider();
    }

    @Override
    public Set<Capability> capabilities() {
        return backend.capabilities();
    }

    @Override
    public Pods pods() {
        return podsFacet;
    }

    @Override
    public Policies policies() {
        return policiesFacet;
    }

    /** Node-to-node tunnels through the backend's uplink ({@link EngineTunnels}); refused by a backend without one. */
    @Override
    public Tunnels tunnels() {
        return tunnelsFacet();
    }

    /**
     * The {@link EspSaSink} of the protected tunnel to {@code remoteNode}, for a key manager (IKEv2) to install and
     * replace its SAs; empty when there is no such tunnel or it is unprotected. Replacing or removing the tunnel
     * retires the sink (later calls are ignored).
     */
    public Optional<EspSaSink> espSaSink(String remoteNode) {
        return tunnelsFacet().espSaSink(remoteNode);
    }

    /**
     * The IKEv2 keying of the tunnel to {@code remoteNode} ({@code keyExchange ikev2-psk}), to rekey its Child SA now or
     * read its inbound SPIs; empty for other tunnels. Closing it is the tunnel's business: remove the tunnel instead.
     */
    public Optional<TunnelKeying> tunnelKeying(String remoteNode) {
        return tunnelsFacet().keying(remoteNode);
    }

    private synchronized EngineTunnels tunnelsFacet() {
        checkOpen();
        if (tunnelsFacet == null) {
            TunnelUplink uplink = backend.tunnelUplink().orElseThrow(() -> new UnsupportedCapabilityException(provider(), Capability.TUNNELS,
                    "node-to-node tunnels need an uplink, and this " + provider() + " dataplane has none (afxdp: option afxdp.uplink)"));
            tunnelsFacet = new EngineTunnels(engine, uplink, new TunnelIke(uplink, events, IkeSettings.DEFAULT));
        }
        return tunnelsFacet;
    }

    @Override
    public Services services() {
        throw new UnsupportedCapabilityException(provider(), Capability.SERVICES, "service load balancing is not implemented yet");
    }

    @Override
    public Stats stats() {
        return statsFacet;
    }

    @Override
    public Subscription subscribe(Consumer<? super DataplaneEvent> listener) {
        return events.subscribe(listener);
    }

    /** Traces the next {@code count} packets matching {@code filter}, as VPP's {@code trace add} does. */
    public void traceAdd(int count, TraceFilter filter) {
        engine.traceAdd(count, filter);
    }

    /** The finished traces, oldest first. */
    public List<PacketTrace> traces() {
        return engine.traces();
    }

    public void traceClear() {
        engine.traceClear();
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            if (tunnelsFacet != null) tunnelsFacet.removeAll();
            for (PodState pod : List.copyOf(pods.values())) detachNow(pod, false);
        } finally {
            engine.close();
            try {
                backend.close();
            } finally {
                events.close();
            }
        }
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("the " + provider() + " dataplane is closed");
    }

    // ---- pods ------------------------------------------------------------------------------------------------------

    private synchronized PodAttachment attach(PodSpec spec) {
        checkOpen();
        PodState existing = pods.get(spec.uid());
        if (existing != null) {
            if (existing.spec.equals(spec)) return existing;
            throw new InvalidSpecException("uid", "pod " + spec.uid() + " is already attached with a different spec; detach it first");
        }
        for (int i = 0; i < spec.interfaces().size(); i++) {
            InterfaceSpec iface = spec.interfaces().get(i);
            Capability needed = switch (iface) {
                case Veth v -> Capability.VETH;
                case Tap t -> Capability.TAP;
                case Memif m -> Capability.MEMIF;
                case AfXdp x -> Capability.AF_XDP_POD;
            };
            if (!capabilities().contains(needed)) {
                throw new UnsupportedCapabilityException(provider(), needed, "interfaces[" + i + "] (" + iface.name() + ") needs it");
            }
            checkAddresses(spec, i, iface);
        }
        checkPolicyFields(spec);

        int slot = freeSlot();
        PodState pod = new PodState(spec, slot);
        MacAddress gatewayMac = engine.config().gatewayMac();
        try {
            for (int i = 0; i < spec.interfaces().size(); i++) pod.ports.add(openPort(spec, i, gatewayMac));
            setSlot(slot, pod);
            publishPolicy(policySet); // the pod's policy is in force before its first packet
            for (int i = 0; i < spec.interfaces().size(); i++) {
                InterfaceSpec iface = spec.interfaces().get(i);
                PodPort port = pod.ports.get(i);
                int index = engine.addInterface(new InterfaceConfig.Pod(port.hostName(), spec.uid(), port.port(),
                        iface.addresses().stream().map(InterfaceAddress::address).toList(), slot, Optional.of(port.podMac()), gatewayMac));
                pod.indexes.add(index);
                // An IP-mode memif has no MAC on the pod side; the engine's own stand-in stays inside.
                MacAddress podMac = iface instanceof Memif m && m.mode() == Memif.Mode.IP ? null : port.podMac();
                pod.interfaces.add(new AttachedInterface(iface, port.hostName(), podMac, gatewayMac, index));
            }
        } catch (RuntimeException e) {
            undo(pod);
            throw e;
        }
        pods.put(spec.uid(), pod);
        memifPortsChanged();
        events.publish(new DataplaneEvent.PodAttached(Instant.now(), spec.uid()));
        return pod;
    }

    /** A memif is made here, the same for every backend, unless the backend has its own memif driver; anything else by the backend. */
    private PodPort openPort(PodSpec spec, int i, MacAddress gatewayMac) {
        InterfaceSpec iface = spec.interfaces().get(i);
        if (!(iface instanceof Memif memif) || backend.hasOwnMemifDriver()) return backend.openPort(spec, iface, gatewayMac);
        return MemifPodPort.open(spec, memif, "interfaces[" + i + "]", gatewayMac, backend::inPodNetns, engine::awaitWorkerCaughtUp,
                (port, up) -> events.publish(new DataplaneEvent.InterfaceStateChanged(Instant.now(), port.hostName(), up)));
    }

    /** Tells the backend how many memif ports the engine has, when that changed. */
    private void memifPortsChanged() {
        int count = 0;
        for (PodState pod : pods.values()) {
            for (PodPort port : pod.ports) if (port instanceof MemifPodPort) count++;
        }
        if (count != memifPorts) {
            memifPorts = count;
            backend.memifPortsChanged(count);
        }
    }

    private void checkAddresses(PodSpec spec, int i, InterfaceSpec iface) {
        for (int j = 0; j < iface.addresses().size(); j++) {
            IpAddress address = iface.addresses().get(j).address();
            String earlier = earlierUse(spec, i, j, address);
            if (earlier != null) {
                throw new InvalidSpecException("interfaces[" + i + "].addresses[" + j + "]", address + " is also " + earlier + "; give it once");
            }
            for (PodState other : pods.values()) {
                for (InterfaceSpec o : other.spec.interfaces()) {
                    for (InterfaceAddress oa : o.addresses()) {
                        if (oa.address().equals(address)) {
                            throw new InvalidSpecException("interfaces[" + i + "].addresses[" + j + "]",
                                    address + " is already used by pod " + other.spec.namespace() + "/" + other.spec.name());
                        }
                    }
                }
            }
        }
    }

    /** Where {@code address} appears in {@code spec} before interface {@code i}'s address {@code j}, or null. */
    private static String earlierUse(PodSpec spec, int i, int j, IpAddress address) {
        for (int k = 0; k <= i; k++) {
            List<InterfaceAddress> addresses = spec.interfaces().get(k).addresses();
            for (int m = 0; m < (k == i ? j : addresses.size()); m++) {
                if (addresses.get(m).address().equals(address)) return "interfaces[" + k + "].addresses[" + m + "]";
            }
        }
        return null;
    }

    /**
     * What the policy compiler would reject about the pod, checked up front so the error names the pod spec's field
     * (not the compiler's endpoint list) and nothing is made first.
     */
    private static void checkPolicyFields(PodSpec spec) {
        Labels.checkAll("labels", spec.labels());
        Map<String, Integer> seen = new HashMap<>();
        for (int p = 0; p < spec.namedPorts().size(); p++) {
            NamedPort port = spec.namedPorts().get(p);
            Integer earlier = seen.putIfAbsent(port.name() + "/" + port.protocol(), p);
            if (earlier != null) {
                throw new InvalidSpecException("namedPorts[" + p + "]", "\"" + port.name() + "\" (" + port.protocol()
                        + ") is also namedPorts[" + earlier + "]; a pod's port names must be unique per protocol");
            }
        }
    }

    /** Takes back whatever a failed attach made, in reverse order. */
    private void undo(PodState pod) {
        for (int index : pod.indexes) engine.removeInterface(index);
        if (pod.slot < slots.size() && slots.get(pod.slot) == pod) {
            setSlot(pod.slot, null);
            try {
                publishPolicy(policySet);
            } catch (RuntimeException ignored) {
                // The set compiled with the pod; without it, it compiles too. Nothing else to restore.
            }
        }
        for (PodPort port : pod.ports.reversed()) closeQuietly(port);
    }

    /** Labels and named ports only feed the policy compiler: changing them is a recompilation, the ports stay. */
    private synchronized PodAttachment update(PodSpec spec) {
        checkOpen();
        PodState pod = pods.get(spec.uid());
        if (pod == null) throw new InvalidSpecException("uid", "no pod " + spec.uid() + " is attached; attach it instead");
        PodSpec old = pod.spec;
        if (old.equals(spec)) return pod;
        String fixed = !old.namespace().equals(spec.namespace()) ? "namespace"
                : !old.name().equals(spec.name()) ? "name"
                : !old.netns().equals(spec.netns()) ? "netns"
                : !old.interfaces().equals(spec.interfaces()) ? "interfaces" : null;
        if (fixed != null) {
            throw new InvalidSpecException(fixed, "differs from the attached pod " + spec.uid() + "'s; only labels and namedPorts change in place, "
                    + "detach and attach the pod to change its " + fixed);
        }
        checkPolicyFields(spec);
        pod.spec = spec;
        try {
            publishPolicy(policySet);
        } catch (RuntimeException e) {
            pod.spec = old;
            throw e;
        }
        return pod;
    }

    private synchronized boolean detach(String uid) {
        PodState pod = pods.get(uid);
        if (pod == null) return false;
        detachNow(pod, true);
        return true;
    }

    private void detachNow(PodState pod, boolean republish) {
        pods.remove(pod.spec.uid());
        pod.attached = false;
        try {
            for (int index : pod.indexes) engine.removeInterface(index);
            setSlot(pod.slot, null);
            if (republish) publishPolicy(policySet);
        } finally {
            // The pod is gone from the bookkeeping whatever failed above, so its host side must go too.
            for (PodPort port : pod.ports.reversed()) closeQuietly(port);
            memifPortsChanged();
            events.publish(new DataplaneEvent.PodDetached(Instant.now(), pod.spec.uid()));
        }
    }

    private static void closeQuietly(PodPort port) {
        try {
            port.close();
        } catch (RuntimeException e) {
            System.getLogger(EngineDataplane.class.getName()).log(System.Logger.Level.WARNING,
                    "closing " + port.hostName() + " failed; it may need `booster cleanup`", e);
        }
    }

    private int freeSlot() {
        for (int i = 0; i < slots.size(); i++) if (slots.get(i) == null) return i;
        return slots.size();
    }

    private void setSlot(int slot, PodState pod) {
        while (slots.size() <= slot) slots.add(null);
        slots.set(slot, pod);
        while (!slots.isEmpty() && slots.getLast() == null) slots.removeLast();
    }

    // ---- policy ----------------------------------------------------------------------------------------------------

    private List<PolicyEndpoint> endpoints() {
        List<PolicyEndpoint> list = new ArrayList<>(slots.size());
        for (int id = 0; id < slots.size(); id++) {
            PodState pod = slots.get(id);
            if (pod == null) {
                list.add(new PolicyEndpoint(id, freeSlotUid(id), FREE_SLOT_NAMESPACE, Map.of(), List.of(), List.of()));
            } else {
                PodSpec s = pod.spec;
                List<IpAddress> addresses = s.interfaces().stream().flatMap(i -> i.addresses().stream()).map(InterfaceAddress::address).toList();
                list.add(new PolicyEndpoint(id, s.uid(), s.namespace(), s.labels(), addresses, s.namedPorts()));
            }
        }
        return list;
    }

    /** A uid for free slot {@code id} that no pod holding a slot has: the compiler requires uids to be unique. */
    private String freeSlotUid(int id) {
        String uid = "(free slot " + id + ")";
        while (holdsASlot(uid)) uid += "'";
        return uid;
    }

    private boolean holdsASlot(String uid) {
        for (PodState pod : slots) if (pod != null && pod.spec.uid().equals(uid)) return true;
        return false;
    }

    private void publishPolicy(PolicySet set) {
        CompiledPolicy compiled = PolicyCompiler.compile(set, endpoints(), compilations + 1);
        compilations++;
        engine.publishPolicy(compiled);
    }

    private synchronized long apply(PolicySet set) {
        Objects.requireNonNull(set, "policies");
        checkOpen();
        try {
            publishPolicy(set);
        } catch (RuntimeException e) {
            events.publish(new DataplaneEvent.PolicyRejected(Instant.now(), String.valueOf(e.getMessage())));
            if (e instanceof InvalidSpecException) throw e;
            throw new DataplaneException("policy not applied, the previous one stays in force: " + e.getMessage(), e);
        }
        policySet = set;
        generation++;
        events.publish(new DataplaneEvent.PolicyApplied(Instant.now(), generation));
        return generation;
    }

    // ---- facets ----------------------------------------------------------------------------------------------------

    private final class PodState implements PodAttachment {
        /** Replaced by {@link #update} (labels and named ports only); read by other threads through {@link #spec()}. */
        volatile PodSpec spec;
        final int slot;
        final List<PodPort> ports = new ArrayList<>();
        final List<Integer> indexes = new ArrayList<>();
        final List<AttachedInterface> interfaces = new ArrayList<>();
        volatile boolean attached = true;

        PodState(PodSpec spec, int slot) {
            this.spec = spec;
            this.slot = slot;
        }

        @Override
        public PodSpec spec() {
            return spec;
        }

        @Override
        public List<AttachedInterface> interfaces() {
            return List.copyOf(interfaces);
        }

        @Override
        public boolean isAttached() {
            return attached;
        }

        @Override
        public void detach() {
            synchronized (EngineDataplane.this) {
                if (attached && pods.get(spec.uid()) == this) detachNow(this, true);
            }
        }

        @Override
        public String toString() {
            return "pod " + spec.namespace() + "/" + spec.name() + " (" + spec.uid() + ")" + (attached ? "" : " detached");
        }
    }

    /** The backend's port of a pod's interface {@code i}, for backend-specific views (e.g. the memory backend's queues). */
    public static PodPort portOf(PodAttachment attachment, int i) {
        if (!(attachment instanceof EngineDataplane.PodState pod)) {
            throw new IllegalArgumentException(attachment + " was not attached by an engine-based dataplane");
        }
        return pod.ports.get(i);
    }

    private final class PodsFacet implements Pods {
        @Override
        public PodAttachment attach(PodSpec spec) {
            return EngineDataplane.this.attach(spec);
        }

        @Override
        public PodAttachment update(PodSpec spec) {
            return EngineDataplane.this.update(spec);
        }

        @Override
        public boolean detach(String uid) {
            return EngineDataplane.this.detach(uid);
        }

        @Override
        public Optional<PodAttachment> get(String uid) {
            synchronized (EngineDataplane.this) {
                return Optional.ofNullable(pods.get(uid));
            }
        }

        @Override
        public List<PodAttachment> list() {
            synchronized (EngineDataplane.this) {
                return List.copyOf(pods.values());
            }
        }
    }

    private final class PoliciesFacet implements Policies {
        @Override
        public long apply(PolicySet policies) {
            return EngineDataplane.this.apply(policies);
        }

        @Override
        public PolicySet current() {
            synchronized (EngineDataplane.this) {
                return policySet;
            }
        }

        @Override
        public long generation() {
            synchronized (EngineDataplane.this) {
                return generation;
            }
        }
    }

    private final class StatsFacet implements Stats {
        @Override
        public List<InterfaceCounters> interfaces() {
            return engine.interfaceCounters();
        }

        @Override
        public List<DropCounter> drops() {
            return engine.drops().stream().filter(d -> d.packets() > 0).toList();
        }

        @Override
        public List<PolicyHitCounter> policyHits() {
            return engine.policyHits();
        }
    }
}
