package dev.booster.bench;

import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.engine.DropReason;
import dev.booster.engine.Engine;
import dev.booster.engine.EngineConfig;
import dev.booster.engine.InterfaceConfig;
import dev.booster.engine.conntrack.Timeouts;
import dev.booster.engine.frame.FrameBuilder;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.policy.PolicyCompiler;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Packets per second through the whole graph on one core: 64-byte IPv4/UDP frames (60 bytes in memory, the FCS is the
 * NIC's) from pod A to pod B, ethernet-input, ip4-input, l4-extract, ip4-lookup (and the source check), conntrack,
 * policy, rewrite, interface-output, received and transmitted by in-memory ports that recycle a fixed set of
 * off-heap buffers (see {@link ReplayPort}). One invocation is one vector of {@value PacketVector#CAPACITY} packets.
 *
 * <ul>
 *   <li>{@code rules}: allow rules on pod B's ingress with A's rule last ({@link ServiceIngress});</li>
 *   <li>{@code layout}: how the other rules overlap A's packet ({@link RuleLayout}): {@code SERVICE} by default,
 *       {@code -p layout=DENSE} for the classifier's worst case;</li>
 *   <li>{@code extraRoutes}: IPv4 routes in the FIB besides the pods' host routes ({@link ExtraRoutes});</li>
 *   <li>{@code flows}: {@code new} gives every packet a new UDP source port out of 65,535 and makes UDP flows expire
 *       after 1 ms, so each packet misses conntrack, is classified by policy and creates a flow (in a full table,
 *       evicting an expired one); {@code established} cycles 1,024 source ports whose flows stay in conntrack, so
 *       packets skip policy.</li>
 * </ul>
 * The trial fails unless every packet was forwarded: a benchmark of the drop path would be a wrong number.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@OperationsPerInvocation(PacketVector.CAPACITY)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms4g", "-Xmx4g", "-XX:+AlwaysPreTouch"})
public class ForwardingBenchmark {
    static final MacAddress GATEWAY = FrameBuilder.GATEWAY_MAC;
    static final MacAddress MAC_A = MacAddress.parse("02:00:00:00:00:0a");
    static final MacAddress MAC_B = MacAddress.parse("02:00:00:00:00:0b");
    static final MacAddress UPLINK_MAC = MacAddress.parse("02:00:00:00:00:fe");
    static final MacAddress NEXT_HOP = MacAddress.parse("02:00:00:00:00:99");
    /** Source ports of the established flows; far fewer than the conntrack capacity. */
    static final int ESTABLISHED_FLOWS = 1024;
    /** Short enough that a source port comes round again (65,535 packets later) only after its flow expired. */
    static final Duration NEW_FLOW_UDP_TIMEOUT = Duration.ofMillis(1);

    @Param({"10", "1000", "10000"})
    public int rules;

    @Param({"0", "100000"})
    public int extraRoutes;

    @Param({"new", "established"})
    public String flows;

    @Param({"SERVICE"})
    public RuleLayout layout;

    private Engine engine;
    private ReplayPort podA;
    private SinkPort podB;
    private long polls;

    @Setup(Level.Trial)
    public void setUp() {
        boolean newFlows = switch (flows) {
            case "new" -> true;
            case "established" -> false;
            default -> throw new IllegalArgumentException("flows must be new or established, not " + flows);
        };
        Timeouts defaults = Timeouts.defaults();
        Timeouts timeouts = newFlows
                ? new Timeouts(defaults.tcpEstablishedNanos(), defaults.tcpTransitoryNanos(), NEW_FLOW_UDP_TIMEOUT.toNanos(),
                defaults.icmpNanos(), defaults.otherNanos())
                : defaults;
        engine = new Engine(EngineConfig.builder().conntrackTimeouts(timeouts).build());
        byte[] template = FrameBuilder.ip(ServiceIngress.POD_A.toString(), ServiceIngress.POD_B.toString())
                .from(MAC_A).to(GATEWAY).udp(1, ServiceIngress.SERVICE_PORT, 18).build();
        podA = newFlows ? new ReplayPort(template, 1024, 1, 65_535) : new ReplayPort(template, 1024, 10_000, ESTABLISHED_FLOWS);
        podB = new SinkPort();
        engine.addInterface(new InterfaceConfig.Pod("pod-a", "uid-a", podA, List.of(ServiceIngress.POD_A),
                ServiceIngress.ENDPOINT_A, Optional.of(MAC_A), GATEWAY));
        engine.addInterface(new InterfaceConfig.Pod("pod-b", "uid-b", podB, List.of(ServiceIngress.POD_B),
                ServiceIngress.ENDPOINT_B, Optional.of(MAC_B), GATEWAY));
        int uplink = engine.addInterface(new InterfaceConfig.Uplink("uplink", new SinkPort(), UPLINK_MAC));
        engine.addRoute(IpPrefix.parse("0.0.0.0/0"), uplink, NEXT_HOP);
        for (IpPrefix prefix : ExtraRoutes.ip4(extraRoutes, 1)) engine.addRoute(prefix, uplink, NEXT_HOP);
        engine.publishPolicy(PolicyCompiler.compile(ServiceIngress.policies(rules, AllowRow.LAST, layout),
                ServiceIngress.endpoints(), 1));
        if (template.length != 60) throw new IllegalStateException("the template is " + template.length + " bytes, not 60");
        // Warm conntrack with the established flows, and check that packets really go through.
        for (int i = 0; i < ESTABLISHED_FLOWS / PacketVector.CAPACITY; i++) forward();
        checkEverythingForwarded();
    }

    @Benchmark
    public int forward() {
        polls++;
        return engine.pollOnce();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        try {
            checkEverythingForwarded();
        } finally {
            engine.close();
            podA.close();
        }
    }

    private void checkEverythingForwarded() {
        Engine.Totals totals = engine.totals();
        long expected = polls * PacketVector.CAPACITY;
        if (totals.rxPackets() != expected || totals.txPackets() != expected || podB.transmitted != expected) {
            StringBuilder drops = new StringBuilder();
            for (DropReason reason : DropReason.values()) {
                if (engine.drops(reason) > 0) drops.append(' ').append(reason.reasonName()).append('=').append(engine.drops(reason));
            }
            throw new IllegalStateException("expected " + expected + " packets received and sent to pod B, but rx="
                    + totals.rxPackets() + " tx=" + totals.txPackets() + " podB=" + podB.transmitted + "; drops:" + drops);
        }
    }
}
