package dev.booster.engine;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.Ip6Address;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.api.stats.DropCounter;
import dev.booster.api.stats.InterfaceCounters;
import dev.booster.api.stats.PolicyHitCounter;
import dev.booster.engine.conntrack.Conntrack;
import dev.booster.engine.fib.Ip4Fib;
import dev.booster.engine.fib.Ip6Fib;
import dev.booster.engine.graph.Graph;
import dev.booster.engine.graph.NodeContext;
import dev.booster.engine.graph.TokenBucket;
import dev.booster.engine.graph.Worker;
import dev.booster.engine.graph.WorkerCounters;
import dev.booster.engine.node.StandardGraph;
import dev.booster.engine.policy.CompiledPolicy;
import dev.booster.engine.policy.PolicyEndpoint;
import dev.booster.engine.policy.RuleDescriptor;
import dev.booster.engine.state.Adjacencies;
import dev.booster.engine.state.ForwardingState;
import dev.booster.engine.state.InterfaceTable;
import dev.booster.engine.state.LocalAddresses;
import dev.booster.engine.state.Neighbours;
import dev.booster.engine.state.StateHolder;
import dev.booster.engine.trace.PacketTrace;
import dev.booster.engine.trace.TraceBuffer;
import dev.booster.engine.trace.TraceControl;
import dev.booster.engine.trace.TraceFilter;
import dev.booster.engine.trace.TraceReader;
import dev.booster.engine.trace.TraceRequest;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Booster's packet engine: interfaces, routes and policy in, counters and traces out; the packets themselves move
 * between the backends' {@link dev.booster.engine.packet.Port}s through the worker.
 *
 * <p>Control methods are thread-safe (serialized on the engine) and never touch the packet path: each builds a new
 * {@link ForwardingState} and publishes it with one volatile write. Counters are read while the worker runs.
 *
 * <p>One worker, for now: conntrack is per worker, so both directions of a flow must meet on the same worker, and
 * that needs flow handoff between workers before there can be several.
 */
public final class Engine implements AutoCloseable {
    private static final long UNKNOWN_MAC = Adjacencies.LEARNED;

    private final EngineConfig config;
    private final Graph graph = StandardGraph.build();
    private final Neighbours neighbours;
    private final TraceControl tracing = new TraceControl();
    private final StateHolder states;
    private final WorkerCounters counters;
    private final Conntrack conntrack;
    private final TraceBuffer traceBuffer;
    private final Worker worker;

    // Control-plane model, guarded by this.
    private final Slot[] slots;
    private final Map<IpPrefix, StaticRoute> routes = new LinkedHashMap<>();
    private final Map<RuleDescriptor, Integer> ruleCounterIds = new HashMap<>();
    private final List<RuleDescriptor> ruleByCounterId = new ArrayList<>();
    private CompiledPolicy policy = new AllowAllPolicy();
    private int[] policyCounterIds;
    private long version;

    private volatile Thread thread;
    private volatile boolean running;

    public Engine(EngineConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        int max = config.maxInterfaces();
        slots = new Slot[max];
        neighbours = new Neighbours(max);
        counters = new WorkerCounters(max);
        conntrack = new Conntrack(config.conntrackCapacity(), config.conntrackTimeouts());
        traceBuffer = new TraceBuffer(config.traceCapacity());
        policyCounterIds = counterIdsFor(policy);
        states = new StateHolder(buildState());
        NodeContext ctx = new NodeContext(counters, conntrack, neighbours, traceBuffer,
                new TokenBucket(config.icmpErrorsPerSecond(), config.icmpErrorBurst()));
        worker = new Worker(0, graph, states, ctx, config.clock(), tracing);
    }

    public EngineConfig config() {
        return config;
    }

    public Graph graph() {
        return graph;
    }

    /** The state the worker reads now. */
    public ForwardingState state() {
        return states.get();
    }

    // ---- interfaces ----------------------------------------------------------------------------------------------

    /** Adds an interface; returns its index (the lowest free one), used by every other call and in counters. */
    public synchronized int addInterface(InterfaceConfig spec) {
        Objects.requireNonNull(spec, "spec");
        int index = -1;
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null) {
                if (slots[i].spec.name().equals(spec.name())) throw new IllegalArgumentException("interface name \"" + spec.name() + "\" is taken by #" + i);
                if (slots[i].spec.port() == spec.port()) throw new IllegalArgumentException("port of \"" + spec.name() + "\" is already attached as \"" + slots[i].spec.name() + "\"");
            } else if (index < 0) {
                index = i;
            }
        }
        if (index < 0) throw new IllegalStateException("all " + slots.length + " interfaces are in use; raise EngineConfig.maxInterfaces");
        if (spec instanceof InterfaceConfig.Pod pod) checkHostRoutesFree(pod, index);
        neighbours.forget(index);
        slots[index] = new Slot(spec, baseline(index));
        publish();
        return index;
    }

    /** Removes an interface, its pod host routes and the static routes through it. */
    public synchronized void removeInterface(int index) {
        slot(index);
        slots[index] = null;
        routes.values().removeIf(r -> r.iface == index);
        neighbours.forget(index);
        publish();
    }

    /** Sets (or, with empty, forgets so it is learned again) the MAC of the pod behind a pod interface. */
    public synchronized void setPodMac(int index, Optional<MacAddress> mac) {
        if (!(slot(index).spec instanceof InterfaceConfig.Pod pod)) throw new IllegalArgumentException("interface #" + index + " is not a pod interface");
        slots[index] = new Slot(new InterfaceConfig.Pod(pod.name(), pod.podUid(), pod.port(), pod.addresses(),
                pod.policyEndpoint(), mac, pod.mac()), slots[index].baseline);
        publish();
    }

    /** Sets the engine's own MAC on an interface (the gateway MAC pods see). */
    public synchronized void setGatewayMac(int index, MacAddress mac) {
        Objects.requireNonNull(mac, "mac");
        InterfaceConfig spec = slot(index).spec;
        InterfaceConfig changed = switch (spec) {
            case InterfaceConfig.Pod p -> new InterfaceConfig.Pod(p.name(), p.podUid(), p.port(), p.addresses(), p.policyEndpoint(), p.podMac(), mac);
            case InterfaceConfig.Uplink u -> new InterfaceConfig.Uplink(u.name(), u.port(), mac);
        };
        slots[index] = new Slot(changed, slots[index].baseline);
        publish();
    }

    /** Changes the policy endpoint of a pod interface ({@link PolicyEndpoint#REMOTE}: no policy). */
    public synchronized void setPolicyEndpoint(int index, int endpoint) {
        if (!(slot(index).spec instanceof InterfaceConfig.Pod p)) throw new IllegalArgumentException("interface #" + index + " is not a pod interface");
        slots[index] = new Slot(new InterfaceConfig.Pod(p.name(), p.podUid(), p.port(), p.addresses(), endpoint, p.podMac(), p.mac()), slots[index].baseline);
        publish();
    }

    /** The config the interface was added with, as changed since; empty when the index is free. */
    public synchronized Optional<InterfaceConfig> interfaceConfig(int index) {
        return index >= 0 && index < slots.length && slots[index] != null ? Optional.of(slots[index].spec) : Optional.empty();
    }

    // ---- routes --------------------------------------------------------------------------------------------------

    /** Routes {@code prefix} out of interface {@code index} to the next hop {@code nextHopMac}; replaces an equal prefix. */
    public synchronized void addRoute(IpPrefix prefix, int index, MacAddress nextHopMac) {
        Objects.requireNonNull(nextHopMac, "nextHopMac");
        slot(index);
        checkNotHostRoute(prefix);
        routes.put(prefix, new StaticRoute(index, nextHopMac.bits()));
        publish();
    }

    /** Routes {@code prefix} to a discard (packets to it are dropped as drop-route, with no ICMP error). */
    public synchronized void addDropRoute(IpPrefix prefix) {
        checkNotHostRoute(prefix);
        routes.put(prefix, new StaticRoute(Adjacencies.DISCARD, 0));
        publish();
    }

    /** Removes a route added by {@link #addRoute} or {@link #addDropRoute}; false when there was none. */
    public synchronized boolean removeRoute(IpPrefix prefix) {
        boolean removed = routes.remove(Objects.requireNonNull(prefix, "prefix")) != null;
        if (removed) publish();
        return removed;
    }

    // ---- policy --------------------------------------------------------------------------------------------------

    /**
     * Makes {@code compiled} the policy for packets from the next vector on. Flows decided under an older generation
     * are classified again on their next forward packet.
     */
    public synchronized void publishPolicy(CompiledPolicy compiled) {
        Objects.requireNonNull(compiled, "compiled");
        policyCounterIds = counterIdsFor(compiled);
        policy = compiled;
        publish();
    }

    public synchronized CompiledPolicy policy() {
        return policy;
    }

    // ---- running -------------------------------------------------------------------------------------------------

    /**
     * Runs the worker once on the calling thread: one vector from the ports through the graph. For tests and the
     * memory backend; call from one thread at a time, and not while {@link #start()}ed.
     *
     * @return the packets received
     */
    public int pollOnce() {
        if (running) throw new IllegalStateException("the engine runs its own worker thread; stop() it before calling pollOnce()");
        return worker.poll();
    }

    /** Polls until a poll receives nothing; returns the packets received. */
    public int pollUntilIdle() {
        int total = 0;
        for (int n; (n = pollOnce()) > 0; ) total += n;
        return total;
    }

    /** Starts the worker on its own thread, busy-polling and backing off briefly when idle. */
    public synchronized void start() {
        if (running) throw new IllegalStateException("the engine is already running");
        running = true;
        thread = Thread.ofPlatform().name("booster-worker-0").daemon().start(this::runWorker);
    }

    /** Stops the worker thread and waits for it; idempotent. */
    public void stop() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        if (t != null) {
            try {
                t.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    public boolean isRunning() {
        return running;
    }

    private void runWorker() {
        int idle = 0;
        while (running) {
            if (worker.poll() > 0) {
                idle = 0;
            } else if (++idle > 64) {
                LockSupport.parkNanos(50_000);
            } else {
                Thread.onSpinWait();
            }
        }
    }

    @Override
    public void close() {
        stop();
    }

    // ---- counters ------------------------------------------------------------------------------------------------

    /** Counters of every interface, since each was added. */
    public synchronized List<InterfaceCounters> interfaceCounters() {
        List<InterfaceCounters> list = new ArrayList<>();
        for (int i = 0; i < slots.length; i++) if (slots[i] != null) list.add(countersOf(i));
        return list;
    }

    public synchronized InterfaceCounters interfaceCounters(int index) {
        slot(index);
        return countersOf(index);
    }

    /** Drops by reason, every reason listed (zeros included), in {@link DropReason} order. */
    public List<DropCounter> drops() {
        List<DropCounter> list = new ArrayList<>();
        for (DropReason r : DropReason.values()) list.add(new DropCounter(r.reasonName(), counters.dropsByReason[r.ordinal()]));
        return list;
    }

    public long drops(DropReason reason) {
        return counters.dropsByReason[reason.ordinal()];
    }

    /** Hits of every rule any published policy had, keyed by what the rule is (so they survive recompiling). */
    public synchronized List<PolicyHitCounter> policyHits() {
        List<PolicyHitCounter> list = new ArrayList<>();
        for (int id = 0; id < ruleByCounterId.size(); id++) {
            RuleDescriptor rule = ruleByCounterId.get(id);
            list.add(new PolicyHitCounter(rule.policy(), rule.direction(), rule.ruleIndex(), counters.rulePackets(id), counters.ruleBytes(id)));
        }
        return list;
    }

    /** Engine-wide totals since it was created, for checking that every packet is accounted for. */
    public Totals totals() {
        long rx = 0, tx = 0, dropped = 0;
        for (int i = 0; i < slots.length; i++) {
            rx += counters.rxPackets[i];
            tx += counters.txPackets[i];
        }
        for (long d : counters.dropsByReason) dropped += d;
        return new Totals(rx, tx, dropped, counters.generated);
    }

    /**
     * @param generated packets the engine made (ICMP errors); once the worker is idle, {@code rx + generated == tx + drops}
     */
    public record Totals(long rxPackets, long txPackets, long drops, long generated) {
        public boolean balanced() {
            return rxPackets + generated == txPackets + drops;
        }
    }

    /** Flows in conntrack (read racily while the worker runs). */
    public int flows() {
        return conntrack.size();
    }

    /** The MAC learned from ARP/ND on an interface, if any. */
    public Optional<MacAddress> learnedNeighbour(int index) {
        long mac = neighbours.mac(index);
        return mac == Neighbours.UNKNOWN ? Optional.empty() : Optional.of(new MacAddress(mac));
    }

    // ---- tracing -------------------------------------------------------------------------------------------------

    /** Traces the next {@code count} received packets that match {@code filter} (replacing an armed request). */
    public void traceAdd(int count, TraceFilter filter) {
        tracing.arm(new TraceRequest(count, filter));
    }

    /** The packets traced so far whose journey ended (transmitted or dropped). */
    public List<PacketTrace> traces() {
        return TraceReader.read(traceBuffer, graph);
    }

    /** Disarms tracing and forgets the traces (the worker does so at its next vector). */
    public void traceClear() {
        tracing.disarm();
        tracing.clear();
    }

    // ---- internals -----------------------------------------------------------------------------------------------

    private Slot slot(int index) {
        if (index < 0 || index >= slots.length || slots[index] == null) throw new IllegalArgumentException("no interface #" + index);
        return slots[index];
    }

    private void checkHostRoutesFree(InterfaceConfig.Pod pod, int index) {
        for (IpAddress a : pod.addresses()) {
            IpPrefix host = IpPrefix.containing(a, a.bitLength());
            if (routes.containsKey(host)) throw new IllegalArgumentException("pod address " + a + " of \"" + pod.name() + "\" is already a static route; remove the route first");
            for (int i = 0; i < slots.length; i++) {
                if (i != index && slots[i] != null && slots[i].spec instanceof InterfaceConfig.Pod other && other.addresses().contains(a)) {
                    throw new IllegalArgumentException("address " + a + " of \"" + pod.name() + "\" already belongs to \"" + other.name() + "\"");
                }
            }
        }
    }

    private void checkNotHostRoute(IpPrefix prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.length() != prefix.address().bitLength()) return;
        for (Slot s : slots) {
            if (s != null && s.spec instanceof InterfaceConfig.Pod pod && pod.addresses().contains(prefix.address())) {
                throw new IllegalArgumentException(prefix + " is the host route of pod interface \"" + pod.name() + "\"; it follows the interface");
            }
        }
    }

    private long[] baseline(int index) {
        return new long[]{counters.rxPackets[index], counters.rxBytes[index], counters.txPackets[index], counters.txBytes[index], counters.drops[index]};
    }

    private InterfaceCounters countersOf(int i) {
        long[] b = slots[i].baseline;
        String podUid = slots[i].spec instanceof InterfaceConfig.Pod pod ? pod.podUid() : "";
        return new InterfaceCounters(i, slots[i].spec.name(), podUid, counters.rxPackets[i] - b[0], counters.rxBytes[i] - b[1],
                counters.txPackets[i] - b[2], counters.txBytes[i] - b[3], counters.drops[i] - b[4]);
    }

    private int[] counterIdsFor(CompiledPolicy compiled) {
        int[] ids = new int[compiled.ruleCount()];
        for (int r = 0; r < ids.length; r++) {
            RuleDescriptor rule = Objects.requireNonNull(compiled.rule(r), "CompiledPolicy.rule(" + r + ")");
            ids[r] = ruleCounterIds.computeIfAbsent(rule, k -> {
                ruleByCounterId.add(k);
                return ruleByCounterId.size() - 1;
            });
        }
        return ids;
    }

    private void publish() {
        states.publish(buildState());
    }

    private ForwardingState buildState() {
        InterfaceTable.Builder table = InterfaceTable.builder(slots.length);
        Adjacencies.Builder adjacencies = Adjacencies.builder();
        Ip4Fib fib4 = new Ip4Fib();
        Ip6Fib fib6 = new Ip6Fib();
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] == null) continue;
            switch (slots[i].spec) {
                case InterfaceConfig.Pod pod -> {
                    table.set(i, pod.name(), pod.port(), pod.mac().bits(), pod.policyEndpoint(), true);
                    int adjacency = adjacencies.add(i, pod.podMac().map(MacAddress::bits).orElse(UNKNOWN_MAC));
                    for (IpAddress a : pod.addresses()) addRoute(fib4, fib6, IpPrefix.containing(a, a.bitLength()), adjacency);
                }
                case InterfaceConfig.Uplink up -> table.set(i, up.name(), up.port(), up.mac().bits(), PolicyEndpoint.REMOTE, false);
            }
        }
        routes.forEach((prefix, route) -> addRoute(fib4, fib6, prefix,
                route.iface == Adjacencies.DISCARD ? adjacencies.discard() : adjacencies.add(route.iface, route.mac)));
        Ip6Address g6 = config.gateway6();
        Ip6Address s6 = config.icmpSource6();
        LocalAddresses local = new LocalAddresses(config.gateway4().bits(), g6.high(), g6.low(), config.icmpSource4().bits(), s6.high(), s6.low());
        return new ForwardingState(++version, table.build(), adjacencies.build(), fib4, fib6, policy,
                ForwardingState.tagOf(policy.generation()), policyCounterIds.clone(), ruleByCounterId.size(), local);
    }

    private static void addRoute(Ip4Fib fib4, Ip6Fib fib6, IpPrefix prefix, int adjacency) {
        switch (prefix.address()) {
            case Ip4Address v4 -> fib4.add(v4.bits(), prefix.length(), adjacency);
            case Ip6Address v6 -> fib6.add(v6.high(), v6.low(), prefix.length(), adjacency);
        }
    }

    private record Slot(InterfaceConfig spec, long[] baseline) {
    }

    private record StaticRoute(int iface, long mac) {
    }
}
