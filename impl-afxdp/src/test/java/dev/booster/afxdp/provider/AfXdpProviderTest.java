package dev.booster.afxdp.provider;

import dev.booster.api.Capability;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;
import dev.booster.afxdp.xsk.AfXdpSupport;
import dev.booster.spi.Availability;
import dev.booster.spi.DataplaneProvider;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class AfXdpProviderTest {
    private final AfXdpProvider provider = new AfXdpProvider();

    @Test
    void isFoundByServiceLoaderAndOutranksMemory() {
        DataplaneProvider found = Dataplanes.providers().stream().filter(p -> p.name().equals("afxdp")).findFirst().orElseThrow();
        assertInstanceOf(AfXdpProvider.class, found);
        assertEquals(100, found.priority());
        assertEquals(Set.of(Capability.VETH, Capability.MEMIF, Capability.IPV6, Capability.POLICY, Capability.STATEFUL_POLICY,
                Capability.POLICY_TIERS, Capability.TRACING), found.capabilities());
    }

    @Test
    void probeAgreesWithTheHost() {
        Availability availability = provider.probe();
        boolean hostCanDoIt = HostCheck.run().isEmpty();
        assertEquals(hostCanDoIt, availability.isAvailable(), availability.toString());
        if (availability instanceof Availability.Unavailable u) {
            assertFalse(u.reason().isBlank());
            System.out.println("afxdp unavailable here: " + u.reason());
        } else {
            assertTrue(AfXdpSupport.problem().isEmpty());
        }
    }

    @Test
    void badOptionsAreRefusedBeforeTheHostIsTouched() {
        InvalidSpecException e = assertThrows(InvalidSpecException.class,
                () -> provider.open(DataplaneConfig.builder().nodeName("n").option("afxdp.frames", "lots").build()));
        assertEquals("options.afxdp.frames", e.field());
    }
}
