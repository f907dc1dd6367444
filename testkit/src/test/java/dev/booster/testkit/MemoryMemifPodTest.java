package dev.booster.testkit;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneException;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.net.IpAddress;
import dev.booster.api.pod.AttachedInterface;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.policy.IngressRule;
import dev.booster.api.policy.LabelSelector;
import dev.booster.api.policy.Labels;
import dev.booster.api.policy.NetworkPolicy;
import dev.booster.api.policy.NetworkPolicyPeer;
import dev.booster.api.policy.NetworkPolicyPort;
import dev.booster.api.policy.NetworkPolicySpec;
import dev.booster.api.policy.PolicySet;
import dev.booster.api.policy.PolicyType;
import dev.booster.api.stats.InterfaceCounters;
import dev.booster.engine.frame.FrameBuilder;
import dev.booster.engine.frame.ParsedFrame;
import dev.booster.memif.MemifConfig;
import dev.booster.memif.MemifInterface;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A memif pod on the {@code memory} provider, with this test as the pod's application: a {@link MemifInterface}
 * slave in the same JVM. A veth pod talks to it through the engine, both ways; policy decides memif traffic as it
 * decides veth traffic.
 */
class MemoryMemifPodTest {
    private static final Duration WAIT = Duration.ofSeconds(5);
    private static final String CLIENT = "10.0.0.1";
    private static final String VNF = "10.0.0.10";
    private static final IpAddress VNF_IP = IpAddress.parse(VNF);

    @TempDir
    Path dir;
    private Dataplane dp;
    private final List<MemifInterface> applications = new ArrayList<>();
    private final List<DataplaneEvent> events = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void open() {
        dp = TestPods.openMemory();
        dp.subscribe(events::add);
    }

    @AfterEach
    void close() {
        applications.forEach(MemifInterface::close);
        dp.close();
    }

    private String socket() {
        return dir.resolve("vnf.sock").toString();
    }

    private static Memif memif(String socket, Memif.Mode mode) {
        return new Memif("memif0", List.of(TestPods.address(VNF)), List.of(), 1500, Optional.empty(), Memif.Role.MASTER, socket, 0, 1,
                256, mode, Optional.empty());
    }

    private PodAttachment attachVnf(Memif memif) {
        return dp.pods().attach(PodSpec.builder("core", "upf").labels(Map.of("app", "upf")).addInterface(memif).build());
    }

    private MemifInterface application(MemifConfig config) {
        MemifInterface app = MemifInterface.open(config.withReconnectInterval(Duration.ofMillis(20)));
        applications.add(app);
        assertTrue(app.awaitConnected(WAIT), "the application connected to the pod's memif");
        return app;
    }

    private static byte[] awaitFrame(MemifInterface app) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<byte[]> frame = app.receive(0);
            if (frame.isPresent()) return frame.get();
            app.awaitRx(0, Duration.ofMillis(20));
        }
        throw new AssertionError("nothing arrived at the memif application");
    }

    private static Optional<byte[]> awaitDelivery(MemoryPod pod) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            Optional<byte[]> frame = pod.receive();
            if (frame.isPresent()) return frame;
            Thread.onSpinWait();
        }
        return Optional.empty();
    }

    /** The frame the application sends from the pod to {@code destination}, as the attachment tells it to. */
    private static FrameBuilder fromVnf(AttachedInterface memif, String destination) {
        return FrameBuilder.ip(VNF, destination).from(memif.podMac()).to(memif.gatewayMac());
    }

    @Test
    void aVethPodAndAMemifPodExchangeUdpAndIcmpThroughTheEngine() {
        assertTrue(dp.capabilities().contains(Capability.MEMIF));
        MemoryPod client = MemoryPod.of(dp.pods().attach(TestPods.pod("edge", "client", CLIENT)));
        PodAttachment vnf = attachVnf(memif(socket(), Memif.Mode.ETHERNET));
        AttachedInterface port = vnf.interfaces().getFirst();
        assertEquals(socket(), port.hostName(), "a memif shows its socket");
        MemifInterface app = application(MemifConfig.slave(socket()));

        client.send(client.frameTo(VNF_IP).udp(40000, 2152, 64).build());
        ParsedFrame request = ParsedFrame.parse(awaitFrame(app));
        assertTrue(request.isUdp() && request.srcPort() == 40000 && request.dstPort() == 2152, request.toString());
        assertEquals(port.podMac(), request.dstMac(), "routed to the pod's MAC");
        assertEquals(port.gatewayMac(), request.srcMac(), "from the gateway");
        assertEquals(63, request.ttl(), "routed: TTL decremented");

        byte[] reply = fromVnf(port, CLIENT).udp(2152, 40000, 64).build();
        assertTrue(app.send(0, reply));
        ParsedFrame echoed = ParsedFrame.parse(awaitDelivery(client).orElseThrow(() -> new AssertionError("no reply at the client")));
        assertTrue(echoed.isUdp() && echoed.srcPort() == 2152 && echoed.dstPort() == 40000, echoed.toString());

        client.send(client.frameTo(VNF_IP).icmp(8, 0, 7, 32).build());
        assertEquals(1, ParsedFrame.parse(awaitFrame(app)).protocol(), "the ping request");
        assertTrue(app.send(0, fromVnf(port, CLIENT).icmp(0, 0, 7, 32).build()));
        assertEquals(1, awaitDelivery(client).map(ParsedFrame::parse).orElseThrow().protocol(), "the ping reply");

        InterfaceCounters counters = dp.stats().interfaces().stream().filter(c -> c.index() == port.index()).findFirst().orElseThrow();
        assertTrue(waitUntil(() -> dp.stats().interfaces().stream().anyMatch(c -> c.index() == port.index() && c.rxPackets() == 2)));
        assertEquals(2, counters.txPackets(), "two requests went out of the memif");
        assertEquals(List.of(), dp.stats().drops());
    }

    @Test
    void policyDecidesMemifTrafficAsItDecidesVethTraffic() {
        MemoryPod client = MemoryPod.of(dp.pods().attach(TestPods.pod("edge", "client", CLIENT)));
        PodAttachment vnf = attachVnf(memif(socket(), Memif.Mode.ETHERNET));
        AttachedInterface port = vnf.interfaces().getFirst();
        MemifInterface app = application(MemifConfig.slave(socket()));
        NetworkPolicyPeer fromClient = NetworkPolicyPeer.podsInNamespaces(LabelSelector.matchLabels(Map.of("app", "client")),
                LabelSelector.matchLabels(Map.of(Labels.NAMESPACE_NAME, "edge")));
        dp.policies().apply(PolicySet.of(
                NetworkPolicy.of("core", "upf-takes-gtpu", NetworkPolicySpec.of(LabelSelector.matchLabels(Map.of("app", "upf")),
                        List.of(PolicyType.INGRESS), List.of(IngressRule.allow(List.of(fromClient), List.of(NetworkPolicyPort.udp(2152)))), List.of())),
                NetworkPolicy.of("edge", "client-takes-nothing", NetworkPolicySpec.of(LabelSelector.matchLabels(Map.of("app", "client")),
                        List.of(PolicyType.INGRESS), List.of(), List.of()))));

        client.send(client.frameTo(VNF_IP).udp(40000, 2152, 16).build());
        awaitFrame(app);
        assertTrue(app.send(0, fromVnf(port, CLIENT).udp(2152, 40000, 16).build()));
        assertTrue(awaitDelivery(client).isPresent(), "the reply of an allowed flow passes the client's deny-all (stateful)");

        client.send(client.frameTo(VNF_IP).udp(40001, 53, 16).build());
        assertEquals(1, dp.stats().drops("policy-deny"), "UDP/53 into the memif pod is denied, at once (send is synchronous)");
        assertTrue(app.receive(0).isEmpty());

        assertTrue(app.send(0, fromVnf(port, CLIENT).udp(5000, 6000, 16).build()), "a new flow from the memif pod");
        assertTrue(waitUntil(() -> dp.stats().drops("policy-deny") == 2), "denied by the client's ingress policy");
        assertTrue(client.receive().isEmpty());
    }

    @Test
    void ipModeCarriesBareIpPacketsAndShowsNoPodMac() {
        MemoryPod client = MemoryPod.of(dp.pods().attach(TestPods.pod("edge", "client", CLIENT)));
        PodAttachment vnf = attachVnf(memif(socket(), Memif.Mode.IP));
        assertNull(vnf.interfaces().getFirst().podMac(), "an IP-mode memif has no MAC");
        MemifInterface app = application(MemifConfig.slave(socket()).withMode(Memif.Mode.IP));

        byte[] frame = client.frameTo(VNF_IP).udp(40000, 2152, 20).build();
        client.send(frame);
        byte[] packet = awaitFrame(app);
        assertEquals(0x45, packet[0] & 0xff, "an IPv4 packet, no Ethernet header");
        assertEquals(frame.length - 14, packet.length);

        byte[] reply = FrameBuilder.ip(VNF, CLIENT).udp(2152, 40000, 20).build();
        assertTrue(app.send(0, Arrays.copyOfRange(reply, 14, reply.length)));
        ParsedFrame delivered = ParsedFrame.parse(awaitDelivery(client).orElseThrow());
        assertTrue(delivered.isUdp() && delivered.dstPort() == 40000, delivered.toString());
        assertEquals(client.mac(), delivered.dstMac());
    }

    @Test
    void theLinkGoesDownWhenTheApplicationLeavesAndComesBackWithTheNextOne() {
        MemoryPod client = MemoryPod.of(dp.pods().attach(TestPods.pod("edge", "client", CLIENT)));
        PodAttachment vnf = attachVnf(memif(socket(), Memif.Mode.ETHERNET));
        AttachedInterface port = vnf.interfaces().getFirst();
        MemifInterface first = application(MemifConfig.slave(socket()));
        assertTrue(waitUntil(() -> linkEvents().equals(List.of(true))), "up: " + events);

        first.close();
        assertTrue(waitUntil(() -> linkEvents().equals(List.of(true, false))), "down: " + events);
        client.send(client.frameTo(VNF_IP).udp(40000, 2152, 8).build());
        assertEquals(1, dp.stats().drops("tx-full"), "nobody to hand it to");

        MemifInterface second = application(MemifConfig.slave(socket()));
        assertTrue(waitUntil(() -> linkEvents().equals(List.of(true, false, true))), "up again: " + events);
        client.send(client.frameTo(VNF_IP).udp(40000, 2152, 8).build());
        awaitFrame(second);
        assertTrue(second.send(0, fromVnf(port, CLIENT).udp(2152, 40000, 8).build()));
        assertTrue(awaitDelivery(client).isPresent(), "traffic resumes both ways");
        assertTrue(events.stream().allMatch(e -> !(e instanceof DataplaneEvent.InterfaceStateChanged s) || s.name().equals(socket())));
    }

    @Test
    void detachingClosesTheSocketAndLeavesNoBuffersInUse() {
        MemoryPod client = MemoryPod.of(dp.pods().attach(TestPods.pod("edge", "client", CLIENT)));
        PodAttachment vnf = attachVnf(memif(socket(), Memif.Mode.ETHERNET));
        MemifInterface app = application(MemifConfig.slave(socket()));
        for (int i = 0; i < 100; i++) {
            assertTrue(app.send(0, fromVnf(vnf.interfaces().getFirst(), CLIENT).udp(2152, 40000, 8).build()));
        }
        assertTrue(waitUntil(() -> client.receiveAll().size() > 0 && dp.stats().interfaces().stream()
                .anyMatch(c -> c.index() == vnf.interfaces().getFirst().index() && c.rxPackets() == 100)));
        vnf.detach();
        assertTrue(waitUntil(() -> !app.isConnected()), "the application was disconnected");
        assertFalse(dir.resolve("vnf.sock").toFile().exists(), "the socket file is gone");
        assertEquals(0, MemoryDataplane.of(dp).buffersInUse());

        PodAttachment again = attachVnf(memif(socket(), Memif.Mode.ETHERNET));
        assertTrue(app.awaitConnected(WAIT), "the same socket serves the next pod; the application reconnected");
        again.detach();
    }

    @Test
    void aSocketInADirectoryThatDoesNotExistIsRefusedAndNothingIsAttached() {
        Memif bad = memif(dir.resolve("missing/vnf.sock").toString(), Memif.Mode.ETHERNET);
        DataplaneException e = assertThrows(DataplaneException.class, () -> attachVnf(bad));
        assertTrue(e.getMessage().contains("interfaces[0]") && e.getMessage().contains("create it first"), e.getMessage());
        assertEquals(List.of(), dp.pods().list());
        assertEquals(List.of(), dp.stats().interfaces());
    }

    private List<Boolean> linkEvents() {
        synchronized (events) {
            return events.stream().filter(e -> e instanceof DataplaneEvent.InterfaceStateChanged)
                    .map(e -> ((DataplaneEvent.InterfaceStateChanged) e).up()).toList();
        }
    }

    private static boolean waitUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }
}
