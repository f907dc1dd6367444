package dev.booster.engine.policy;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.Ip6Address;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
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
import dev.booster.api.policy.Protocol;
import dev.booster.api.policy.RuleAction;
import dev.booster.api.policy.Tier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The differential check for rule lists far longer than one bitset word (64 rows) and than one summary word
 * (4,096 rows): narrow peers and ports over a wide address space put the deciding row anywhere in the list.
 */
class LargePolicySetTest {
    private static final int RULES_PER_POLICY = 50;
    private static final int ADDRESSES = 1024;
    private static final int PORTS = 8;
    private static final String PASS_ALL = "-pass-all";
    private static final List<Tier> TIERS = List.of(new Tier("security", 10), new Tier("platform", 20));

    @Provide
    Arbitrary<Integer> ruleCounts() {
        return Arbitraries.of(65, 130, 1000, 5000, 6000);
    }

    @Property(tries = 12)
    void longRuleListsDecideLikeTheReference(@ForAll("ruleCounts") int rules, @ForAll long seed) {
        Random random = new Random(seed);
        List<PolicyEndpoint> endpoints = List.of(
                new PolicyEndpoint(0, "web", "shop", Map.of("app", "web"), List.of(ip4(1), ip6(1)), List.of()));
        PolicySet set = new PolicySet(policies(rules, random), TIERS, Map.of());
        CompiledPolicy compiled = PolicyCompiler.compile(set, endpoints, 1);
        ReferenceEvaluator reference = new ReferenceEvaluator(set, endpoints);
        for (int i = 0; i < 300; i++) {
            PolicyType direction = random.nextBoolean() ? PolicyType.INGRESS : PolicyType.EGRESS;
            int protocol = random.nextInt(4) == 0 ? 17 : 6;
            int port = 1 + random.nextInt(PORTS);
            IpAddress peer = random.nextBoolean() ? ip4(random.nextInt(ADDRESSES)) : ip6(random.nextInt(ADDRESSES));
            ReferenceEvaluator.Decision expected = reference.evaluate(0, direction, peer, protocol, port);
            int verdict = switch (peer) {
                case Ip4Address v4 -> compiled.classify4(0, direction, v4.bits(), protocol, port);
                case Ip6Address v6 -> compiled.classify6(0, direction, v6.high(), v6.low(), protocol, port);
            };
            assertEquals(expected, new ReferenceEvaluator.Decision(Verdict.isAllow(verdict), compiled.rule(Verdict.ruleId(verdict))),
                    () -> direction + " " + peer + " " + protocol + "/" + port);
            Statistics.label("deciding row").collect(rowBucket(expected.rule()));
        }
        Statistics.label("deciding row").coverage(c -> {
            // Rows past the first summary word (4,096 rows) must decide sometimes, or the summary walk goes untested.
            c.check("4096+").count(n -> n > 20);
            c.check("64..4095").count(n -> n > 20);
        });
    }

    /** About where the deciding rule sits in the endpoint's row list. */
    private static String rowBucket(RuleDescriptor rule) {
        if (!rule.policy().startsWith("shop/rule-")) return "synthetic or early tier";
        int row = Integer.parseInt(rule.policy().substring("shop/rule-".length())) * RULES_PER_POLICY + rule.ruleIndex();
        return row < 64 ? "0..63" : row < 4096 ? "64..4095" : "4096+";
    }

    /**
     * Two small policies in each of two early tiers, then a pass-all so that packets go on; then the rule mass in the
     * default tier, in policies whose keys sort by index, so that a rule's row is about {@code index × 50 + rule}.
     */
    private static List<NetworkPolicy> policies(int rules, Random random) {
        List<NetworkPolicy> policies = new ArrayList<>();
        for (Tier tier : TIERS) {
            for (int i = 0; i < 2; i++) {
                policies.add(policy(tier.name() + "-" + i, Optional.of(tier.name()), Optional.of((double) i), 20, true, random));
            }
            policies.add(NetworkPolicy.of("shop", tier.name() + PASS_ALL, new NetworkPolicySpec(LabelSelector.ALL,
                    List.of(PolicyType.INGRESS, PolicyType.EGRESS), List.of(new IngressRule(List.of(), List.of(), RuleAction.PASS)),
                    List.of(new EgressRule(List.of(), List.of(), RuleAction.PASS)), Optional.empty(), Optional.of(tier.name()), Optional.empty())));
        }
        for (int first = 0, index = 0; first < rules; first += RULES_PER_POLICY, index++) {
            policies.add(policy(String.format("rule-%04d", index), Optional.empty(), Optional.empty(),
                    Math.min(RULES_PER_POLICY, rules - first), false, random));
        }
        return policies;
    }

    private static NetworkPolicy policy(String name, Optional<String> tier, Optional<Double> order, int count, boolean withLog, Random random) {
        List<IngressRule> ingress = new ArrayList<>();
        List<EgressRule> egress = new ArrayList<>();
        for (int r = 0; r < count; r++) {
            List<NetworkPolicyPeer> peers = List.of(NetworkPolicyPeer.ipBlock(block(random)));
            List<NetworkPolicyPort> ports = random.nextInt(4) == 0 ? List.of() : List.of(ports(random));
            RuleAction action = action(random, withLog);
            ingress.add(new IngressRule(peers, ports, action));
            egress.add(new EgressRule(peers, ports, action));
        }
        NetworkPolicySpec spec = new NetworkPolicySpec(LabelSelector.matchLabels(Map.of("app", "web")),
                List.of(PolicyType.INGRESS, PolicyType.EGRESS), ingress, egress, order, tier, Optional.empty());
        return NetworkPolicy.of("shop", name, spec);
    }

    private static IpBlock block(Random random) {
        boolean v4 = random.nextBoolean();
        int length = (v4 ? 32 : 128) - random.nextInt(3);
        IpPrefix cidr = IpPrefix.containing(v4 ? ip4(random.nextInt(ADDRESSES)) : ip6(random.nextInt(ADDRESSES)), length);
        return new IpBlock(cidr, List.of());
    }

    private static NetworkPolicyPort ports(Random random) {
        Protocol protocol = random.nextInt(4) == 0 ? Protocol.UDP : Protocol.TCP;
        int start = 1 + random.nextInt(PORTS);
        return random.nextBoolean() ? NetworkPolicyPort.range(protocol, start, Math.min(65535, start + random.nextInt(8)))
                : NetworkPolicyPort.range(protocol, start, start);
    }

    private static RuleAction action(Random random, boolean withLog) {
        return switch (random.nextInt(10)) {
            case 0, 1 -> RuleAction.DENY;
            case 2 -> RuleAction.PASS;
            case 3 -> withLog ? RuleAction.LOG : RuleAction.ALLOW;
            default -> RuleAction.ALLOW;
        };
    }

    private static IpAddress ip4(int index) {
        return new Ip4Address(0x0A00_0000 + index);
    }

    private static IpAddress ip6(int index) {
        return new Ip6Address(0xfd00_0000_0000_0000L, index);
    }
}
