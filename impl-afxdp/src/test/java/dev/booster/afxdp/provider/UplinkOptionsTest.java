package dev.booster.afxdp.provider;

import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class UplinkOptionsTest {
    private static AfXdpOptions parse(Map<String, String> options) {
        DataplaneConfig.Builder builder = DataplaneConfig.builder().nodeName("n");
        options.forEach(builder::option);
        return AfXdpOptions.from(builder.build());
    }

    @Test
    void noUplinkUnlessNamed() {
        assertEquals(Optional.empty(), parse(Map.of()).uplink());
    }

    @Test
    void allKeysParsedWithDefaultRoutes() {
        UplinkOptions up = parse(Map.of("afxdp.uplink", "eth1", "afxdp.uplink.podCidrs", "10.0.0.0/16, fd00::/64,",
                "afxdp.uplink.gatewayMac", "02:00:00:00:00:01")).uplink().orElseThrow();
        assertEquals("eth1", up.interfaceName());
        assertEquals(List.of(IpPrefix.parse("10.0.0.0/16"), IpPrefix.parse("fd00::/64")), up.podCidrs());
        assertEquals(List.of(IpPrefix.parse("0.0.0.0/0"), IpPrefix.parse("::/0")), up.routes());
        assertEquals(Optional.of(MacAddress.parse("02:00:00:00:00:01")), up.gatewayMac());
        assertEquals(Optional.empty(), parse(Map.of("afxdp.uplink", "eth1")).uplink().orElseThrow().gatewayMac(),
                "without the option the gateway's MAC is learnt at open");
        UplinkOptions routed = parse(Map.of("afxdp.uplink", "eth1", "afxdp.uplink.routes", "192.168.0.0/16",
                "afxdp.uplink.gatewayMac", "02:00:00:00:00:01")).uplink().orElseThrow();
        assertEquals(List.of(IpPrefix.parse("192.168.0.0/16")), routed.routes());
        assertEquals(List.of(), routed.podCidrs());
    }

    @Test
    void badValuesNameTheKeyAndTheFix() {
        InvalidSpecException multicast = assertThrows(InvalidSpecException.class, () -> parse(Map.of("afxdp.uplink", "eth1",
                "afxdp.uplink.gatewayMac", "01:00:5e:00:00:01")));
        assertTrue(multicast.getMessage().contains("unicast"), multicast.getMessage());
        InvalidSpecException hostBits = assertThrows(InvalidSpecException.class, () -> parse(Map.of("afxdp.uplink", "eth1",
                "afxdp.uplink.gatewayMac", "02:00:00:00:00:01", "afxdp.uplink.podCidrs", "10.0.0.1/16")));
        assertEquals("options.afxdp.uplink.podCidrs", hostBits.field());
        assertTrue(hostBits.getMessage().contains("10.0.0.0/16"), hostBits.getMessage());
        InvalidSpecException orphan = assertThrows(InvalidSpecException.class, () -> parse(Map.of("afxdp.uplink.podCidrs", "10.0.0.0/16")));
        assertTrue(orphan.getMessage().contains("needs afxdp.uplink"), orphan.getMessage());
        InvalidSpecException name = assertThrows(InvalidSpecException.class, () -> parse(Map.of("afxdp.uplink", "a-very-long-interface",
                "afxdp.uplink.gatewayMac", "02:00:00:00:00:01")));
        assertEquals("options.afxdp.uplink", name.field());
    }
}
