package dev.booster.testkit;

import dev.booster.api.Capability;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.IpAddress;
import dev.booster.api.pod.PodAttachment;
import dev.booster.spi.DataplaneProvider;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemoryProviderTest {

    @Test
    void isDiscoveredByName() {
        try (Dataplane dp = Dataplanes.open(DataplaneConfig.builder().provider("memory").build())) {
            assertEquals("memory", dp.provider());
            assertInstanceOf(MemoryDataplane.class, dp);
            assertTrue(dp.capabilities().contains(Capability.UNPRIVILEGED));
        }
    }

    @Test
    void isChosenWhenTheConfigAsksOnlyForUnprivileged() {
        try (Dataplane dp = Dataplanes.open(DataplaneConfig.builder().require(Capability.UNPRIVILEGED).build())) {
            assertEquals("memory", dp.provider());
        }
    }

    @Test
    void isListedAndAlwaysAvailable() {
        DataplaneProvider memory = Dataplanes.provider("memory").orElseThrow();
        assertInstanceOf(MemoryProvider.class, memory);
        assertTrue(Dataplanes.probe(memory).isAvailable());
    }

    @ParameterizedTest
    @ValueSource(strings = {"lots", "", "63", "1048577", "-1", "1e4"})
    void aBadBufferCountNamesTheOption(String value) {
        DataplaneConfig config = DataplaneConfig.builder().provider("memory").option("memory.buffers", value).build();
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> Dataplanes.open(config));
        assertEquals("options.memory.buffers", e.field());
        assertTrue(e.getMessage().contains("64..1048576"), e.getMessage());
    }

    @Test
    void aSmallBufferPoolStillCarriesTraffic() {
        DataplaneConfig config = DataplaneConfig.builder().provider("memory").option("memory.buffers", " 64 ").build();
        try (Dataplane dp = Dataplanes.open(config)) {
            MemoryPodNetwork network = new MemoryPodNetwork(dp);
            PodAttachment a = dp.pods().attach(TestPods.pod("ns", "a", "10.0.0.1"));
            dp.pods().attach(TestPods.pod("ns", "b", "10.0.0.2"));
            for (int i = 0; i < 200; i++) assertTrue(network.ping(a, IpAddress.parse("10.0.0.2")), "ping " + i);
            assertEquals(0, MemoryDataplane.of(dp).buffersInUse());
        }
    }
}
