package dev.booster.engine;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.api.policy.PolicyType;
import dev.booster.engine.policy.PolicyEndpoint;
import dev.booster.engine.testing.TestNet;
import dev.booster.engine.testing.TestPolicy;
import dev.booster.engine.testing.TestPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static dev.booster.engine.testing.TestNet.*;
import static org.junit.jupiter.api.Assertions.*;

/** The control API the backends call: validation, changes taking effect, counters per interface. */
class EngineControlTest {
    private final TestNet net = new TestNet();

    @AfterEach
    void close() {
        net.close();
    }

    @Test
    void refusesConflictingInterfacesAndRoutesWithMessagesThatSayWhy() {
        TestPort other = new TestPort("x", net.buffers);
        var sameName = assertThrows(IllegalArgumentException.class, () -> net.engine.addInterface(
                new InterfaceConfig.Uplink("pod-a", other, UPLINK_MAC)));
        assertTrue(sameName.getMessage().contains("\"pod-a\" is taken"), sameName.getMessage());
        var samePort = assertThrows(IllegalArgumentException.class, () -> net.engine.addInterface(
                new InterfaceConfig.Uplink("x", net.a, UPLINK_MAC)));
        assertTrue(samePort.getMessage().contains("already attached"), samePort.getMessage());
        var sameAddress = assertThrows(IllegalArgumentException.class, () -> net.engine.addInterface(new InterfaceConfig.Pod(
                "pod-x", "x", other, List.of(IpAddress.parse("10.0.0.1")), 5, Optional.empty(), GW)));
        assertTrue(sameAddress.getMessage().contains("already belongs to \"pod-a\""), sameAddress.getMessage());
        var hostRoute = assertThrows(IllegalArgumentException.class, () -> net.engine.addRoute(IpPrefix.parse("10.0.0.2/32"), net.ifUplink, NEXT_HOP));
        assertTrue(hostRoute.getMessage().contains("host route of pod interface \"pod-b\""), hostRoute.getMessage());
        assertThrows(IllegalArgumentException.class, () -> net.engine.addRoute(IpPrefix.parse("10.8.0.0/16"), 99, NEXT_HOP));
        assertThrows(IllegalArgumentException.class, () -> net.engine.setPodMac(net.ifUplink, Optional.empty()));
        assertFalse(net.engine.removeRoute(IpPrefix.parse("10.8.0.0/16")));
    }

    @Test
    void freedIndicesAreReusedWithCountersStartingAtZero() {
        net.send(net.b, fromB("10.0.0.1").udp(1, 2, 0).build());
        assertEquals(1, net.engine.interfaceCounters(net.ifB).rxPackets());
        net.engine.removeInterface(net.ifB);
        TestPort c = new TestPort("c", net.buffers);
        int ifC = net.engine.addInterface(new InterfaceConfig.Pod("pod-c", "uid-c", c, List.of(IpAddress.parse("10.0.0.3")), 2,
                Optional.of(MacAddress.parse("02:00:00:00:00:0c")), GW));
        assertEquals(net.ifB, ifC);
        var counters = net.engine.interfaceCounters(ifC);
        assertEquals("pod-c", counters.name());
        assertEquals(0, counters.rxPackets());
        assertEquals(List.of("pod-a", "pod-c", "uplink"), net.engine.interfaceCounters().stream().map(i -> i.name()).toList());
    }

    @Test
    void macAndEndpointChangesTakeEffectOnTheNextVector() {
        MacAddress newGateway = MacAddress.parse("02:ee:00:00:00:01");
        net.engine.setGatewayMac(net.ifA, newGateway);
        net.send(net.a, fromA("10.0.0.2").udp(1, 2, 0).build());
        assertEquals(1, net.engine.drops(DropReason.NOT_FOR_US), "the old gateway MAC is no longer ours");
        net.send(net.a, fromA("10.0.0.2").to(newGateway).udp(1, 2, 0).build());
        assertEquals(1, net.b.drain().size());

        MacAddress newPodMac = MacAddress.parse("02:00:00:00:00:bb");
        net.engine.setPodMac(net.ifB, Optional.of(newPodMac));
        net.send(net.a, fromA("10.0.0.2").to(newGateway).udp(1, 3, 0).build());
        assertEquals(newPodMac, mac(net.b.drain().getFirst(), 0));

        net.engine.publishPolicy(new TestPolicy(1).deny(1, PolicyType.INGRESS, 4));
        net.engine.setPolicyEndpoint(net.ifB, PolicyEndpoint.REMOTE);
        net.send(net.a, fromA("10.0.0.2").to(newGateway).udp(1, 4, 0).build());
        assertEquals(1, net.b.drain().size(), "B has no endpoint any more, so its ingress rules do not apply");
        assertEquals(Optional.of(PolicyEndpoint.REMOTE), net.engine.interfaceConfig(net.ifB).map(c -> ((InterfaceConfig.Pod) c).policyEndpoint()));
    }

    @Test
    void removingAnInterfaceRemovesTheRoutesThroughIt() {
        net.engine.removeInterface(net.ifUplink);
        net.send(net.a, fromA("192.168.1.1").udp(1, 2, 0).build());
        assertEquals(1, net.engine.drops(DropReason.NO_ROUTE));
        assertTrue(net.engine.state().fib4().lookup(0xC0A8_0101) < 0);
    }
}
