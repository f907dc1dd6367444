package dev.booster.engine;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.Ip6Address;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.packet.Port;
import dev.booster.engine.state.Adjacencies;
import dev.booster.engine.state.ForwardingState;
import dev.booster.engine.testing.TestNet;
import dev.booster.engine.testing.TestPort;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.booster.engine.testing.TestNet.*;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The engine changes its FIBs in place instead of rebuilding them per change: after any sequence of control changes
 * the FIBs route like a table built from scratch, and a running worker never pairs a FIB result with an interface or
 * adjacency it no longer has (a packet never leaves through the wrong pod's port).
 */
class InPlaceFibTest {
    private static final List<IpAddress> POD_ADDRESSES = List.of(
            ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.3"), ip("10.0.0.5"), ip("fd00::1"), ip("fd00::2"), ip("fd00::5"));
    private static final List<IpPrefix> ROUTES = List.of(
            IpPrefix.parse("0.0.0.0/0"), IpPrefix.parse("10.0.0.0/24"), IpPrefix.parse("10.0.0.0/30"), IpPrefix.parse("10.0.0.4/30"),
            IpPrefix.parse("10.0.0.3/32"), IpPrefix.parse("::/0"), IpPrefix.parse("fd00::/64"), IpPrefix.parse("fd00::4/126"));
    private static final List<IpAddress> PROBES = List.of(
            ip("10.0.0.1"), ip("10.0.0.2"), ip("10.0.0.3"), ip("10.0.0.4"), ip("10.0.0.5"), ip("10.0.0.9"), ip("10.9.0.1"),
            ip("fd00::1"), ip("fd00::2"), ip("fd00::5"), ip("fd00::9"), ip("2001:db8::1"));
    private static final List<MacAddress> MACS = List.of(
            MacAddress.parse("02:00:00:00:01:01"), MacAddress.parse("02:00:00:00:01:02"), MacAddress.parse("02:00:00:00:01:03"));
    private static final int POD_SLOTS = 4;

    sealed interface Op {
    }

    record Attach(int slot, List<Integer> addresses, Optional<Integer> mac) implements Op {
    }

    record Detach(int slot) implements Op {
    }

    record SetPodMac(int slot, Optional<Integer> mac) implements Op {
    }

    /** {@code via} 0 and 1 are the uplinks, 2.. the pod slots. */
    record AddRoute(int route, int via, int mac) implements Op {
    }

    record AddDropRoute(int route) implements Op {
    }

    record RemoveRoute(int route) implements Op {
    }

    @Provide
    Arbitrary<Op> ops() {
        Arbitrary<Integer> slot = Arbitraries.integers().between(0, POD_SLOTS - 1);
        Arbitrary<Optional<Integer>> mac = Arbitraries.integers().between(0, MACS.size() - 1).optional(0.7);
        Arbitrary<Integer> route = Arbitraries.integers().between(0, ROUTES.size() - 1);
        return Arbitraries.oneOf(
                Combinators.combine(slot, Arbitraries.integers().between(0, POD_ADDRESSES.size() - 1).list().ofMinSize(1).ofMaxSize(2).uniqueElements(), mac).as(Attach::new),
                slot.map(Detach::new),
                Combinators.combine(slot, mac).as(SetPodMac::new),
                Combinators.combine(route, Arbitraries.integers().between(0, 1 + POD_SLOTS), Arbitraries.integers().between(0, MACS.size() - 1)).as(AddRoute::new),
                route.map(AddDropRoute::new),
                route.map(RemoveRoute::new));
    }

    @Property(tries = 150)
    void routesLikeATableBuiltFromScratch(@ForAll @Size(max = 40) List<@net.jqwik.api.From("ops") Op> ops) {
        try (Engine engine = new Engine(EngineConfig.builder().maxInterfaces(8).conntrackCapacity(16).build())) {
            Model model = new Model(engine);
            for (Op op : ops) {
                model.apply(op);
                for (IpAddress probe : PROBES) {
                    assertEquals(model.expected(probe), actual(engine.state(), probe), () -> probe + " after " + op + " in " + ops);
                }
            }
        }
    }

    @Test
    void aRunningWorkerNeverSendsAPacketThroughAnInterfaceThatNoLongerHasItsRoute() throws InterruptedException {
        try (TestNet net = new TestNet(EngineConfig.builder().conntrackCapacity(4096).clock(System::nanoTime))) {
            TestPort c = new TestPort("c", net.buffers);
            TestPort d = new TestPort("d", net.buffers);
            InterfaceConfig.Pod podC = new InterfaceConfig.Pod("pod-c", "uid-c", c, List.of(ip("10.0.0.3")), 2, Optional.of(MACS.get(0)), GW);
            InterfaceConfig.Pod podD = new InterfaceConfig.Pod("pod-d", "uid-d", d, List.of(ip("10.0.0.4")), 3, Optional.of(MACS.get(1)), GW);
            byte[] toC = fromA("10.0.0.3").udp(1, 2, 0).build();
            byte[] toD = fromA("10.0.0.4").udp(1, 2, 0).build();
            net.engine.start();
            for (int round = 0; round < 300; round++) {
                for (int i = 0; i < 8; i++) net.a.inject(toC, toD);
                // C and D take turns at the same interface index, and so at adjacencies that get reused.
                int index = net.engine.addInterface(round % 2 == 0 ? podC : podD);
                net.engine.addRoute(IpPrefix.parse("10.1." + round % 7 + ".0/24"), index, MACS.get(2));
                Thread.onSpinWait();
                net.engine.removeInterface(index);
            }
            long deadline = System.nanoTime() + 5_000_000_000L;
            while (net.engine.totals().rxPackets() < 300 * 16 && System.nanoTime() < deadline) Thread.sleep(1);
            net.engine.stop();
            for (byte[] frame : c.drain()) {
                assertEquals(ip("10.0.0.3"), ip4(frame, 30), "pod C's port only ever sends packets for C");
                assertEquals(MACS.get(0), mac(frame, 0));
            }
            for (byte[] frame : d.drain()) {
                assertEquals(ip("10.0.0.4"), ip4(frame, 30), "pod D's port only ever sends packets for D");
                assertEquals(MACS.get(1), mac(frame, 0));
            }
            assertEquals(300 * 16, net.engine.totals().rxPackets(), "the worker kept running through the changes");
            assertTrue(net.engine.totals().balanced(), () -> net.engine.totals().toString());
            assertEquals(0, net.buffers.outstanding());
        }
    }

    @Test
    void aPortThatChangesRoutesFromInsideTheVectorIsToldInsteadOfHanging() {
        try (TestNet net = new TestNet()) {
            Port meddling = new Port() {
                @Override
                public int rx(PacketVector into, int max) {
                    net.engine.addRoute(IpPrefix.parse("10.7.0.0/16"), net.ifUplink, NEXT_HOP);
                    return 0;
                }

                @Override
                public int tx(PacketVector from, int[] slots, int count) {
                    return 0;
                }
            };
            net.engine.addInterface(new InterfaceConfig.Uplink("meddling", meddling, UPLINK_MAC));
            var error = assertThrows(IllegalStateException.class, net.engine::pollOnce);
            assertTrue(error.getMessage().contains("from inside worker 0's vector"), error.getMessage());
        }
    }

    private static Optional<String> actual(ForwardingState state, IpAddress address) {
        int adjacency = switch (address) {
            case Ip4Address v4 -> state.fib4().lookup(v4.bits());
            case Ip6Address v6 -> state.fib6().lookup(v6.high(), v6.low());
        };
        if (adjacency < 0) return Optional.empty();
        Adjacencies adjacencies = state.adjacencies();
        return Optional.of(describe(adjacencies.interfaceOf(adjacency), adjacencies.mac(adjacency)));
    }

    private static String describe(int iface, long mac) {
        return iface == Adjacencies.DISCARD ? "discard" : "#" + iface + " " + (mac == Adjacencies.LEARNED ? "learned" : new MacAddress(mac));
    }

    private static IpAddress ip(String text) {
        return IpAddress.parse(text);
    }

    /** The control changes applied to an engine and, alongside, to a plain map the expected routes come from. */
    private static final class Model {
        private final Engine engine;
        private final int[] uplinks = new int[2];
        private final TestPort[] ports = new TestPort[POD_SLOTS];
        private final Map<Integer, Integer> podIndex = new HashMap<>();
        private final Map<Integer, InterfaceConfig.Pod> pods = new HashMap<>();
        private final Map<IpPrefix, String> routes = new HashMap<>();
        private final Map<IpPrefix, Integer> routeVia = new HashMap<>();

        Model(Engine engine) {
            this.engine = engine;
            for (int u = 0; u < 2; u++) uplinks[u] = engine.addInterface(new InterfaceConfig.Uplink("up" + u, new TestPort("up" + u, null), UPLINK_MAC));
            for (int s = 0; s < POD_SLOTS; s++) ports[s] = new TestPort("pod" + s, null);
        }

        void apply(Op op) {
            try {
                switch (op) {
                    case Attach(int slot, List<Integer> addresses, Optional<Integer> mac) -> {
                        if (podIndex.containsKey(slot)) return;
                        var pod = new InterfaceConfig.Pod("pod" + slot, "uid" + slot, ports[slot],
                                addresses.stream().map(POD_ADDRESSES::get).toList(), slot, mac.map(MACS::get), GW);
                        int index = engine.addInterface(pod);
                        podIndex.put(slot, index);
                        pods.put(index, pod);
                    }
                    case Detach(int slot) -> {
                        Integer index = podIndex.remove(slot);
                        if (index == null) return;
                        engine.removeInterface(index);
                        pods.remove(index);
                        routeVia.entrySet().removeIf(e -> {
                            boolean through = e.getValue().equals(index);
                            if (through) routes.remove(e.getKey());
                            return through;
                        });
                    }
                    case SetPodMac(int slot, Optional<Integer> mac) -> {
                        Integer index = podIndex.get(slot);
                        if (index == null) return;
                        engine.setPodMac(index, mac.map(MACS::get));
                        pods.put(index, pods.get(index).withPodMac(mac.map(MACS::get)));
                    }
                    case AddRoute(int route, int via, int mac) -> {
                        Integer index = via < 2 ? Integer.valueOf(uplinks[via]) : podIndex.get(via - 2);
                        if (index == null) return;
                        engine.addRoute(ROUTES.get(route), index, MACS.get(mac));
                        routes.put(ROUTES.get(route), describe(index, MACS.get(mac).bits()));
                        routeVia.put(ROUTES.get(route), index);
                    }
                    case AddDropRoute(int route) -> {
                        engine.addDropRoute(ROUTES.get(route));
                        routes.put(ROUTES.get(route), "discard");
                        routeVia.remove(ROUTES.get(route));
                    }
                    case RemoveRoute(int route) -> {
                        assertEquals(routes.remove(ROUTES.get(route)) != null, engine.removeRoute(ROUTES.get(route)));
                        routeVia.remove(ROUTES.get(route));
                    }
                }
            } catch (IllegalArgumentException refused) {
                // A route on a pod's host address, or a pod on an address another pod or a host route has: the
                // engine refuses it and changes nothing, which the next probes check.
            }
        }

        Optional<String> expected(IpAddress address) {
            IpPrefix best = null;
            String bestTarget = null;
            for (Map.Entry<IpPrefix, String> route : routes.entrySet()) {
                if (route.getKey().contains(address) && (best == null || route.getKey().length() > best.length())) {
                    best = route.getKey();
                    bestTarget = route.getValue();
                }
            }
            for (Map.Entry<Integer, InterfaceConfig.Pod> pod : pods.entrySet()) {
                if (pod.getValue().addresses().contains(address)) {
                    return Optional.of(describe(pod.getKey(), pod.getValue().podMac().map(MacAddress::bits).orElse(Adjacencies.LEARNED)));
                }
            }
            return Optional.ofNullable(bestTarget);
        }
    }
}
