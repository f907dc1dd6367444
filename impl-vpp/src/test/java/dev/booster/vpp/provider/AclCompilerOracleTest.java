package dev.booster.vpp.provider;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.pod.NamedPort;
import dev.booster.api.policy.EgressRule;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.IpBlock;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.PortRef;
import dev.booster.api.policy.Protocol;
import dev.booster.api.policy.RuleAction;
import dev.booster.api.policy.Tier;
import dev.booster.engine.policy.PolicyEndpoint;
import dev.booster.engine.policy.ReferenceEvaluator;
import dev.booster.vpp.binapi.AclAction;
import dev.booster.vpp.binapi.AclRule;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The ACLs {@link AclCompiler} makes, evaluated as VPP's acl plugin does (first matching rule of the list decides;
 * none: deny; no list: allow), decide every packet as the engine's {@link ReferenceEvaluator} does, for random
 * policy sets with tiers, order, Allow/Deny/Pass/Log, pod and namespace selectors, ipBlocks with exceptions,
 * protocols, port ranges and named ports, over IPv4 and IPv6 peers.
 */
class AclCompilerOracleTest {

    private static final List<String> NAMESPACES = List.of("ns1", "ns2");
    private static final Map<String, Map<String, String>> NAMESPACE_LABELS = Map.of(
            "ns1", Map.of("team", "red"), "ns2", Map.of("team", "blue"));
    private static final List<String> APPS = List.of("a", "b", "c");
    private static final List<String> CIDRS = List.of("10.0.0.0/8", "10.0.0.0/24", "192.168.0.0/16", "0.0.0.0/0",
            "fd00::/8", "fd00::/120", "::/0");
    private static final List<IpAddress> OUTSIDERS = List.of(IpAddress.parse("192.168.1.5"),
            IpAddress.parse("10.1.2.3"), IpAddress.parse("8.8.8.8"), IpAddress.parse("2001:db8::5"),
            IpAddress.parse("fd00::99"));
    private static final int[] PROTOCOLS = {6, 17, 132, 1};
    private static final int[] PORTS = {53, 80, 443, 8080, 9000};

    @Property(tries = 100)
    void vppAclsDecideEveryPacketAsTheReferenceEvaluator(@ForAll long seed) {
        Random random = new Random(seed);
        List<PolicyEndpoint> endpoints = endpoints(random);
        PolicySet set = policySet(random);
        assertSameDecisions(set, endpoints);
    }

    @Test
    void passSkipsTheRestOfItsTierAndALaterTierDecides() {
        List<PolicyEndpoint> endpoints = endpoints(new Random(1));
        NetworkPolicy pass = NetworkPolicy.global("pass-web", new NetworkPolicySpec(LabelSelector.ALL,
                List.of(PolicyType.INGRESS), List.of(new IngressRule(List.of(), List.of(NetworkPolicyPort.tcp(80)),
                RuleAction.PASS), new IngressRule(List.of(), List.of(), RuleAction.DENY)), List.of(),
                Optional.of(1.0), Optional.of("security"), Optional.empty()));
        NetworkPolicy allowFromBlock = NetworkPolicy.of("ns1", "from-block", NetworkPolicySpec.of(LabelSelector.ALL,
                List.of(), List.of(IngressRule.allow(List.of(NetworkPolicyPeer.ipBlock(IpBlock.of("10.0.0.0/8",
                        "10.0.0.0/24"))), List.of())), List.of()));
        assertSameDecisions(new PolicySet(List.of(pass, allowFromBlock), List.of(new Tier("security", 10)),
                NAMESPACE_LABELS), endpoints);
    }

    @Test
    void anIpBlockWithExceptionsBecomesThePrefixesCoveringTheRest() {
        assertEquals(List.of(IpPrefix.parse("10.0.0.0/25"), IpPrefix.parse("10.0.0.192/26")),
                AclCompiler.withoutExceptions(IpBlock.of("10.0.0.0/24", "10.0.0.128/26")));
        assertEquals(List.of(), AclCompiler.withoutExceptions(IpBlock.of("fd00::/64", "fd00::/65", "fd00:0:0:0:8000::/65")));
    }

    private static void assertSameDecisions(PolicySet set, List<PolicyEndpoint> endpoints) {
        ReferenceEvaluator oracle = new ReferenceEvaluator(set, endpoints);
        List<AclEndpoint> aclEndpoints = endpoints.stream().map(e -> new AclEndpoint(e.uid(), e.namespace(),
                e.labels(), e.addresses(), e.namedPorts())).toList();
        Map<String, Optional<PodAcls>> compiled = new AclCompiler(set, aclEndpoints).compileAll();
        List<IpAddress> peers = new ArrayList<>(OUTSIDERS);
        endpoints.forEach(e -> peers.addAll(e.addresses()));
        for (PolicyEndpoint self : endpoints) {
            Optional<PodAcls> acls = compiled.get(self.uid());
            for (PolicyType direction : PolicyType.values()) {
                for (IpAddress peer : peers) {
                    for (int protocol : PROTOCOLS) {
                        for (int port : protocol == 1 ? new int[]{0} : PORTS) {
                            boolean expected = oracle.evaluate(self.id(), direction, peer, protocol, port).allowed();
                            boolean actual = acls.map(a -> vppDecides(direction == PolicyType.INGRESS ? a.output()
                                    : a.input(), direction, self, peer, protocol, port)).orElse(true);
                            assertEquals(expected, actual, () -> self.uid() + " " + direction + " peer " + peer
                                    + " proto " + protocol + " port " + port + " in " + set + "\nACLs: " + acls);
                        }
                    }
                }
            }
        }
    }

    /** VPP's acl plugin on one packet: the first rule matching decides; no rule matches: deny. */
    private static boolean vppDecides(List<AclRule> rules, PolicyType direction, PolicyEndpoint self,
                                      IpAddress peer, int protocol, int port) {
        IpAddress own = self.addresses().stream().filter(a -> a.family() == peer.family()).findFirst()
                .orElse(peer.family() == IpFamily.IPV4 ? IpAddress.parse("10.99.99.99") : IpAddress.parse("fd99::99"));
        IpAddress source = direction == PolicyType.INGRESS ? peer : own;
        IpAddress destination = direction == PolicyType.INGRESS ? own : peer;
        int sourcePort = 40000;
        for (AclRule rule : rules) {
            IpPrefix src = VppAddresses.ipPrefix(rule.srcPrefix());
            IpPrefix dst = VppAddresses.ipPrefix(rule.dstPrefix());
            if (src.family() != source.family() || !src.contains(source) || !dst.contains(destination)) continue;
            long proto = rule.proto().value();
            if (proto != 0) {
                if (proto != protocol) continue;
                if (sourcePort < rule.srcportOrIcmptypeFirst() || sourcePort > rule.srcportOrIcmptypeLast()) continue;
                if (port < rule.dstportOrIcmpcodeFirst() || port > rule.dstportOrIcmpcodeLast()) continue;
            }
            return !rule.isPermit().equals(AclAction.ACL_ACTION_API_DENY);
        }
        return false;
    }

    private static List<PolicyEndpoint> endpoints(Random random) {
        List<PolicyEndpoint> endpoints = new ArrayList<>();
        int count = 2 + random.nextInt(3);
        for (int i = 0; i < count; i++) {
            List<IpAddress> addresses = new ArrayList<>();
            addresses.add(IpAddress.parse("10.0.0." + (i + 1)));
            if (random.nextBoolean()) addresses.add(IpAddress.parse("fd00::" + (i + 1)));
            List<NamedPort> named = random.nextBoolean()
                    ? List.of(new NamedPort("web", Protocol.TCP, PORTS[random.nextInt(PORTS.length)]))
                    : List.of();
            endpoints.add(new PolicyEndpoint(i, "pod" + i, NAMESPACES.get(random.nextInt(2)),
                    Map.of("app", APPS.get(random.nextInt(APPS.size()))), addresses, named));
        }
        return endpoints;
    }

    private static PolicySet policySet(Random random) {
        List<NetworkPolicy> policies = new ArrayList<>();
        int count = 1 + random.nextInt(4);
        for (int i = 0; i < count; i++) {
            boolean global = random.nextInt(3) == 0;
            List<PolicyType> types = switch (random.nextInt(4)) {
                case 0 -> List.of();
                case 1 -> List.of(PolicyType.INGRESS);
                case 2 -> List.of(PolicyType.EGRESS);
                default -> List.of(PolicyType.INGRESS, PolicyType.EGRESS);
            };
            List<IngressRule> ingress = new ArrayList<>();
            List<EgressRule> egress = new ArrayList<>();
            boolean ingressAllowed = types.isEmpty() || types.contains(PolicyType.INGRESS);
            boolean egressAllowed = types.isEmpty() || types.contains(PolicyType.EGRESS);
            int rules = random.nextInt(4);
            for (int r = 0; r < rules; r++) {
                List<NetworkPolicyPeer> peers = peers(random);
                List<NetworkPolicyPort> ports = ports(random);
                RuleAction action = RuleAction.values()[random.nextInt(RuleAction.values().length)];
                if (random.nextBoolean() && ingressAllowed) ingress.add(new IngressRule(peers, ports, action));
                else if (egressAllowed) egress.add(new EgressRule(peers, ports, action));
            }
            Optional<String> tier = random.nextBoolean() ? Optional.of("security") : Optional.empty();
            Optional<Double> order = random.nextBoolean() ? Optional.of((double) random.nextInt(3)) : Optional.empty();
            LabelSelector selector = random.nextInt(3) == 0 ? LabelSelector.ALL
                    : LabelSelector.matchLabels(Map.of("app", APPS.get(random.nextInt(APPS.size()))));
            Optional<LabelSelector> namespaces = global && random.nextBoolean()
                    ? Optional.of(LabelSelector.matchLabels(Map.of("team", random.nextBoolean() ? "red" : "blue")))
                    : Optional.empty();
            NetworkPolicySpec spec = new NetworkPolicySpec(selector, types, ingress, egress, order, tier, namespaces);
            policies.add(global ? NetworkPolicy.global("p" + i, spec)
                    : NetworkPolicy.of(NAMESPACES.get(random.nextInt(2)), "p" + i, spec));
        }
        return new PolicySet(policies, List.of(new Tier("security", 10)), NAMESPACE_LABELS);
    }

    private static List<NetworkPolicyPeer> peers(Random random) {
        List<NetworkPolicyPeer> peers = new ArrayList<>();
        int count = random.nextInt(3);
        for (int i = 0; i < count; i++) {
            LabelSelector pods = LabelSelector.matchLabels(Map.of("app", APPS.get(random.nextInt(APPS.size()))));
            LabelSelector namespaces = LabelSelector.matchLabels(Map.of("team", random.nextBoolean() ? "red" : "blue"));
            peers.add(switch (random.nextInt(4)) {
                case 0 -> NetworkPolicyPeer.pods(pods);
                case 1 -> NetworkPolicyPeer.namespaces(namespaces);
                case 2 -> NetworkPolicyPeer.podsInNamespaces(pods, namespaces);
                default -> NetworkPolicyPeer.ipBlock(ipBlock(random));
            });
        }
        return peers;
    }

    private static IpBlock ipBlock(Random random) {
        IpPrefix cidr = IpPrefix.parse(CIDRS.get(random.nextInt(CIDRS.size())));
        List<IpPrefix> except = new ArrayList<>();
        if (random.nextBoolean()) {
            for (String candidate : List.of("10.0.0.0/30", "10.0.0.4/31", "10.1.0.0/16", "192.168.1.0/24",
                    "fd00::/126", "fd00::90/124")) {
                IpPrefix e = IpPrefix.parse(candidate);
                if (random.nextBoolean() && e.family() == cidr.family() && cidr.contains(e) && e.length() > cidr.length()) {
                    except.add(e);
                }
            }
        }
        return new IpBlock(cidr, except);
    }

    private static List<NetworkPolicyPort> ports(Random random) {
        List<NetworkPolicyPort> ports = new ArrayList<>();
        int count = random.nextInt(3);
        for (int i = 0; i < count; i++) {
            Protocol protocol = Protocol.values()[random.nextInt(Protocol.values().length)];
            ports.add(switch (random.nextInt(4)) {
                case 0 -> new NetworkPolicyPort(protocol, Optional.empty(), Optional.empty());
                case 1 -> new NetworkPolicyPort(protocol, Optional.of(PortRef.of(PORTS[random.nextInt(PORTS.length)])),
                        Optional.empty());
                case 2 -> NetworkPolicyPort.range(protocol, 80, 8080);
                default -> NetworkPolicyPort.named(protocol, "web");
            });
        }
        return ports;
    }
}
