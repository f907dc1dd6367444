package dev.booster.bench;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.engine.Engine;
import dev.booster.engine.EngineConfig;
import dev.booster.engine.InterfaceConfig;
import dev.booster.engine.frame.FrameBuilder;
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
import org.openjdk.jmh.annotations.TearDown;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * What a pod coming and going costs the control plane when the FIB holds {@code routes} other routes: one
 * {@link Engine#addInterface} of a pod (its host route included) and one {@link Engine#removeInterface}, in
 * microseconds per pair. It should not grow with the routes.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class ControlChangeBenchmark {
    private static final MacAddress POD_MAC = MacAddress.parse("02:00:00:00:00:0c");

    @Param({"0", "10000", "100000"})
    public int routes;

    private Engine engine;
    private InterfaceConfig.Pod pod;

    @Setup(Level.Trial)
    public void setUp() {
        engine = new Engine(EngineConfig.defaults());
        int uplink = engine.addInterface(new InterfaceConfig.Uplink("uplink", new SinkPort(), MacAddress.parse("02:00:00:00:00:fe")));
        for (IpPrefix prefix : ExtraRoutes.ip4(routes, 1)) engine.addRoute(prefix, uplink, MacAddress.parse("02:00:00:00:00:99"));
        pod = new InterfaceConfig.Pod("pod-c", "uid-c", new SinkPort(), List.of(IpAddress.parse("10.0.0.3")), 0,
                Optional.of(POD_MAC), FrameBuilder.GATEWAY_MAC);
    }

    @Benchmark
    public int attachAndDetachPod() {
        int index = engine.addInterface(pod);
        engine.removeInterface(index);
        return index;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        engine.close();
    }
}
