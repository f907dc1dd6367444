package dev.booster.engine.policy;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.Ip6Address;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.pod.NamedPort;
import dev.booster.api.policy.EgressRule;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.IpBlock;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.LabelSelectorRequirement;
import dev.booster.api.policy.LabelSelectorRequirement.Operator;
import dev.booster.api.policy.Labels;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.ObjectMeta;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.PortRef;
import dev.booster.api.policy.Protocol;
import dev.booster.api.policy.RuleAction;
import dev.booster.api.policy.Tier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.RandomDistribution;
import net.jqwik.api.Tuple;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Random policy sets and endpoints over deliberately small vocabularies (3 label keys × 3 values, 3 namespaces,
 * 16 IPv4 and 16 IPv6 addresses, a handful of ports and port names) so that selectors, blocks and ports overlap
 * often and every branch of the semantics is reached.
 */
final class PolicyArbitraries {
    static final List<String> NAMESPACES = List.of("ns1", "ns2", "ns3");
    static final List<String> LABEL_KEYS = List.of("app", "role", "example.com/env");
    static final List<String> LABEL_VALUES = List.of("a", "b", "c");
    static final List<String> PORT_NAMES = List.of("http", "dns", "metrics");
    static final List<Integer> PORT_NUMBERS = List.of(53, 80, 81, 443, 8080);
    static final int IP4_BASE = 0x0A00_0000; // 10.0.0.0
    static final long IP6_HIGH = 0xfd00_0000_0000_0000L; // fd00::
    static final int POOL = 16;

    /** A policy set and the endpoints it is compiled for. */
    record Scenario(PolicySet policies, List<PolicyEndpoint> endpoints) {
        List<PolicyEndpoint> locals() {
            return endpoints.stream().filter(PolicyEndpoint::isLocal).toList();
        }
    }

    private record Placement(boolean global, String namespace, Optional<LabelSelector> namespaceSelector,
                             Optional<Double> order, int tierChoice) {
    }

    private record Draft(Placement placement, LabelSelector podSelector, List<PolicyType> policyTypes,
                         List<IngressRule> ingress, List<EgressRule> egress) {
    }

    private record EndpointDraft(String namespace, Map<String, String> labels, Optional<Integer> ip4, Optional<Integer> ip6,
                                 List<NamedPort> namedPorts) {
    }

    private PolicyArbitraries() {
    }

    static IpAddress ip4(int index) {
        return new Ip4Address(IP4_BASE + index);
    }

    static IpAddress ip6(int index) {
        return new Ip6Address(IP6_HIGH, index);
    }

    static Arbitrary<Scenario> scenarios() {
        Arbitrary<List<Tier>> tiers = Arbitraries.of(1.0, 5.0, Tier.DEFAULT.order(), 2_000_000.0).list().ofMaxSize(3)
                .map(orders -> {
                    List<Tier> result = new ArrayList<>();
                    for (int i = 0; i < orders.size(); i++) result.add(new Tier("t" + i, orders.get(i)));
                    return result;
                });
        Arbitrary<Map<String, Map<String, String>>> namespaceLabels = Arbitraries.of("x", "y", "").list().ofSize(NAMESPACES.size())
                .map(teams -> {
                    Map<String, Map<String, String>> labels = new LinkedHashMap<>();
                    for (int i = 0; i < NAMESPACES.size(); i++) {
                        labels.put(NAMESPACES.get(i), teams.get(i).isEmpty() ? Map.of() : Map.of("team", teams.get(i)));
                    }
                    return labels;
                });
        Arbitrary<List<Draft>> drafts = draft().list().ofMinSize(1).ofMaxSize(8).withSizeDistribution(RandomDistribution.uniform());
        Arbitrary<List<EndpointDraft>> locals = endpoint().list().ofMinSize(1).ofMaxSize(5).withSizeDistribution(RandomDistribution.uniform());
        Arbitrary<List<EndpointDraft>> remotes = endpoint().list().ofMaxSize(3);
        return Combinators.combine(tiers, namespaceLabels, drafts, locals, remotes).as(PolicyArbitraries::assemble);
    }

    private static Scenario assemble(List<Tier> tiers, Map<String, Map<String, String>> namespaceLabels, List<Draft> drafts,
                                     List<EndpointDraft> locals, List<EndpointDraft> remotes) {
        List<String> tierNames = new ArrayList<>(List.of(Tier.DEFAULT.name()));
        tiers.forEach(t -> tierNames.add(t.name()));
        List<NetworkPolicy> policies = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) policies.add(policy("p" + i, drafts.get(i), tierNames));
        List<PolicyEndpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < locals.size(); i++) endpoints.add(endpoint(i, "local-" + i, locals.get(i)));
        for (int i = 0; i < remotes.size(); i++) endpoints.add(endpoint(PolicyEndpoint.REMOTE, "remote-" + i, remotes.get(i)));
        return new Scenario(new PolicySet(policies, tiers, namespaceLabels), endpoints);
    }

    private static NetworkPolicy policy(String name, Draft d, List<String> tierNames) {
        Placement at = d.placement();
        List<PolicyType> types = d.policyTypes();
        // Keep the spec valid: rules of a direction that policyTypes leaves out are refused by the model.
        List<IngressRule> ingress = types.isEmpty() || types.contains(PolicyType.INGRESS) ? d.ingress() : List.of();
        List<EgressRule> egress = types.isEmpty() || types.contains(PolicyType.EGRESS) ? d.egress() : List.of();
        String tier = tierNames.get(at.tierChoice() % tierNames.size());
        NetworkPolicySpec spec = new NetworkPolicySpec(d.podSelector(), types, ingress, egress, at.order(),
                tier.equals(Tier.DEFAULT.name()) && at.tierChoice() % 2 == 0 ? Optional.empty() : Optional.of(tier),
                at.global() ? at.namespaceSelector() : Optional.empty());
        return at.global()
                ? new NetworkPolicy(NetworkPolicy.BOOSTER_API_VERSION, NetworkPolicy.GLOBAL_KIND, ObjectMeta.of(null, name), spec)
                : NetworkPolicy.of(at.namespace(), name, spec);
    }

    private static PolicyEndpoint endpoint(int id, String uid, EndpointDraft d) {
        List<IpAddress> addresses = new ArrayList<>();
        d.ip4().ifPresent(i -> addresses.add(ip4(i)));
        d.ip6().ifPresent(i -> addresses.add(ip6(i)));
        return new PolicyEndpoint(id, uid, d.namespace(), d.labels(), addresses, d.namedPorts());
    }

    private static Arbitrary<Draft> draft() {
        Arbitrary<Placement> placement = Combinators.combine(
                Arbitraries.of(true, false),
                Arbitraries.of(NAMESPACES),
                namespaceSelector().optional(0.6),
                Arbitraries.of(1.0, 2.0, 3.0).optional(0.6),
                Arbitraries.integers().between(0, 3)).as(Placement::new);
        Arbitrary<List<PolicyType>> types = Arbitraries.of(List.of(), List.of(PolicyType.INGRESS), List.of(PolicyType.EGRESS),
                List.of(PolicyType.INGRESS, PolicyType.EGRESS), List.of(PolicyType.EGRESS, PolicyType.INGRESS));
        Arbitrary<List<IngressRule>> ingress = rules(Combinators.combine(oftenEmpty(peer()), oftenEmpty(port()), action()).as(IngressRule::new));
        Arbitrary<List<EgressRule>> egress = rules(Combinators.combine(oftenEmpty(peer()), oftenEmpty(port()), action()).as(EgressRule::new));
        return Combinators.combine(placement, podSelector(), types, ingress, egress).as(Draft::new);
    }

    /**
     * A policy's rules of one direction: sometimes none (deny all), mostly one to three. jqwik's own size
     * distribution favours empty lists too strongly for rules to decide often enough.
     */
    private static <R> Arbitrary<List<R>> rules(Arbitrary<R> rule) {
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(List.of())), Tuple.of(4, rule.list().ofMinSize(1).ofMaxSize(3).withSizeDistribution(RandomDistribution.uniform())));
    }

    /** Rule peers or ports: empty (anything) often enough that rules match, else one or two. */
    private static <T> Arbitrary<List<T>> oftenEmpty(Arbitrary<T> element) {
        return Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just(List.of())), Tuple.of(2, element.list().ofMinSize(1).ofMaxSize(2)));
    }

    private static Arbitrary<RuleAction> action() {
        return Arbitraries.frequencyOf(
                Tuple.of(5, Arbitraries.just(RuleAction.ALLOW)),
                Tuple.of(2, Arbitraries.just(RuleAction.DENY)),
                Tuple.of(2, Arbitraries.just(RuleAction.PASS)),
                Tuple.of(1, Arbitraries.just(RuleAction.LOG)));
    }

    static Arbitrary<LabelSelector> podSelector() {
        Arbitrary<Map<String, String>> matchLabels = Arbitraries.maps(Arbitraries.of(LABEL_KEYS), Arbitraries.of(LABEL_VALUES)).ofMaxSize(1);
        Arbitrary<LabelSelectorRequirement> requirement = Combinators.combine(
                Arbitraries.of(LABEL_KEYS), Arbitraries.of(Operator.class), Arbitraries.of(LABEL_VALUES).set().ofMinSize(1).ofMaxSize(2))
                .as((key, op, values) -> switch (op) {
                    case IN, NOT_IN -> new LabelSelectorRequirement(key, op, List.copyOf(values));
                    case EXISTS, DOES_NOT_EXIST -> new LabelSelectorRequirement(key, op, List.of());
                });
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(LabelSelector.ALL)),
                Tuple.of(3, Combinators.combine(matchLabels, requirement.list().ofMaxSize(1)).as(LabelSelector::new)));
    }

    static Arbitrary<LabelSelector> namespaceSelector() {
        return Arbitraries.oneOf(
                Arbitraries.just(LabelSelector.ALL),
                Arbitraries.of(NAMESPACES).map(ns -> LabelSelector.matchLabels(Map.of(Labels.NAMESPACE_NAME, ns))),
                Arbitraries.of("x", "y").map(team -> LabelSelector.matchLabels(Map.of("team", team))),
                Arbitraries.of(NAMESPACES).map(ns -> LabelSelector.of(Map.of(), LabelSelectorRequirement.notIn(Labels.NAMESPACE_NAME, ns))),
                Arbitraries.just(LabelSelector.of(Map.of(), LabelSelectorRequirement.exists("team"))));
    }

    private static Arbitrary<NetworkPolicyPeer> peer() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, podSelector().map(NetworkPolicyPeer::pods)),
                Tuple.of(2, namespaceSelector().map(NetworkPolicyPeer::namespaces)),
                Tuple.of(2, Combinators.combine(podSelector(), namespaceSelector()).as(NetworkPolicyPeer::podsInNamespaces)),
                Tuple.of(2, ipBlock(32, List.of(0, 8, 28, 29, 30, 31, 32)).map(NetworkPolicyPeer::ipBlock)),
                Tuple.of(2, ipBlock(128, List.of(0, 64, 124, 125, 126, 127, 128)).map(NetworkPolicyPeer::ipBlock)));
    }

    /** A block around one pool address, with up to two exceptions around pool addresses (those outside the block dropped). */
    private static Arbitrary<IpBlock> ipBlock(int bits, List<Integer> lengths) {
        Arbitrary<Integer> index = Arbitraries.integers().between(0, POOL - 1);
        Arbitrary<List<int[]>> exceptions = Combinators.combine(index, Arbitraries.integers().between(1, 4))
                .as((i, extra) -> new int[]{i, extra}).list().ofMaxSize(2);
        return Combinators.combine(index, Arbitraries.of(lengths), exceptions).as((i, length, holes) -> {
            IpPrefix cidr = IpPrefix.containing(bits == 32 ? ip4(i) : ip6(i), length);
            List<IpPrefix> except = new ArrayList<>();
            for (int[] hole : holes) {
                // Holes are small (/28 and longer in IPv4, /124 in IPv6) so that they cut out pool addresses.
                int holeLength = Math.min(bits, Math.max(length + 1, bits - 4) + hole[1] - 1);
                if (holeLength <= length) continue;
                IpPrefix e = IpPrefix.containing(bits == 32 ? ip4(hole[0]) : ip6(hole[0]), holeLength);
                if (cidr.contains(e)) except.add(e);
            }
            return new IpBlock(cidr, except);
        });
    }

    private static Arbitrary<NetworkPolicyPort> port() {
        Arbitrary<Protocol> protocol = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.just(Protocol.TCP)),
                Tuple.of(2, Arbitraries.just(Protocol.UDP)),
                Tuple.of(1, Arbitraries.just(Protocol.SCTP)));
        return Arbitraries.frequencyOf(
                Tuple.of(3, Combinators.combine(protocol, Arbitraries.of(PORT_NUMBERS))
                        .as((p, n) -> new NetworkPolicyPort(p, Optional.of(PortRef.of(n)), Optional.empty()))),
                Tuple.of(1, protocol.map(p -> new NetworkPolicyPort(p, Optional.empty(), Optional.empty()))),
                Tuple.of(2, Combinators.combine(protocol, Arbitraries.of(79, 80, 81), Arbitraries.of(0, 1, 5, 400))
                        .as((p, start, width) -> NetworkPolicyPort.range(p, start, start + width))),
                Tuple.of(3, Combinators.combine(protocol, Arbitraries.of(PORT_NAMES)).as(NetworkPolicyPort::named)));
    }

    private static Arbitrary<EndpointDraft> endpoint() {
        Arbitrary<Map<String, String>> labels = Arbitraries.maps(Arbitraries.of(LABEL_KEYS), Arbitraries.of(LABEL_VALUES)).ofMinSize(1).ofMaxSize(3);
        Arbitrary<Integer> index = Arbitraries.integers().between(0, POOL - 1);
        Arbitrary<List<NamedPort>> namedPorts = Combinators.combine(Arbitraries.of(PORT_NAMES), Arbitraries.of(Protocol.TCP, Protocol.UDP), Arbitraries.of(PORT_NUMBERS))
                .as(NamedPort::new).list().ofMaxSize(3)
                .map(ports -> {
                    // A pod's port names are unique per protocol; keep the first of a kind.
                    Map<String, NamedPort> unique = new LinkedHashMap<>();
                    ports.forEach(p -> unique.putIfAbsent(p.name() + "/" + p.protocol(), p));
                    return List.copyOf(unique.values());
                });
        return Combinators.combine(Arbitraries.of(NAMESPACES), labels, index.optional(0.9), index.optional(0.5), namedPorts)
                .as(EndpointDraft::new);
    }
}
