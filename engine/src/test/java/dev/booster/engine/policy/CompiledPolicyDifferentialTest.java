package dev.booster.engine.policy;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.Ip6Address;
import dev.booster.api.net.IpAddress;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.policy.RuleAction;
import dev.booster.engine.policy.PolicyArbitraries.Scenario;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The compiled classifier must decide every packet as {@link ReferenceEvaluator} does, down to the deciding rule.
 * Each try draws a policy set with endpoints and checks {@value #PACKETS_PER_SET} packets against it, so the
 * property covers {@code tries × PACKETS_PER_SET} (128,000) packets.
 */
class CompiledPolicyDifferentialTest {
    private static final int PACKETS_PER_SET = 64;
    /** Ports at and beyond the edges of the generated ranges, besides the ports rules name. */
    private static final int[] ODD_PORTS = {0, 1, 79, 82, 85, 86, 480, 481, 9999, 65535};

    private record Packet(int endpoint, PolicyType direction, IpAddress peer, int protocol, int port) {
    }

    @Provide
    Arbitrary<Scenario> scenarios() {
        return PolicyArbitraries.scenarios();
    }

    @Property(tries = 2000)
    void compiledClassifierDecidesLikeTheReference(@ForAll("scenarios") Scenario scenario, @ForAll long packetSeed) {
        CompiledPolicy compiled = PolicyCompiler.compile(scenario.policies(), scenario.endpoints(), 7);
        ReferenceEvaluator reference = new ReferenceEvaluator(scenario.policies(), scenario.endpoints());
        Random random = new Random(packetSeed);
        for (int i = 0; i < PACKETS_PER_SET; i++) {
            Packet p = packet(scenario, random);
            ReferenceEvaluator.Decision expected = reference.evaluate(p.endpoint(), p.direction(), p.peer(), p.protocol(), p.port());
            int verdict = switch (p.peer()) {
                case Ip4Address v4 -> compiled.classify4(p.endpoint(), p.direction(), v4.bits(), p.protocol(), p.port());
                case Ip6Address v6 -> compiled.classify6(p.endpoint(), p.direction(), v6.high(), v6.low(), p.protocol(), p.port());
            };
            ReferenceEvaluator.Decision actual = new ReferenceEvaluator.Decision(Verdict.isAllow(verdict), compiled.rule(Verdict.ruleId(verdict)));
            assertEquals(expected, actual, () -> "packet " + p);
            Statistics.label("decided by").collect(kind(expected));
        }
        Statistics.label("decided by").coverage(c -> {
            // Guards the generator: a property that only ever sees one kind of decision proves little.
            c.check("ALLOW").percentage(p -> p > 3);
            c.check("DENY").percentage(p -> p > 1);
            c.check("pass to the end").percentage(p -> p > 0.5);
            c.check("end of tier").percentage(p -> p > 10);
            c.check("not isolated").percentage(p -> p > 10);
        });
    }

    private static String kind(ReferenceEvaluator.Decision d) {
        return switch (d.rule().ruleIndex()) {
            case RuleDescriptor.NOT_ISOLATED -> "not isolated";
            case RuleDescriptor.END_OF_TIERS -> "end of tier";
            default -> d.rule().action() == RuleAction.PASS ? "pass to the end" : d.rule().action().toString();
        };
    }

    private static Packet packet(Scenario scenario, Random random) {
        List<PolicyEndpoint> locals = scenario.locals();
        PolicyEndpoint self = locals.get(random.nextInt(locals.size()));
        PolicyType direction = random.nextBoolean() ? PolicyType.INGRESS : PolicyType.EGRESS;
        int protocol = switch (random.nextInt(10)) {
            case 0, 1, 2, 3, 4 -> 6;
            case 5, 6 -> 17;
            case 7, 8 -> 132;
            default -> 1;
        };
        int port = protocol == 1 ? 0
                : random.nextInt(3) > 0 ? PolicyArbitraries.PORT_NUMBERS.get(random.nextInt(PolicyArbitraries.PORT_NUMBERS.size()))
                : ODD_PORTS[random.nextInt(ODD_PORTS.length)];
        return new Packet(self.id(), direction, peer(scenario, random), protocol, port);
    }

    /** Two times in three an endpoint's address (the packet's own endpoint included), else any pool or edge address. */
    private static IpAddress peer(Scenario scenario, Random random) {
        List<IpAddress> owned = new ArrayList<>();
        scenario.endpoints().forEach(e -> owned.addAll(e.addresses()));
        if (!owned.isEmpty() && random.nextInt(3) > 0) return owned.get(random.nextInt(owned.size()));
        return switch (random.nextInt(10)) {
            case 0 -> new Ip4Address(random.nextBoolean() ? 0 : -1);
            case 1 -> new Ip4Address(PolicyArbitraries.IP4_BASE + PolicyArbitraries.POOL + random.nextInt(300));
            case 2 -> new Ip6Address(random.nextBoolean() ? 0 : -1L, random.nextBoolean() ? 0 : -1L);
            case 3, 4, 5 -> PolicyArbitraries.ip6(random.nextInt(PolicyArbitraries.POOL));
            default -> PolicyArbitraries.ip4(random.nextInt(PolicyArbitraries.POOL));
        };
    }
}
