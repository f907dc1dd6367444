package dev.booster.engine.policy;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.pod.NamedPort;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.PolicyRule;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.PortRef;
import dev.booster.api.policy.Protocol;
import dev.booster.api.policy.RuleAction;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns one rule into classifier rows. Peers and ports are independent dimensions of the classifier, except for
 * named ports: an ingress named port is resolved against the endpoint itself, an egress one against the endpoint
 * owning the destination address. So an egress rule with named ports becomes one row per resolved port number, whose
 * peers are the rule's peers owned by endpoints giving the name that number.
 */
final class RowExpander {
    private final PeerResolver peers;
    private final List<PolicyEndpoint> endpoints;
    private final Map<RuleKey, PeerSpans> peersOfRule = new HashMap<>();
    private final Map<RuleKey, List<MatchEntry>> egressRows = new HashMap<>();
    private final Map<RuleKey, List<MatchEntry>> numericIngressRows = new HashMap<>();

    private record RuleKey(int policyPosition, PolicyType direction, int ruleIndex) {
    }

    private record PortNumber(Protocol protocol, int port) {
    }

    RowExpander(PeerResolver peers, List<PolicyEndpoint> endpoints) {
        this.peers = peers;
        this.endpoints = endpoints;
    }

    /** The rows of rule {@code ruleIndex} of {@code policy} for endpoint {@code self}; none for a Log rule. */
    List<MatchEntry> rows(RuleTable.OrderedPolicy policy, PolicyType direction, int ruleIndex, PolicyEndpoint self) {
        PolicyRule rule = policy.rules(direction).get(ruleIndex);
        if (rule.action() == RuleAction.LOG) return List.of();
        RuleKey key = new RuleKey(policy.position(), direction, ruleIndex);
        PeerSpans rulePeers = peersOfRule.computeIfAbsent(key, k -> peers.resolve(policy.policy(), rule.peers()));
        int ruleId = policy.ruleId(direction, ruleIndex);
        if (rule.ports().isEmpty()) return List.of(new MatchEntry(ruleId, rule.action(), rulePeers, PortMatch.ANY));
        if (direction == PolicyType.INGRESS) {
            // Only named ports make an ingress rule's rows depend on the endpoint; the others are built once.
            if (usesNamedPorts(rule)) return ingressRows(ruleId, rule, rulePeers, self);
            return numericIngressRows.computeIfAbsent(key, k -> ingressRows(ruleId, rule, rulePeers, self));
        }
        return egressRows.computeIfAbsent(key, k -> egressRows(ruleId, rule, rulePeers));
    }

    /** Whether the rows of these rules depend on the endpoint's own named ports. */
    static boolean usesNamedPorts(List<? extends PolicyRule> rules) {
        for (PolicyRule rule : rules) if (usesNamedPorts(rule)) return true;
        return false;
    }

    private static boolean usesNamedPorts(PolicyRule rule) {
        for (NetworkPolicyPort port : rule.ports()) {
            if (port.port().isPresent() && port.port().get() instanceof PortRef.Named) return true;
        }
        return false;
    }

    private static List<MatchEntry> ingressRows(int ruleId, PolicyRule rule, PeerSpans rulePeers, PolicyEndpoint self) {
        Map<Protocol, List<Span>> ports = new EnumMap<>(Protocol.class);
        for (NetworkPolicyPort port : rule.ports()) {
            if (port.port().isPresent() && port.port().get() instanceof PortRef.Named(String name)) {
                for (NamedPort own : self.namedPorts()) {
                    if (own.name().equals(name) && own.protocol() == port.protocol()) {
                        ports.computeIfAbsent(port.protocol(), p -> new ArrayList<>()).add(Span.ofPorts(own.port(), own.port()));
                    }
                }
            } else {
                addNumeric(ports, port);
            }
        }
        if (ports.isEmpty()) return List.of();
        return List.of(new MatchEntry(ruleId, rule.action(), rulePeers, new PortMatch(false, ports)));
    }

    private List<MatchEntry> egressRows(int ruleId, PolicyRule rule, PeerSpans rulePeers) {
        Map<Protocol, List<Span>> numeric = new EnumMap<>(Protocol.class);
        Map<PortNumber, List<IpAddress>> namedTargets = new LinkedHashMap<>();
        for (NetworkPolicyPort port : rule.ports()) {
            if (port.port().isPresent() && port.port().get() instanceof PortRef.Named(String name)) {
                for (PolicyEndpoint destination : endpoints) {
                    for (NamedPort theirs : destination.namedPorts()) {
                        if (!theirs.name().equals(name) || theirs.protocol() != port.protocol()) continue;
                        for (IpAddress address : destination.addresses()) {
                            if (rulePeers.contains(address)) {
                                namedTargets.computeIfAbsent(new PortNumber(theirs.protocol(), theirs.port()), n -> new ArrayList<>()).add(address);
                            }
                        }
                    }
                }
            } else {
                addNumeric(numeric, port);
            }
        }
        List<MatchEntry> rows = new ArrayList<>();
        if (!numeric.isEmpty()) rows.add(new MatchEntry(ruleId, rule.action(), rulePeers, new PortMatch(false, numeric)));
        namedTargets.forEach((target, addresses) -> rows.add(new MatchEntry(ruleId, rule.action(), hosts(addresses),
                new PortMatch(false, Map.of(target.protocol(), List.of(Span.ofPorts(target.port(), target.port())))))));
        return List.copyOf(rows);
    }

    private static void addNumeric(Map<Protocol, List<Span>> ports, NetworkPolicyPort port) {
        Span span = switch (port.port().orElse(null)) {
            case null -> PortMatch.ALL_PORTS;
            case PortRef.Number(int first) -> Span.ofPorts(first, port.endPort().orElse(first));
            case PortRef.Named named -> throw new IllegalArgumentException("named port " + named + " is resolved by the caller");
        };
        ports.computeIfAbsent(port.protocol(), p -> new ArrayList<>()).add(span);
    }

    private static PeerSpans hosts(List<IpAddress> addresses) {
        List<Span> ip4 = new ArrayList<>();
        List<Span> ip6 = new ArrayList<>();
        for (IpAddress a : addresses) (a.family() == IpFamily.IPV4 ? ip4 : ip6).add(Span.of(Point.of(a)));
        return new PeerSpans(Span.union(ip4), Span.union(ip6));
    }
}
