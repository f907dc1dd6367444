package dev.booster.bench;

import dev.booster.api.policy.PolicySet;
import dev.booster.engine.Engine;
import dev.booster.engine.EngineConfig;
import dev.booster.engine.InterfaceConfig;
import dev.booster.engine.frame.FrameBuilder;
import dev.booster.engine.policy.CompiledPolicy;
import dev.booster.engine.policy.PolicyCompiler;
import dev.booster.engine.policy.PolicyEndpoint;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A policy change as the control plane makes it: compile a set of 10,000 rules for the node's 100 local endpoints
 * ({@link ClusterPolicies}) and swap it in ({@link Engine#publishPolicy}), in milliseconds. {@code compile} alone
 * shows how the time splits.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class PolicyCompileBenchmark {
    private PolicySet set;
    private List<PolicyEndpoint> endpoints;
    private Engine engine;
    private long generation;

    @Setup(Level.Trial)
    public void setUp() {
        set = ClusterPolicies.policies();
        endpoints = ClusterPolicies.endpoints();
        if (set.policies().stream().mapToInt(p -> p.spec().ingress().size() + p.spec().egress().size()).sum() != ClusterPolicies.RULES) {
            throw new IllegalStateException("the policy set should have " + ClusterPolicies.RULES + " rules");
        }
        engine = new Engine(EngineConfig.defaults());
        for (PolicyEndpoint e : endpoints) {
            if (!e.isLocal()) continue;
            engine.addInterface(new InterfaceConfig.Pod("pod-" + e.id(), e.uid(), new SinkPort(), e.addresses(), e.id(),
                    Optional.empty(), FrameBuilder.GATEWAY_MAC));
        }
    }

    @Benchmark
    public CompiledPolicy compileAndPublish() {
        CompiledPolicy compiled = PolicyCompiler.compile(set, endpoints, ++generation);
        engine.publishPolicy(compiled);
        return compiled;
    }

    @Benchmark
    public CompiledPolicy compile() {
        return PolicyCompiler.compile(set, endpoints, ++generation);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }
}
