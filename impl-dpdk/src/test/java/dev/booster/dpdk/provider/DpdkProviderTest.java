package dev.booster.dpdk.provider;

import dev.booster.api.Capability;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;
import dev.booster.spi.Availability;
import dev.booster.spi.DataplaneProvider;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.Test;

import java.util.Optional;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class DpdkProviderTest {
    private final DpdkProvider provider = new DpdkProvider();

    @Test
    void isFoundByServiceLoaderBelowAfXdpAndAboveMemory() {
        DataplaneProvider found = Dataplanes.providers().stream().filter(p -> p.name().equals("dpdk")).findFirst().orElseThrow();
        assertInstanceOf(DpdkProvider.class, found);
        assertEquals(50, found.priority());
        assertEquals(Set.of(Capability.VETH, Capability.TAP, Capability.MEMIF, Capability.IPV6, Capability.POLICY,
                Capability.STATEFUL_POLICY, Capability.POLICY_TIERS, Capability.TRACING), found.capabilities());
    }

    @Test
    void probeAgreesWithTheHostCheck() {
        Availability availability = provider.probe();
        Optional<String> problem = DpdkHostCheck.run();
        assertEquals(problem.isEmpty(), availability.isAvailable(), availability.toString());
        if (availability instanceof Availability.Unavailable u) {
            assertEquals(problem.get(), u.reason());
            System.out.println("dpdk unavailable here: " + u.reason());
        }
    }

    @Test
    void badOptionsAreRefusedBeforeTheHostIsTouched() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> provider.open(DataplaneConfig.builder().nodeName("n").option("dpdk.mbufs", "lots").build()));
        assertEquals("options.dpdk.mbufs", e.field());
    }

    @Test
    void missingCapabilitiesAreNamed() {
        String status = "Name:\tjava\nUid:\t1000\t1000\t1000\t1000\nCapEff:\t0000000000001000\n";
        Optional<String> problem = DpdkHostCheck.missingCapabilities(status);
        assertTrue(problem.isPresent());
        assertTrue(problem.get().startsWith("not root (euid 1000) and missing CAP_NET_RAW, CAP_SYS_ADMIN"), problem.get());
        assertEquals(Optional.empty(), DpdkHostCheck.missingCapabilities("Uid:\t0\t0\t0\t0\nCapEff:\t000001ffffffffff\n"));
    }
}
