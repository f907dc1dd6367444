package dev.booster.engine;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.Ip6Address;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.engine.fib.Ip4Fib;
import dev.booster.engine.fib.Ip6Fib;
import dev.booster.engine.policy.CompiledPolicy;
import dev.booster.engine.policy.PolicyEndpoint;
import dev.booster.engine.policy.RuleDescriptor;
import dev.booster.engine.state.Adjacencies;
import dev.booster.engine.state.ForwardingState;
import dev.booster.engine.state.InterfaceTable;
import dev.booster.engine.state.LocalAddresses;
import dev.booster.engine.state.TunnelEsp;
import dev.booster.engine.state.TunnelTable;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What the control plane said, as plain objects: interfaces, static routes, the policy; and the FIBs, which are not
 * rebuilt per change but changed in place (they take lock-free readers while one writer changes them), so a change
 * costs what it changes, not the size of the routing table. {@link #commit} publishes a change to the packet path.
 * Not thread-safe; the {@link Engine} serializes access.
 */
final class ControlModel {
    private final InterfaceConfig[] interfaces;
    private final Map<IpPrefix, AdjacencyPool.Key> routes = new LinkedHashMap<>();
    /** The static routes through each interface, so removing an interface does not scan every route. */
    private final Map<Integer, Set<IpPrefix>> routesByInterface = new HashMap<>();
    private final Map<RuleDescriptor, Integer> ruleCounterIds = new HashMap<>();
    private final List<RuleDescriptor> ruleByCounterId = new ArrayList<>();
    private final LocalAddresses addresses;
    private final Ip4Fib fib4 = new Ip4Fib();
    private final Ip6Fib fib6 = new Ip6Fib();
    private final AdjacencyPool adjacencies = new AdjacencyPool();
    /** The adjacency index of every prefix in the FIBs. */
    private final Map<IpPrefix, Integer> installed = new HashMap<>();
    /** FIB entries changed since the last commit: the adjacency each prefix should have, or null for none. */
    private final Map<IpPrefix, AdjacencyPool.Key> pending = new LinkedHashMap<>();
    /** Tunnels by index; a removed tunnel leaves null, reused by a later add. */
    private final List<TunnelConfig> tunnels = new ArrayList<>();
    private final List<TunnelEsp> tunnelEsp = new ArrayList<>();
    /** Tunnel indices in the order they were added: the latest tunnel to a remote address takes its packets. */
    private final List<Integer> tunnelOrder = new ArrayList<>();
    private CompiledPolicy policy;
    private int[] policyCounterIds;
    private long version;

    /** Waits until no packet worker reads a {@link ForwardingState} older than the given version. */
    @FunctionalInterface
    interface Readers {
        void awaitVersion(long version);
    }

    private record FibChange(IpPrefix prefix, int adjacency, int previous) {
    }

    ControlModel(EngineConfig config, CompiledPolicy initialPolicy) {
        interfaces = new InterfaceConfig[config.maxInterfaces()];
        Ip6Address g6 = config.gateway6();
        Ip6Address s6 = config.icmpSource6();
        addresses = new LocalAddresses(config.gateway4().bits(), g6.high(), g6.low(), config.icmpSource4().bits(), s6.high(), s6.low());
        setPolicy(initialPolicy);
    }

    int capacity() {
        return interfaces.length;
    }

    /** The interface at {@code index}, or null. */
    InterfaceConfig get(int index) {
        return index >= 0 && index < interfaces.length ? interfaces[index] : null;
    }

    InterfaceConfig require(int index) {
        InterfaceConfig spec = get(index);
        if (spec == null) throw new IllegalArgumentException("no interface #" + index);
        return spec;
    }

    InterfaceConfig.Pod requirePod(int index) {
        if (!(require(index) instanceof InterfaceConfig.Pod pod)) throw new IllegalArgumentException("interface #" + index + " is not a pod interface");
        return pod;
    }

    int add(InterfaceConfig spec) {
        int index = -1;
        for (int i = 0; i < interfaces.length; i++) {
            InterfaceConfig other = interfaces[i];
            if (other == null) {
                if (index < 0) index = i;
                continue;
            }
            if (other.name().equals(spec.name())) throw new IllegalArgumentException("interface name \"" + spec.name() + "\" is taken by #" + i);
            if (other.port() == spec.port()) {
                throw new IllegalArgumentException("the port of \"" + spec.name() + "\" is already attached as \"" + other.name() + "\"");
            }
        }
        if (index < 0) throw new IllegalStateException("all " + interfaces.length + " interfaces are in use; raise EngineConfig.maxInterfaces");
        if (spec instanceof InterfaceConfig.Pod pod) checkAddressesFree(pod, index);
        interfaces[index] = spec;
        hostRoutes(spec, index).forEach(pending::put);
        return index;
    }

    /** Replaces an interface's config (same kind, same addresses), e.g. with a new MAC. */
    void replace(int index, InterfaceConfig spec) {
        InterfaceConfig old = require(index);
        interfaces[index] = spec;
        Map<IpPrefix, AdjacencyPool.Key> now = hostRoutes(spec, index);
        for (IpPrefix prefix : hostRoutes(old, index).keySet()) if (!now.containsKey(prefix)) pending.put(prefix, null);
        now.forEach(pending::put);
    }

    void remove(int index) {
        InterfaceConfig old = require(index);
        interfaces[index] = null;
        for (IpPrefix prefix : hostRoutes(old, index).keySet()) pending.put(prefix, null);
        Set<IpPrefix> through = routesByInterface.remove(index);
        if (through == null) return;
        for (IpPrefix prefix : through) {
            routes.remove(prefix);
            pending.put(prefix, null);
        }
    }

    void addRoute(IpPrefix prefix, int index, MacAddress nextHop) {
        require(index);
        checkNotHostRoute(prefix);
        putRoute(prefix, new AdjacencyPool.Key(index, nextHop.bits()));
    }

    void addDropRoute(IpPrefix prefix) {
        checkNotHostRoute(prefix);
        putRoute(prefix, AdjacencyPool.Key.DISCARD);
    }

    boolean removeRoute(IpPrefix prefix) {
        AdjacencyPool.Key removed = routes.remove(prefix);
        if (removed == null) return false;
        unindex(prefix, removed);
        pending.put(prefix, null);
        return true;
    }

    private void putRoute(IpPrefix prefix, AdjacencyPool.Key key) {
        AdjacencyPool.Key previous = routes.put(prefix, key);
        if (previous != null) unindex(prefix, previous);
        if (key.iface() != Adjacencies.DISCARD) routesByInterface.computeIfAbsent(key.iface(), i -> new HashSet<>()).add(prefix);
        pending.put(prefix, key);
    }

    private void unindex(IpPrefix prefix, AdjacencyPool.Key key) {
        Set<IpPrefix> through = routesByInterface.get(key.iface());
        if (through != null) through.remove(prefix);
    }

    int addTunnel(TunnelConfig config) {
        if (!(require(config.uplink()) instanceof InterfaceConfig.Uplink)) {
            throw new IllegalArgumentException("tunnel uplink #" + config.uplink() + " is not an uplink interface");
        }
        int t = tunnels.indexOf(null);
        if (t < 0) {
            t = tunnels.size();
            tunnels.add(null);
            tunnelEsp.add(null);
        }
        tunnels.set(t, config);
        tunnelEsp.set(t, TunnelEsp.EMPTY);
        tunnelOrder.add(t);
        return t;
    }

    TunnelConfig requireTunnel(int t) {
        TunnelConfig c = t >= 0 && t < tunnels.size() ? tunnels.get(t) : null;
        if (c == null) throw new IllegalArgumentException("no tunnel #" + t);
        return c;
    }

    TunnelEsp tunnelEsp(int t) {
        requireTunnel(t);
        return tunnelEsp.get(t);
    }

    void setTunnelEsp(int t, TunnelEsp esp) {
        requireTunnel(t);
        tunnelEsp.set(t, Objects.requireNonNull(esp, "esp"));
    }

    void removeTunnel(int t) {
        requireTunnel(t);
        for (Map.Entry<IpPrefix, AdjacencyPool.Key> e : routes.entrySet()) {
            if (e.getValue().tunnel() == t) {
                throw new IllegalStateException("route " + e.getKey() + " still leads into tunnel #" + t + "; remove its routes first");
            }
        }
        tunnels.set(t, null);
        tunnelEsp.set(t, null);
        tunnelOrder.remove(Integer.valueOf(t));
    }

    void addTunnelRoute(IpPrefix prefix, int t) {
        TunnelConfig c = requireTunnel(t);
        require(c.uplink());
        checkNotHostRoute(prefix);
        putRoute(prefix, new AdjacencyPool.Key(c.uplink(), c.nextHop().bits(), t));
    }

    /** The static route's output interface and next hop the FIB finds for {@code address}, or null (none, a pod, a drop). */
    AdjacencyPool.Key routeTo(IpAddress address) {
        int adjacency = switch (address) {
            case Ip4Address v4 -> fib4.lookup(v4.bits());
            case Ip6Address v6 -> fib6.lookup(v6.high(), v6.low());
        };
        if (adjacency == Ip4Fib.MISS) return null;
        AdjacencyPool.Key key = adjacencies.key(adjacency);
        return key == null || key.iface() == Adjacencies.DISCARD ? null : key;
    }

    /** The host route (/32, /128) of each address of a pod interface, to the pod's MAC or the learned neighbour. */
    private static Map<IpPrefix, AdjacencyPool.Key> hostRoutes(InterfaceConfig spec, int index) {
        if (!(spec instanceof InterfaceConfig.Pod pod)) return Map.of();
        AdjacencyPool.Key key = new AdjacencyPool.Key(index, pod.podMac().map(MacAddress::bits).orElse(Adjacencies.LEARNED));
        Map<IpPrefix, AdjacencyPool.Key> routes = new LinkedHashMap<>();
        for (IpAddress a : pod.addresses()) routes.put(IpPrefix.containing(a, a.bitLength()), key);
        return routes;
    }

    CompiledPolicy policy() {
        return policy;
    }

    void setPolicy(CompiledPolicy compiled) {
        int[] ids = new int[compiled.ruleCount()];
        for (int r = 0; r < ids.length; r++) {
            RuleDescriptor rule = Objects.requireNonNull(compiled.rule(r), "CompiledPolicy.rule(" + r + ") returned null");
            ids[r] = ruleCounterIds.computeIfAbsent(rule, k -> {
                ruleByCounterId.add(k);
                return ruleByCounterId.size() - 1;
            });
        }
        policyCounterIds = ids;
        policy = compiled;
    }

    /** Every rule any published policy had, indexed by its hit-counter id. */
    List<RuleDescriptor> countedRules() {
        return List.copyOf(ruleByCounterId);
    }

    /**
     * Makes the changes since the last commit the packet path's, keeping every worker's view consistent although the
     * FIBs change under it: (1) every adjacency the changed routes need gets its index, (2) a state whose adjacency
     * table has those indices is published, (3) once no worker reads an older state, the FIB entries change, one
     * atomic slot at a time (a packet sees each route before or after), and (4) only then are adjacencies no route
     * uses any more released, to be reused by a later commit: so whatever index a FIB returns to a worker means the
     * same in that worker's state. Costs the number of changed routes plus the interface and adjacency tables.
     *
     * @return the published state
     */
    ForwardingState commit(Consumer<ForwardingState> publish, Readers readers) {
        List<FibChange> changes = new ArrayList<>();
        for (Map.Entry<IpPrefix, AdjacencyPool.Key> e : pending.entrySet()) {
            Integer have = installed.get(e.getKey());
            AdjacencyPool.Key want = e.getValue();
            if (want == null ? have == null : have != null && want.equals(adjacencies.key(have))) continue;
            changes.add(new FibChange(e.getKey(), want == null ? Ip4Fib.MISS : adjacencies.acquire(want), have == null ? Ip4Fib.MISS : have));
        }
        pending.clear();
        ForwardingState state = build();
        publish.accept(state);
        if (changes.isEmpty()) return state;
        readers.awaitVersion(state.version());
        for (FibChange c : changes) {
            if (c.adjacency() == Ip4Fib.MISS) {
                removeFromFib(c.prefix());
                installed.remove(c.prefix());
            } else {
                addToFib(c.prefix(), c.adjacency());
                installed.put(c.prefix(), c.adjacency());
            }
        }
        for (FibChange c : changes) if (c.previous() != Ip4Fib.MISS) adjacencies.release(c.previous());
        return state;
    }

    /** The state as it stands, with nothing pending (the engine's first one). */
    ForwardingState build() {
        if (!pending.isEmpty()) throw new IllegalStateException("FIB changes are pending; commit them instead");
        InterfaceTable.Builder table = InterfaceTable.builder(interfaces.length);
        for (int i = 0; i < interfaces.length; i++) {
            switch (interfaces[i]) {
                case null -> {
                }
                case InterfaceConfig.Pod pod -> table.set(i, pod.name(), pod.port(), pod.mac().bits(), pod.policyEndpoint(), true);
                case InterfaceConfig.Uplink up -> table.set(i, up.name(), up.port(), up.mac().bits(), PolicyEndpoint.REMOTE, false);
            }
        }
        TunnelTable.Builder tunnelTable = TunnelTable.builder(tunnels.size());
        for (int t : tunnelOrder) tunnelTable.set(t, tunnels.get(t), tunnelEsp.get(t));
        return new ForwardingState(++version, table.build(), adjacencies.snapshot(), fib4, fib6, policy,
                ForwardingState.tagOf(policy.generation()), policyCounterIds.clone(), ruleByCounterId.size(), addresses,
                tunnelTable.build());
    }

    private void addToFib(IpPrefix prefix, int adjacency) {
        switch (prefix.address()) {
            case Ip4Address v4 -> fib4.add(v4.bits(), prefix.length(), adjacency);
            case Ip6Address v6 -> fib6.add(v6.high(), v6.low(), prefix.length(), adjacency);
        }
    }

    private void removeFromFib(IpPrefix prefix) {
        switch (prefix.address()) {
            case Ip4Address v4 -> fib4.remove(v4.bits(), prefix.length());
            case Ip6Address v6 -> fib6.remove(v6.high(), v6.low(), prefix.length());
        }
    }

    private void checkAddressesFree(InterfaceConfig.Pod pod, int index) {
        for (IpAddress a : pod.addresses()) {
            if (routes.containsKey(IpPrefix.containing(a, a.bitLength()))) {
                throw new IllegalArgumentException("pod address " + a + " of \"" + pod.name() + "\" is already a static route; remove the route first");
            }
            for (int i = 0; i < interfaces.length; i++) {
                if (i != index && interfaces[i] instanceof InterfaceConfig.Pod other && other.addresses().contains(a)) {
                    throw new IllegalArgumentException("address " + a + " of \"" + pod.name() + "\" already belongs to \"" + other.name() + "\"");
                }
            }
        }
    }

    private void checkNotHostRoute(IpPrefix prefix) {
        Objects.requireNonNull(prefix, "prefix");
        if (prefix.length() != prefix.address().bitLength()) return;
        for (InterfaceConfig spec : interfaces) {
            if (spec instanceof InterfaceConfig.Pod pod && pod.addresses().contains(prefix.address())) {
                throw new IllegalArgumentException(prefix + " is the host route of pod interface \"" + pod.name() + "\"; it follows the interface");
            }
        }
    }
}
