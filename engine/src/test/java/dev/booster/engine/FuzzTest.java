package dev.booster.engine;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.api.policy.PolicyType;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.packet.Port;
import dev.booster.engine.frame.Checksums;
import dev.booster.engine.frame.FrameBuilder;
import dev.booster.engine.testing.TestBuffers;
import dev.booster.engine.testing.TestNet;
import dev.booster.engine.testing.TestPolicy;
import dev.booster.engine.trace.TraceFilter;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;

import static dev.booster.engine.testing.TestNet.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Feeds a million random and mutated frames through the whole graph (seeded, so a failure reproduces) and checks
 * the engine's accounting: nothing throws, every packet is transmitted or dropped with a counted reason, every
 * buffer returns to its owner, and no byte outside a buffer is written.
 */
class FuzzTest {
    private static final int FRAMES = 1_000_000;
    private static final long SEED = 0x5eed_b005_7e12L;

    @Test
    void millionsOfMalformedFramesAreAllAccountedFor() {
        try (TestBuffers buffers = new TestBuffers(1024, 2048, 64)) {
            SplittableRandom random = new SplittableRandom(SEED);
            TestNet.ManualClock clock = new TestNet.ManualClock();
            Engine engine = new Engine(EngineConfig.builder().conntrackCapacity(256).traceCapacity(64)
                    .conntrackTimeouts(new dev.booster.engine.conntrack.Timeouts(50_000_000, 5_000_000, 5_000_000, 5_000_000, 5_000_000))
                    .clock(clock).build());
            FuzzPort a = new FuzzPort(buffers, random.split(), fromPodA(), FRAMES / 3 + FRAMES % 3);
            FuzzPort b = new FuzzPort(buffers, random.split(), fromPodB(), FRAMES / 3);
            FuzzPort up = new FuzzPort(buffers, random.split(), fromOutside(), FRAMES / 3);
            engine.addInterface(new InterfaceConfig.Pod("pod-a", "a", a, List.of(IpAddress.parse("10.0.0.1"), IpAddress.parse("fd00::1")), 0, Optional.of(MAC_A), GW));
            engine.addInterface(new InterfaceConfig.Pod("pod-b", "b", b, List.of(IpAddress.parse("10.0.0.2"), IpAddress.parse("fd00::2")), 1, Optional.empty(), GW));
            int uplink = engine.addInterface(new InterfaceConfig.Uplink("uplink", up, UPLINK_MAC));
            engine.addRoute(IpPrefix.parse("192.168.0.0/16"), uplink, NEXT_HOP);
            engine.addRoute(IpPrefix.parse("2001:db8::/32"), uplink, NEXT_HOP);
            engine.addDropRoute(IpPrefix.parse("192.168.66.0/24"));

            long polls = 0;
            while (engine.pollOnce() > 0) {
                polls++;
                clock.advance(1_000_000);
                if (polls % 500 == 0) {
                    engine.publishPolicy(new TestPolicy(polls).deny(1, PolicyType.INGRESS, (int) (polls / 500 % 4) + 52)
                            .deny(0, PolicyType.EGRESS, 443));
                    engine.traceClear();
                    engine.traceAdd(16, TraceFilter.any());
                }
            }
            engine.traces().forEach(PacketTrace -> assertFalse(PacketTrace.steps().isEmpty()));

            Engine.Totals totals = engine.totals();
            assertEquals(FRAMES, totals.rxPackets());
            assertTrue(totals.balanced(), "rx + generated = tx + drops: " + totals);
            assertEquals(a.transmitted + b.transmitted + up.transmitted, totals.txPackets());
            assertEquals(totals.drops(), engine.drops().stream().mapToLong(d -> d.packets()).sum());
            assertEquals(0, engine.drops(DropReason.GRAPH_LOOP));
            assertEquals(0, buffers.outstanding(), "every buffer returned");
            assertTrue(buffers.canariesIntact(), "no write outside a buffer");
            assertTrue(totals.txPackets() > FRAMES / 20, "enough frames survive to exercise the deep nodes: " + totals);
            for (DropReason reason : List.of(DropReason.BAD_CHECKSUM, DropReason.TRUNCATED, DropReason.BAD_HEADER,
                    DropReason.FRAGMENT, DropReason.NO_ROUTE, DropReason.TTL_EXPIRED, DropReason.POLICY_DENY,
                    DropReason.NOT_FOR_US, DropReason.UNSUPPORTED_ETHERTYPE, DropReason.SPOOFED_SOURCE)) {
                assertTrue(engine.drops(reason) > 0, "the fuzz reaches " + reason.reasonName() + ": " + engine.drops());
            }
        }
    }

    private static List<byte[]> fromPodA() {
        byte[] hopByHop = {0, 1, 4, 0, 0, 0, 0};
        return List.of(
                fromA("10.0.0.2").udp(40000, 53, 16).build(),
                fromA("10.0.0.2").tcp(40000, 80, 0x02).build(),
                fromA("10.0.0.2").icmp(8, 0, 9, 16).build(),
                fromA("10.0.0.2").sctp(9, 10).build(),
                fromA("192.168.1.1").tcp(40000, 443, 0x02).build(),
                fromA("192.168.66.1").udp(1, 2, 0).build(),
                fromA("10.77.0.1").udp(1, 2, 600).build(),
                fromA("10.0.0.2").ttl(1).udp(1, 2, 0).build(),
                fromA("fd00::2").udp(40000, 53, 16).build(),
                fromA("fd00::2").extension(0, hopByHop).extension(60, hopByHop).tcp(1, 54, 0x02).build(),
                fromA("fd00::2").extension(43, new byte[]{0, 0, 0, 0, 0, 0, 0}).icmp(128, 0, 3, 8).build(),
                fromA("2001:db8::1").udp(1, 2, 0).build(),
                fromA("fd77::1").ttl(1).udp(1, 2, 0).build(),
                fromA("10.0.0.2").fragment(0x2000).udp(1, 2, 8).build(),
                FrameBuilder.arpRequest(MAC_A, "10.0.0.1", "169.254.1.1"),
                FrameBuilder.neighbourSolicitation(MAC_A, "fe80::a", "fe80::1", true));
    }

    /** Pod B's MAC is learned, not configured, so these include what teaches it. */
    private static List<byte[]> fromPodB() {
        MacAddress macB = MacAddress.parse("02:00:00:00:00:0b");
        return List.of(
                FrameBuilder.ip("10.0.0.2", "10.0.0.1").from(macB).to(GW).udp(53, 40000, 16).build(),
                FrameBuilder.ip("10.0.0.2", "10.0.0.1").from(macB).to(GW).tcp(80, 40000, 0x12).build(),
                FrameBuilder.ip("10.0.0.2", "10.0.0.1").from(macB).to(GW).icmp(0, 0, 9, 16).build(),
                FrameBuilder.ip("fd00::2", "fd00::1").from(macB).to(GW).udp(53, 40000, 16).build(),
                FrameBuilder.ip("10.0.0.2", "192.168.3.3").from(macB).to(GW).udp(5, 6, 0).build(),
                FrameBuilder.arpRequest(macB, "10.0.0.2", "169.254.1.1"),
                FrameBuilder.neighbourSolicitation(macB, "fe80::b", "fe80::1", true));
    }

    private static List<byte[]> fromOutside() {
        return List.of(
                FrameBuilder.ip("192.168.9.9", "10.0.0.2").from(NEXT_HOP).to(UPLINK_MAC).tcp(443, 40000, 0x12).build(),
                FrameBuilder.ip("192.168.9.9", "10.0.0.1").from(NEXT_HOP).to(UPLINK_MAC).udp(53, 40000, 32).build(),
                FrameBuilder.ip("2001:db8::9", "fd00::1").from(NEXT_HOP).to(UPLINK_MAC).tcp(443, 40000, 0x12).build(),
                FrameBuilder.ip("192.168.9.9", "10.0.0.9").from(NEXT_HOP).to(UPLINK_MAC).udp(53, 40000, 32).build(),
                FrameBuilder.ip("192.168.9.9", "10.0.0.1").from(NEXT_HOP).to(UPLINK_MAC).ttl(1).udp(53, 40000, 32).build());
    }

    /** Makes frames on demand straight into off-heap buffers; frees what the engine transmits. */
    private static final class FuzzPort implements Port {
        private final TestBuffers buffers;
        private final SplittableRandom random;
        private final List<byte[]> templates;
        private final byte[] scratch = new byte[1600];
        private int remaining;
        long transmitted;

        FuzzPort(TestBuffers buffers, SplittableRandom random, List<byte[]> templates, int frames) {
            this.buffers = buffers;
            this.random = random;
            this.templates = templates;
            this.remaining = frames;
        }

        @Override
        public int rx(PacketVector into, int max) {
            int n = 0;
            int burst = Math.min(max, 1 + random.nextInt(100));
            while (n < burst && remaining > 0) {
                int handle = buffers.alloc();
                if (handle < 0) break;
                int length = nextFrame();
                long address = buffers.address(handle) + buffers.headroom();
                MemorySegment.copy(scratch, 0, MemorySegment.ofAddress(address).reinterpret(length), ValueLayout.JAVA_BYTE, 0, length);
                into.append(handle, buffers, address, length, buffers.headroom(), buffers.bufferSize() - buffers.headroom());
                remaining--;
                n++;
            }
            return n;
        }

        @Override
        public int tx(PacketVector from, int[] slots, int count) {
            int taken = random.nextInt(16) == 0 ? random.nextInt(count + 1) : count;
            for (int i = 0; i < taken; i++) from.owner[slots[i]].free(from.buffer[slots[i]]);
            transmitted += taken;
            return taken;
        }

        /** Writes a frame into {@code scratch}; returns its length. */
        private int nextFrame() {
            if (random.nextInt(10) == 0) return randomFrame();
            byte[] t = templates.get(random.nextInt(templates.size()));
            System.arraycopy(t, 0, scratch, 0, t.length);
            int length = t.length;
            int mutations = random.nextInt(4);
            for (int m = 0; m < mutations; m++) length = mutate(length);
            if (random.nextBoolean() && length >= 34 && scratch[12] == 0x08 && scratch[13] == 0) {
                byte[] header = java.util.Arrays.copyOfRange(scratch, 14, Math.min(length, 14 + 60));
                Checksums.fixIp4Header(header, 0);
                System.arraycopy(header, 0, scratch, 14, header.length);
            }
            return length;
        }

        private int mutate(int length) {
            switch (random.nextInt(6)) {
                case 0 -> {
                    if (length > 0) scratch[random.nextInt(length)] ^= (byte) (1 << random.nextInt(8));
                }
                case 1 -> length = random.nextInt(length + 1);
                case 2 -> {
                    int extra = random.nextInt(64);
                    for (int i = 0; i < extra && length < scratch.length; i++) scratch[length++] = (byte) random.nextInt();
                }
                case 3 -> poke(length, 16 + random.nextInt(2), random.nextInt(256));
                case 4 -> poke(length, random.nextBoolean() ? 14 : 18 + random.nextInt(2), random.nextInt(256));
                default -> poke(length, 34 + random.nextInt(48), random.nextInt(256));
            }
            return length;
        }

        /** Length fields live at 14 (IHL), 16..17 (IPv4 total), 18..19 (IPv6 payload) and in the transport and extension headers. */
        private void poke(int length, int at, int value) {
            if (at < length) scratch[at] = (byte) value;
        }

        private int randomFrame() {
            int length = random.nextInt(200);
            for (int i = 0; i < length; i++) scratch[i] = (byte) random.nextInt();
            if (length >= 14 && random.nextBoolean()) {
                byte[] gw = GW.toBytes();
                System.arraycopy(gw, 0, scratch, 0, 6);
                int type = switch (random.nextInt(3)) {
                    case 0 -> 0x0800;
                    case 1 -> 0x86dd;
                    default -> 0x0806;
                };
                scratch[12] = (byte) (type >>> 8);
                scratch[13] = (byte) type;
            }
            return length;
        }
    }
}
