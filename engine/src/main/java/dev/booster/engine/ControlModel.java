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

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the control plane said, as plain objects: interfaces, static routes, the policy. {@link #build()} turns it
 * into the packet path's {@link ForwardingState}. Not thread-safe; the {@link Engine} serializes access.
 */
final class ControlModel {
    private final InterfaceConfig[] interfaces;
    private final Map<IpPrefix, StaticRoute> routes = new LinkedHashMap<>();
    private final Map<RuleDescriptor, Integer> ruleCounterIds = new HashMap<>();
    private final List<RuleDescriptor> ruleByCounterId = new ArrayList<>();
    private final LocalAddresses addresses;
    private CompiledPolicy policy;
    private int[] policyCounterIds;
    private long version;

    private record StaticRoute(int iface, long mac) {
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
        return index;
    }

    /** Replaces an interface's config (same kind, same addresses), e.g. with a new MAC. */
    void replace(int index, InterfaceConfig spec) {
        require(index);
        interfaces[index] = spec;
    }

    void remove(int index) {
        require(index);
        interfaces[index] = null;
        routes.values().removeIf(r -> r.iface == index);
    }

    void addRoute(IpPrefix prefix, int index, MacAddress nextHop) {
        require(index);
        checkNotHostRoute(prefix);
        routes.put(prefix, new StaticRoute(index, nextHop.bits()));
    }

    void addDropRoute(IpPrefix prefix) {
        checkNotHostRoute(prefix);
        routes.put(prefix, new StaticRoute(Adjacencies.DISCARD, 0));
    }

    boolean removeRoute(IpPrefix prefix) {
        return routes.remove(prefix) != null;
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

    ForwardingState build() {
        InterfaceTable.Builder table = InterfaceTable.builder(interfaces.length);
        Adjacencies.Builder adjacencies = Adjacencies.builder();
        Ip4Fib fib4 = new Ip4Fib();
        Ip6Fib fib6 = new Ip6Fib();
        for (int i = 0; i < interfaces.length; i++) {
            switch (interfaces[i]) {
                case null -> {
                }
                case InterfaceConfig.Pod pod -> {
                    table.set(i, pod.name(), pod.port(), pod.mac().bits(), pod.policyEndpoint(), true);
                    int adjacency = adjacencies.add(i, pod.podMac().map(MacAddress::bits).orElse(Adjacencies.LEARNED));
                    for (IpAddress a : pod.addresses()) addToFib(fib4, fib6, IpPrefix.containing(a, a.bitLength()), adjacency);
                }
                case InterfaceConfig.Uplink up -> table.set(i, up.name(), up.port(), up.mac().bits(), PolicyEndpoint.REMOTE, false);
            }
        }
        routes.forEach((prefix, route) -> addToFib(fib4, fib6, prefix,
                route.iface == Adjacencies.DISCARD ? adjacencies.discard() : adjacencies.add(route.iface, route.mac)));
        return new ForwardingState(++version, table.build(), adjacencies.build(), fib4, fib6, policy,
                ForwardingState.tagOf(policy.generation()), policyCounterIds.clone(), ruleByCounterId.size(), addresses);
    }

    private static void addToFib(Ip4Fib fib4, Ip6Fib fib6, IpPrefix prefix, int adjacency) {
        switch (prefix.address()) {
            case Ip4Address v4 -> fib4.add(v4.bits(), prefix.length(), adjacency);
            case Ip6Address v6 -> fib6.add(v6.high(), v6.low(), prefix.length(), adjacency);
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
