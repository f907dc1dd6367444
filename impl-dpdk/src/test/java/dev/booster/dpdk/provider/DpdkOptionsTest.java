package dev.booster.dpdk.provider;

import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;
import dev.booster.dpdk.eal.EalOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class DpdkOptionsTest {

    private static DpdkOptions parse(String... keyValues) {
        DataplaneConfig.Builder builder = DataplaneConfig.builder().provider("dpdk");
        for (int i = 0; i < keyValues.length; i += 2) builder.option(keyValues[i], keyValues[i + 1]);
        return DpdkOptions.from(builder.build());
    }

    @Test
    void defaultsNeedNoOption() {
        assertEquals(DpdkOptions.defaults(), parse());
    }

    @Test
    void everyOptionIsRead() {
        DpdkOptions options = parse("dpdk.mbufs", "4095", "dpdk.memoryMb", "1024", "dpdk.hugepages", "off", "dpdk.lcores", "0@1",
                "dpdk.pci", "0000:03:00.0, 04:00.1", "dpdk.ealArgs", " --log-level=pmd.net.*:debug  -v ");
        assertEquals(4095, options.mbufs());
        assertEquals(new EalOptions(1024, EalOptions.Hugepages.OFF, Optional.of("0@1"), List.of("0000:03:00.0", "04:00.1"),
                List.of("--log-level=pmd.net.*:debug", "-v")), options.eal());
    }

    @Test
    void aPciUplinkIsProbedByTheEal() {
        DpdkOptions options = parse("dpdk.uplink", "0000:03:00.0", "dpdk.uplink.gatewayMac", "02:00:00:00:00:01");
        assertEquals(new DpdkUplinkOptions.Pci("0000:03:00.0"), options.uplink().orElseThrow().device());
        assertEquals(List.of("0000:03:00.0"), options.eal().pciDevices());
        assertEquals(DpdkUplinkOptions.DEFAULT_ROUTES, options.uplink().get().routes());
    }

    @Test
    void aVirtualUplinkKeepsItsDriverArguments() {
        DpdkOptions options = parse("dpdk.uplink", "net_af_xdp,iface=eth1,start_queue=0", "dpdk.uplink.gatewayMac", "02:00:00:00:00:01",
                "dpdk.uplink.podCidrs", "10.244.1.0/24");
        assertEquals(new DpdkUplinkOptions.Virtual("net_af_xdp", "iface=eth1,start_queue=0"), options.uplink().orElseThrow().device());
        assertEquals(List.of(), options.eal().pciDevices(), "a vdev uplink needs no PCI");
        InvalidSpecException overlap = assertThrows(InvalidSpecException.class, () -> parse("dpdk.uplink", "net_tap", "dpdk.uplink.gatewayMac",
                "02:00:00:00:00:01", "dpdk.uplink.routes", "10.0.0.0/8", "dpdk.uplink.podCidrs", "10.0.0.0/8"));
        assertEquals("options.dpdk.uplink.podCidrs", overlap.field());
    }

    @Test
    void badValuesNameTheOption() {
        assertEquals("options.dpdk.mbufs", assertThrows(InvalidSpecException.class, () -> parse("dpdk.mbufs", "lots")).field());
        assertEquals("options.dpdk.mbufs", assertThrows(InvalidSpecException.class, () -> parse("dpdk.mbufs", "10")).field());
        assertEquals("options.dpdk.memoryMb", assertThrows(InvalidSpecException.class, () -> parse("dpdk.memoryMb", "8")).field());
        assertEquals("options.dpdk.hugepages", assertThrows(InvalidSpecException.class, () -> parse("dpdk.hugepages", "yes")).field());
        assertEquals("options.dpdk.pci", assertThrows(InvalidSpecException.class, () -> parse("dpdk.pci", "eth0")).field());
        InvalidSpecException unknown = assertThrows(InvalidSpecException.class, () -> parse("dpdk.frames", "1"));
        assertEquals("options.dpdk.frames", unknown.field());
        assertTrue(unknown.getMessage().contains("dpdk.mbufs"), "the message lists the known options: " + unknown.getMessage());
    }
}
