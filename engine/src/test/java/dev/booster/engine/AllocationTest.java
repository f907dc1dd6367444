package dev.booster.engine;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.api.policy.PolicyType;
import dev.booster.engine.packet.ArenaPacketBuffers;
import dev.booster.engine.frame.FrameBuilder;
import dev.booster.engine.testing.ReplayPort;
import dev.booster.engine.testing.TestNet;
import dev.booster.engine.testing.TestPolicy;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Optional;

import static dev.booster.engine.testing.TestNet.*;
import static org.junit.jupiter.api.Assertions.*;

/** The packet path allocates nothing: measured with the JVM's per-thread allocation counter over many vectors. */
class AllocationTest {

    @Test
    void forwardingPolicyConntrackArpNdAndDropsAllocateNothing() {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeAllocationCounting(threads);
        try (ArenaPacketBuffers buffers = new ArenaPacketBuffers(1024, 2048, 64)) {
            TestNet.ManualClock clock = new TestNet.ManualClock();
            Engine engine = new Engine(EngineConfig.builder().conntrackCapacity(64).clock(clock).build());
            MacAddress macB = MacAddress.parse("02:00:00:00:00:0b");
            ReplayPort a = new ReplayPort(buffers, List.of(
                    fromA("10.0.0.2").udp(40000, 53, 16).build(),
                    fromA("10.0.0.2").tcp(40000, 80, 0x02).build(),
                    fromA("fd00::2").extension(0, new byte[]{0, 1, 4, 0, 0, 0, 0}).udp(1, 2, 0).build(),
                    fromA("192.168.1.1").udp(1, 2, 0).build(),
                    fromA("10.99.0.1").udp(1, 2, 0).build(),
                    fromA("10.0.0.2").ttl(1).udp(1, 2, 0).build(),
                    new byte[20],
                    FrameBuilder.arpRequest(MAC_A, "10.0.0.1", "169.254.1.1"),
                    FrameBuilder.neighbourSolicitation(MAC_A, "fe80::a", "fe80::1", true)));
            ReplayPort b = new ReplayPort(buffers, List.of(FrameBuilder.ip("10.0.0.2", "10.0.0.1").from(macB).to(GW).udp(53, 40000, 16).build()));
            ReplayPort up = new ReplayPort(buffers, List.of());
            engine.addInterface(new InterfaceConfig.Pod("pod-a", "a", a, List.of(IpAddress.parse("10.0.0.1"), IpAddress.parse("fd00::1")), 0, Optional.of(MAC_A), GW));
            engine.addInterface(new InterfaceConfig.Pod("pod-b", "b", b, List.of(IpAddress.parse("10.0.0.2"), IpAddress.parse("fd00::2")), 1, Optional.of(macB), GW));
            int uplink = engine.addInterface(new InterfaceConfig.Uplink("uplink", up, UPLINK_MAC));
            engine.addRoute(IpPrefix.parse("192.168.0.0/16"), uplink, NEXT_HOP);
            engine.publishPolicy(new TestPolicy(1).deny(1, PolicyType.INGRESS, 80));

            run(engine, a, b, clock, 200_000);
            // The best of several windows: one that ran before C2 finished compiling counts what the JIT later removes.
            long allocated = Long.MAX_VALUE;
            for (int window = 0; window < 5 && allocated >= 4096; window++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                run(engine, a, b, clock, 200_000);
                allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
            }

            assertTrue(allocated < 4096, "the packet path allocated " + allocated + " bytes for 400k packets");
            assertTrue(engine.totals().balanced());
            for (DropReason exercised : List.of(DropReason.POLICY_DENY, DropReason.NOT_FOR_US, DropReason.NO_ROUTE, DropReason.TTL_EXPIRED)) {
                assertTrue(engine.drops(exercised) > 0, exercised.reasonName());
            }
            assertTrue(engine.totals().generated() > 0, "ICMP errors were built");
            assertEquals(0, buffers.inUse());
        }
    }

    @Test
    void tunnelEncapsulationDecapsulationAndEspAllocateNothing() throws Exception {
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        assumeAllocationCounting(threads);
        try (ArenaPacketBuffers buffers = new ArenaPacketBuffers(1024, 2048, 128)) {
            TestNet.ManualClock clock = new TestNet.ManualClock();
            Engine engine = new Engine(EngineConfig.builder().conntrackCapacity(64).clock(clock).build());
            byte[] toA = FrameBuilder.ip("10.2.0.10", "10.0.0.1").from(NEXT_HOP).to(UPLINK_MAC).udp(53, 40000, 16).build();
            ReplayPort a = new ReplayPort(buffers, List.of(
                    fromA("10.2.0.10").udp(40000, 53, 16).build(),
                    fromA("10.3.0.10").udp(40000, 53, 16).build(),
                    fromA("10.4.0.10").udp(40000, 53, 16).build(),
                    fromA("10.2.0.10").fragment(0x4000).udp(40000, 53, 1500).build()));
            ReplayPort up = new ReplayPort(buffers, List.of(
                    FrameBuilder.ip("192.168.50.2", "192.168.50.1").from(NEXT_HOP).to(UPLINK_MAC).raw(4, java.util.Arrays.copyOfRange(toA, 14, toA.length)).build(),
                    FrameBuilder.ip("192.168.50.9", "192.168.50.1").from(NEXT_HOP).to(UPLINK_MAC).raw(4, java.util.Arrays.copyOfRange(toA, 14, toA.length)).build()));
            engine.addInterface(new InterfaceConfig.Pod("pod-a", "a", a, List.of(IpAddress.parse("10.0.0.1")), dev.booster.engine.policy.PolicyEndpoint.REMOTE, Optional.of(MAC_A), GW));
            int uplink = engine.addInterface(new InterfaceConfig.Uplink("uplink", up, UPLINK_MAC));
            IpAddress local = IpAddress.parse("192.168.50.1");
            int ipip = engine.addTunnel(new TunnelConfig(TunnelConfig.Kind.IPIP, uplink, NEXT_HOP, local, IpAddress.parse("192.168.50.2"), 0, 1480));
            int vxlan = engine.addTunnel(new TunnelConfig(TunnelConfig.Kind.VXLAN, uplink, NEXT_HOP, local, IpAddress.parse("192.168.50.3"), 7, 1450));
            int esp = engine.addTunnel(new TunnelConfig(TunnelConfig.Kind.ESP, uplink, NEXT_HOP, local, IpAddress.parse("192.168.50.4"), 0, 1400));
            engine.addTunnelRoute(IpPrefix.parse("10.2.0.0/24"), ipip);
            engine.addTunnelRoute(IpPrefix.parse("10.3.0.0/24"), vxlan);
            engine.addTunnelRoute(IpPrefix.parse("10.4.0.0/24"), esp);
            var sa = dev.booster.ipsec.SecurityAssociation.fromKeyMaterial(0x1000, dev.booster.ipsec.EspAlgorithm.AES_GCM_16_128, new byte[20], true,
                    new dev.booster.ipsec.TunnelEndpoints(java.net.InetAddress.getByName("192.168.50.1"), java.net.InetAddress.getByName("192.168.50.4")));
            org.junit.jupiter.api.Assumptions.assumeTrue(dev.booster.ipsec.EspCrypto.preferred() == dev.booster.ipsec.EspCrypto.OPENSSL,
                    "libcrypto is missing; the JDK's AES-GCM allocates per packet");
            engine.setTunnelEsp(esp, new dev.booster.engine.state.TunnelEsp(dev.booster.ipsec.EspEncryptor.open(sa),
                    dev.booster.ipsec.EspInbound.of(List.of())));

            run(engine, a, up, clock, 200_000);
            long allocated = Long.MAX_VALUE;
            for (int window = 0; window < 5 && allocated >= 4096; window++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                run(engine, a, up, clock, 200_000);
                allocated = Math.min(allocated, threads.getCurrentThreadAllocatedBytes() - before);
            }

            assertTrue(allocated < 4096, "the tunnel path allocated " + allocated + " bytes for 400k packets");
            assertTrue(engine.totals().balanced());
            assertTrue(engine.drops(DropReason.PACKET_TOO_BIG) > 0);
            assertTrue(engine.drops(DropReason.TUNNEL_UNKNOWN_PEER) > 0);
            assertTrue(engine.interfaceCounters(uplink).txPackets() > 0);
            assertTrue(engine.interfaceCounters(0).txPackets() > 0, "unwrapped packets reached the pod");
            engine.close();
            assertEquals(0, buffers.inUse());
        }
    }

    private static void run(Engine engine, ReplayPort a, ReplayPort b, TestNet.ManualClock clock, int packets) {
        a.receiveNext(packets);
        b.receiveNext(packets);
        while (engine.pollOnce() > 0) clock.advance(10_000);
    }

    private static void assumeAllocationCounting(com.sun.management.ThreadMXBean threads) {
        org.junit.jupiter.api.Assumptions.assumeTrue(threads.isThreadAllocatedMemorySupported());
        threads.setThreadAllocatedMemoryEnabled(true);
    }
}
