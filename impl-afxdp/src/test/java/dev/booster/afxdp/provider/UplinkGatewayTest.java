package dev.booster.afxdp.provider;

import dev.booster.host.link.CommandResult;
import dev.booster.host.link.IpLinkManager;
import dev.booster.api.DataplaneException;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.MacAddress;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.*;

/** Learning the uplink's next-hop MAC from `ip route` and `ip neigh`, against a played host. */
class UplinkGatewayTest {
    private static final MacAddress GATEWAY_MAC = MacAddress.parse("02:00:00:00:00:2a");

    private String routes4 = "default via 198.18.4.2 metric 4242\n";
    private String routes6 = "";
    private final AtomicBoolean resolved = new AtomicBoolean();
    private final List<IpAddress> probed = new ArrayList<>();

    private final IpLinkManager links = new IpLinkManager((command, timeout) -> {
        String out;
        if (command.contains("route")) out = command.contains("-4") ? routes4 : routes6;
        else out = resolved.get() ? "198.18.4.2 lladdr " + GATEWAY_MAC + " REACHABLE\n" : "198.18.4.2 INCOMPLETE\n";
        return new CommandResult(command, 0, out, "");
    }, Duration.ofSeconds(1), "ip");

    private UplinkGateway gateway() {
        return new UplinkGateway(links, (uplink, address) -> {
            probed.add(address);
            resolved.set(true);
        }, Duration.ofMillis(500));
    }

    @Test
    void aKnownNeighbourIsTakenAsItIs() {
        resolved.set(true);
        assertEquals(GATEWAY_MAC, gateway().learn("up0"));
        assertEquals(List.of(), probed, "no need to ask the gateway");
    }

    @Test
    void anUnresolvedGatewayIsAskedAndThenRead() {
        assertEquals(GATEWAY_MAC, gateway().learn("up0"));
        assertEquals(List.of(IpAddress.parse("198.18.4.2")), probed);
    }

    @Test
    void theIpv6GatewayServesWhenThereIsNoIpv4Default() {
        routes4 = "";
        routes6 = "default via fe80::1 proto ra metric 1024 pref medium\n";
        assertEquals(GATEWAY_MAC, gateway().learn("up0"));
        assertEquals(List.of(IpAddress.parse("fe80::1")), probed);
    }

    @Test
    void noDefaultRouteThroughTheUplinkNamesTheOption() {
        routes4 = "";
        DataplaneException e = assertThrows(DataplaneException.class, () -> gateway().learn("up0"));
        assertTrue(e.getMessage().contains("no default route leaves through it"), e.getMessage());
        assertTrue(e.getMessage().contains("set option afxdp.uplink.gatewayMac"), e.getMessage());
    }

    @Test
    void aSilentGatewayNamesTheOption() {
        UplinkGateway silent = new UplinkGateway(links, (uplink, address) -> probed.add(address), Duration.ofMillis(200));
        DataplaneException e = assertThrows(DataplaneException.class, () -> silent.learn("up0"));
        assertTrue(e.getMessage().contains("did not answer ARP/ND"), e.getMessage());
        assertTrue(e.getMessage().contains("[198.18.4.2]"), e.getMessage());
        assertTrue(e.getMessage().contains("set option afxdp.uplink.gatewayMac"), e.getMessage());
    }
}
