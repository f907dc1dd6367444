package dev.booster.bench;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.policy.PolicyType;
import dev.booster.engine.policy.CompiledPolicy;
import dev.booster.engine.policy.PolicyCompiler;
import dev.booster.engine.policy.RuleDescriptor;
import dev.booster.engine.policy.Verdict;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

import java.util.concurrent.TimeUnit;

/**
 * One {@link CompiledPolicy#classify4} of pod A's packet against pod B's ingress rules ({@link ServiceIngress}):
 * nanoseconds per classification, with the deciding rule in the middle or at the end of the list, and the other rules
 * overlapping A's packet as a shared service's do or as densely as possible ({@link RuleLayout}). The inputs are
 * fields, so the JIT cannot fold the call away; the verdict goes back to JMH.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class ClassifierBenchmark {
    @Param({"10", "1000", "10000"})
    public int rules;

    @Param({"LAST", "MIDDLE"})
    public AllowRow match;

    @Param({"SERVICE", "DENSE"})
    public RuleLayout layout;

    private CompiledPolicy policy;
    private int endpoint;
    private PolicyType direction;
    private int peer;
    private int protocol;
    private int port;

    @Setup(Level.Trial)
    public void setUp() {
        policy = PolicyCompiler.compile(ServiceIngress.policies(rules, match, layout), ServiceIngress.endpoints(), 1);
        endpoint = ServiceIngress.ENDPOINT_B;
        direction = PolicyType.INGRESS;
        peer = ((Ip4Address) ServiceIngress.POD_A).bits();
        protocol = 17;
        port = ServiceIngress.SERVICE_PORT;
        int verdict = classify4();
        RuleDescriptor decided = policy.rule(Verdict.ruleId(verdict));
        int row = match.of(rules);
        String policyKey = String.format("svc/ingress-%05d", row / 10);
        if (!Verdict.isAllow(verdict) || !decided.policy().equals(policyKey) || decided.ruleIndex() != row % 10) {
            throw new IllegalStateException("pod A's packet should be allowed by rule " + row % 10 + " of " + policyKey
                    + ", but the verdict is " + (Verdict.isAllow(verdict) ? "allow" : "deny") + " by " + decided);
        }
    }

    @Benchmark
    public int classify4() {
        return policy.classify4(endpoint, direction, peer, protocol, port);
    }
}
