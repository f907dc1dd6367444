package dev.booster.engine;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.api.stats.DropCounter;
import dev.booster.api.stats.InterfaceCounters;
import dev.booster.api.stats.PolicyHitCounter;
import dev.booster.engine.conntrack.Conntrack;
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
import dev.booster.engine.state.TunnelEsp;
import dev.booster.engine.state.Neighbours;
import dev.booster.engine.state.StateHolder;
import dev.booster.engine.trace.PacketTrace;
import dev.booster.engine.trace.TraceBuffer;
import dev.booster.engine.trace.TraceControl;
import dev.booster.engine.trace.TraceFilter;
import dev.booster.engine.trace.TraceReader;
import dev.booster.engine.trace.TraceRequest;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * Booster's packet engine: interfaces, routes and policy go in, counters and traces come out; packets move between
 * the backends' {@link dev.booster.engine.packet.Port}s through the worker.
 *
 * <p>Control methods are thread-safe (serialized on the engine) and stay off the packet path: each builds a new
 * {@link ForwardingState} (interfaces, adjacencies, policy) and publishes it with one volatile write; the worker picks
 * it up at its next vector. The FIBs are the exception: they are shared by all states and changed in place, route by
 * route, after the worker has moved to the state that knows the routes' adjacencies (see {@code ControlModel#commit}),
 * so a change costs what it changes and not the size of the routing table; a control method that changes routes may
 * therefore wait for the worker to finish its current vector. Ports must not call control methods.
 *
 * <p>One worker for now: conntrack is per worker, so both directions of a flow must meet on one worker, which takes
 * flow handoff between workers before there can be several.
 */
public final class Engine implements AutoCloseable {
    private static final int SPINS_BEFORE_PARKING = 64;
    private static final long IDLE_PARK_NANOS = 50_000;
    /** How long {@link #awaitWorkerCaughtUp()} waits before it calls the worker stuck. */
    private static final long CATCH_UP_PATIENCE_NANOS = 10_000_000_000L;

    private final EngineConfig config;
    private final Graph graph = StandardGraph.build();
    private final ControlModel model;
    private final StateHolder states;
    private final Neighbours neighbours;
    private final WorkerCounters counters;
    private final Conntrack conntrack;
    private final TraceControl tracing = new TraceControl();
    private final TraceBuffer traceBuffer;
    private final Worker worker;
    /** Counter values when each interface index was (re)used, so an interface's counters start at zero. */
    private final long[][] baselines;

    private volatile boolean running;
    private volatile IdleStrategy idle = IdleStrategy.spinThenPark(SPINS_BEFORE_PARKING, IDLE_PARK_NANOS);
    /**
     * The version of the state the worker read at the top of its current round: rounds that used older states are
     * over. Written by the worker thread only.
     */
    private volatile long workerVersion;
    private Thread thread;

    public Engine(EngineConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        int max = config.maxInterfaces();
        model = new ControlModel(config, new AllowAllPolicy());
        states = new StateHolder(model.build());
        neighbours = new Neighbours(max);
        counters = new WorkerCounters(max);
        conntrack = new Conntrack(config.conntrackCapacity(), config.conntrackTimeouts());
        traceBuffer = new TraceBuffer(config.traceCapacity());
        baselines = new long[max][];
        TokenBucket icmpErrors = new TokenBucket(config.icmpErrorsPerSecond(), config.icmpErrorBurst());
        NodeContext ctx = new NodeContext(counters, conntrack, neighbours, traceBuffer, icmpErrors);
        worker = new Worker(0, graph, states, ctx, config.clock(), tracing);
    }

    public EngineConfig config() {
        return config;
    }

    public Graph graph() {
        return graph;
    }

    /** The forwarding state the worker reads now. */
    public ForwardingState state() {
        return states.get();
    }

    // ---- interfaces ----------------------------------------------------------------------------------------------

    /** Adds an interface and returns its index (the lowest free one), used by the other calls and in counters. */
    public synchronized int addInterface(InterfaceConfig spec) {
        int index = model.add(Objects.requireNonNull(spec, "spec"));
        neighbours.forget(index);
        baselines[index] = snapshotCounters(index);
        publish();
        return index;
    }

    /** Removes an interface with its pod host routes and the static routes through it. */
    public synchronized void removeInterface(int index) {
        model.remove(index);
        neighbours.forget(index);
        publish();
    }

    /** The interface's config as changed since it was added; empty when the index is free. */
    public synchronized Optional<InterfaceConfig> interfaceConfig(int index) {
        return Optional.ofNullable(model.get(index));
    }

    /** Sets the MAC of the pod behind a pod interface; empty forgets it, so it is learned from ARP/ND again. */
    public synchronized void setPodMac(int index, Optional<MacAddress> podMac) {
        if (podMac.isPresent() && podMac.get().isMulticast()) throw new IllegalArgumentException("podMac " + podMac.get() + " is multicast");
        model.replace(index, model.requirePod(index).withPodMac(podMac));
        publish();
    }

    /** Sets the engine's own MAC on an interface: the gateway MAC pods send to. */
    public synchronized void setGatewayMac(int index, MacAddress mac) {
        model.replace(index, model.require(index).withMac(Objects.requireNonNull(mac, "mac")));
        publish();
    }

    /** Changes which policy endpoint a pod interface is ({@link PolicyEndpoint#REMOTE}: no policy applies). */
    public synchronized void setPolicyEndpoint(int index, int endpoint) {
        model.replace(index, model.requirePod(index).withPolicyEndpoint(endpoint));
        publish();
    }

    // ---- routes --------------------------------------------------------------------------------------------------

    /** Routes {@code prefix} out of interface {@code index} to the next hop {@code nextHopMac}; replaces an equal prefix. */
    public synchronized void addRoute(IpPrefix prefix, int index, MacAddress nextHopMac) {
        model.addRoute(prefix, index, Objects.requireNonNull(nextHopMac, "nextHopMac"));
        publish();
    }

    /** Routes {@code prefix} to a discard: its packets are dropped as {@code drop-route}, without an ICMP error. */
    public synchronized void addDropRoute(IpPrefix prefix) {
        model.addDropRoute(prefix);
        publish();
    }

    /** Removes a route added by {@link #addRoute} or {@link #addDropRoute}; false when there was none. */
    public synchronized boolean removeRoute(IpPrefix prefix) {
        boolean removed = model.removeRoute(Objects.requireNonNull(prefix, "prefix"));
        if (removed) publish();
        return removed;
    }

    // ---- tunnels --------------------------------------------------------------------------------------------------

    /** Adds a tunnel and returns its index; packets enter it through {@link #addTunnelRoute} routes. */
    public synchronized int addTunnel(TunnelConfig config) {
        int t = model.addTunnel(Objects.requireNonNull(config, "config"));
        publish();
        return t;
    }

    /** Routes {@code prefix} into tunnel {@code tunnel}; replaces an equal prefix (make before break). */
    public synchronized void addTunnelRoute(IpPrefix prefix, int tunnel) {
        model.addTunnelRoute(Objects.requireNonNull(prefix, "prefix"), tunnel);
        publish();
    }

    /**
     * Sets a tunnel's ESP state (its outbound encryptor and inbound SAs), published like every change, and returns
     * the state it replaced. Encryptors and decryptors the new state no longer holds may be closed once
     * {@link #awaitWorkerCaughtUp()} returned.
     */
    public synchronized TunnelEsp setTunnelEsp(int tunnel, TunnelEsp esp) {
        TunnelEsp previous = model.tunnelEsp(tunnel);
        model.setTunnelEsp(tunnel, esp);
        publish();
        return previous;
    }

    public synchronized TunnelEsp tunnelEsp(int tunnel) {
        return model.tunnelEsp(tunnel);
    }

    /**
     * Removes a tunnel whose routes were removed already ({@link #removeRoute}) and returns its last ESP state, to be
     * closed once {@link #awaitWorkerCaughtUp()} returned.
     *
     * @throws IllegalStateException a route still leads into it
     */
    public synchronized TunnelEsp removeTunnel(int tunnel) {
        TunnelEsp last = model.tunnelEsp(tunnel);
        model.removeTunnel(tunnel);
        publish();
        return last;
    }

    /** Where the FIB sends {@code address} now: a static route's interface and next-hop MAC; empty for none, a drop, a pod or a tunnel. */
    public synchronized Optional<NextHop> nextHop(IpAddress address) {
        AdjacencyPool.Key key = model.routeTo(Objects.requireNonNull(address, "address"));
        if (key == null || key.mac() == Adjacencies.LEARNED || key.tunnel() != Adjacencies.NO_TUNNEL) return Optional.empty();
        return Optional.of(new NextHop(key.iface(), new MacAddress(key.mac()), model.get(key.iface()) instanceof InterfaceConfig.Uplink));
    }

    /** A route's output: interface index, next-hop MAC, and whether the interface is an uplink. */
    public record NextHop(int iface, MacAddress mac, boolean uplink) {
    }

    // ---- policy --------------------------------------------------------------------------------------------------

    /**
     * Makes {@code compiled} the policy from the worker's next vector on. Flows decided under another generation are
     * classified again on their next forward packet.
     */
    public synchronized void publishPolicy(CompiledPolicy compiled) {
        model.setPolicy(Objects.requireNonNull(compiled, "compiled"));
        publish();
    }

    public synchronized CompiledPolicy policy() {
        return model.policy();
    }

    // ---- running -------------------------------------------------------------------------------------------------

    /**
     * Runs the worker once on the calling thread: one vector from the ports through the graph. For tests and the
     * memory backend; call it from one thread at a time, and not while {@link #start()}ed.
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

    /** Runs the worker on its own thread, busy-polling and parking 50 µs per round when idle. */
    public void start() {
        start(IdleStrategy.spinThenPark(SPINS_BEFORE_PARKING, IDLE_PARK_NANOS));
    }

    /** Runs the worker on its own thread, waiting as {@code idleStrategy} says when the ports are idle. */
    public synchronized void start(IdleStrategy idleStrategy) {
        Objects.requireNonNull(idleStrategy, "idleStrategy");
        if (running) throw new IllegalStateException("the engine is already running");
        idle = idleStrategy;
        running = true;
        thread = Thread.ofPlatform().name("booster-worker-0").daemon().start(this::runWorker);
    }

    /** Stops the worker thread and waits for it to finish its vector; idempotent. */
    public void stop() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
            thread = null;
        }
        if (t == null) return;
        idle.wakeup();
        try {
            t.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until the worker thread runs on the state published last, so it no longer touches anything that state
     * dropped: after {@link #removeInterface} and this call, the removed interface's port may be closed and its memory
     * freed. Returns at once when no worker thread runs (then the caller of {@link #pollOnce} is the worker, and
     * serialized with the caller already).
     *
     * @throws IllegalStateException called on the worker thread (it would wait for itself), or the worker did not catch
     *                               up within 10 s (it is stuck in a port)
     */
    public void awaitWorkerCaughtUp() {
        Thread t;
        synchronized (this) {
            t = thread;
        }
        if (t == null) return;
        if (t == Thread.currentThread()) {
            throw new IllegalStateException("awaitWorkerCaughtUp() called on the worker thread, which would wait for itself");
        }
        long target = states.get().version();
        idle.wakeup();
        long deadline = System.nanoTime() + CATCH_UP_PATIENCE_NANOS;
        while (workerVersion < target && t.isAlive()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the worker did not pick up state " + target + " within 10 s (it is at "
                        + workerVersion + "): a port's rx or tx is stuck");
            }
            LockSupport.parkNanos(20_000);
        }
    }

    public boolean isRunning() {
        return running;
    }

    private void runWorker() {
        IdleStrategy strategy = idle;
        int idleRounds = 0;
        while (running) {
            ForwardingState state = states.get();
            // Every round before this one is over, and this one reads this state or a newer one.
            workerVersion = state.version();
            if (worker.poll() > 0) {
                idleRounds = 0;
            } else {
                if (idleRounds < Integer.MAX_VALUE) idleRounds++;
                strategy.idle(idleRounds, state);
            }
        }
    }

    /** Stops the worker and releases the idle strategy's resources. */
    @Override
    public void close() {
        stop();
        idle.close();
    }

    // ---- counters ------------------------------------------------------------------------------------------------

    /** Counters of every interface, each since it was added. */
    public synchronized List<InterfaceCounters> interfaceCounters() {
        List<InterfaceCounters> list = new ArrayList<>();
        for (int i = 0; i < model.capacity(); i++) if (model.get(i) != null) list.add(countersOf(i));
        return list;
    }

    public synchronized InterfaceCounters interfaceCounters(int index) {
        model.require(index);
        return countersOf(index);
    }

    /** Drops by reason, every reason listed (zeros included), in {@link DropReason} order. */
    public List<DropCounter> drops() {
        List<DropCounter> list = new ArrayList<>();
        for (DropReason r : DropReason.values()) list.add(new DropCounter(r.reasonName(), drops(r)));
        return list;
    }

    public long drops(DropReason reason) {
        return counters.dropsByReason[reason.ordinal()];
    }

    /** Hits of every rule any published policy had, keyed by what the rule is, so they survive recompiling. */
    public synchronized List<PolicyHitCounter> policyHits() {
        List<RuleDescriptor> rules = model.countedRules();
        List<PolicyHitCounter> list = new ArrayList<>();
        for (int id = 0; id < rules.size(); id++) {
            RuleDescriptor rule = rules.get(id);
            list.add(new PolicyHitCounter(rule.policy(), rule.direction(), rule.ruleIndex(), counters.rulePackets(id), counters.ruleBytes(id)));
        }
        return list;
    }

    /** Engine-wide totals since it was created, to check that every packet is accounted for. */
    public Totals totals() {
        long rx = 0;
        long tx = 0;
        long dropped = 0;
        for (int i = 0; i < counters.rxPackets.length; i++) {
            rx += counters.rxPackets[i];
            tx += counters.txPackets[i];
        }
        for (long d : counters.dropsByReason) dropped += d;
        return new Totals(rx, tx, dropped, counters.generated);
    }

    /** @param generated packets the engine made (ICMP errors); when idle, {@code rx + generated == tx + drops} */
    public record Totals(long rxPackets, long txPackets, long drops, long generated) {
        public boolean balanced() {
            return rxPackets + generated == txPackets + drops;
        }
    }

    /** Flows in conntrack (read racily while the worker runs). */
    public int flows() {
        return conntrack.size();
    }

    /** The MAC learned from ARP/ND on a pod interface, if any. */
    public synchronized Optional<MacAddress> learnedNeighbour(int index) {
        model.require(index);
        long mac = neighbours.mac(index);
        return mac == Neighbours.UNKNOWN ? Optional.empty() : Optional.of(new MacAddress(mac));
    }

    // ---- tracing -------------------------------------------------------------------------------------------------

    /** Traces the next {@code count} received packets that match {@code filter} (replacing an armed request). */
    public void traceAdd(int count, TraceFilter filter) {
        tracing.arm(new TraceRequest(count, filter));
    }

    /** The traced packets whose journey has ended (transmitted or dropped), oldest first. */
    public List<PacketTrace> traces() {
        return TraceReader.read(traceBuffer, graph);
    }

    /** Disarms tracing and forgets the traces (the worker does so at its next vector). */
    public void traceClear() {
        tracing.disarm();
        tracing.clear();
    }

    // ---- internals -----------------------------------------------------------------------------------------------

    private void publish() {
        // Wake a worker sleeping in its idle strategy so it picks the new state up now, not at its next timeout.
        model.commit(state -> {
            states.publish(state);
            if (running) idle.wakeup();
        }, worker::awaitVersion);
    }

    private long[] snapshotCounters(int i) {
        return new long[]{counters.rxPackets[i], counters.rxBytes[i], counters.txPackets[i], counters.txBytes[i], counters.drops[i]};
    }

    private InterfaceCounters countersOf(int i) {
        long[] now = snapshotCounters(i);
        long[] base = baselines[i];
        InterfaceConfig spec = model.get(i);
        String podUid = spec instanceof InterfaceConfig.Pod pod ? pod.podUid() : "";
        return new InterfaceCounters(i, spec.name(), podUid, now[0] - base[0], now[1] - base[1], now[2] - base[2],
                now[3] - base[3], now[4] - base[4]);
    }
}
