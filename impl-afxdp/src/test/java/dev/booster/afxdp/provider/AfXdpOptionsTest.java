package dev.booster.afxdp.provider;

import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;
import dev.booster.afxdp.xsk.BindMode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class AfXdpOptionsTest {
    private static AfXdpOptions parse(String key, String value) {
        return AfXdpOptions.from(DataplaneConfig.builder().nodeName("n").option(key, value).build());
    }

    @Test
    void defaultsAndValues() {
        AfXdpOptions defaults = AfXdpOptions.from(DataplaneConfig.builder().nodeName("n").option("memory.buffers", "64").build());
        assertEquals(AfXdpOptions.defaults(), defaults, "other providers' options are not ours to judge");
        assertEquals(1024, defaults.frames());
        assertEquals(16, defaults.interfaces());
        assertEquals(BindMode.COPY, defaults.socketConfig().bindMode());
        assertEquals(2048, parse("afxdp.frames", " 2048 ").frames());
        assertEquals(3, parse("afxdp.interfaces", "3").interfaces());
        assertEquals(512, defaults.ringSize());
        AfXdpOptions bigRings = parse("afxdp.ringSize", "2048");
        assertEquals(2048, bigRings.socketConfig().rxRingSize());
        assertEquals(4096, bigRings.frames(), "frames per interface follow the ring size unless given");
        assertEquals(AfXdpOptions.Idle.SPIN, parse("afxdp.idle", "spin").idle());
        assertEquals(AfXdpOptions.Idle.BUSY, parse("afxdp.idle", "busy").idle());
    }

    @Test
    void badOptionsNameTheFieldAndTheFix() {
        InvalidSpecException small = assertThrows(InvalidSpecException.class, () -> parse("afxdp.frames", "512"));
        assertEquals("options.afxdp.frames", small.field());
        assertTrue(small.getMessage().contains("768..65536"), small.getMessage());
        InvalidSpecException idle = assertThrows(InvalidSpecException.class, () -> parse("afxdp.idle", "sleep"));
        assertTrue(idle.getMessage().contains("use poll, spin or busy"), idle.getMessage());
        InvalidSpecException typo = assertThrows(InvalidSpecException.class, () -> parse("afxdp.frame", "1024"));
        assertEquals("options.afxdp.frame", typo.field());
        assertTrue(typo.getMessage().contains("known: afxdp.frames, afxdp.interfaces, afxdp.ringSize, afxdp.idle, afxdp.persistentPods, afxdp.netns, afxdp.uplink"), typo.getMessage());
        InvalidSpecException relative = assertThrows(InvalidSpecException.class, () -> parse("afxdp.netns", "run/netns/x"));
        assertEquals("options.afxdp.netns", relative.field());
        InvalidSpecException missing = assertThrows(InvalidSpecException.class, () -> parse("afxdp.netns", "/run/netns/booster-no-such-ns"));
        assertTrue(missing.getMessage().contains("ip netns add"), missing.getMessage());
        InvalidSpecException ring = assertThrows(InvalidSpecException.class, () -> parse("afxdp.ringSize", "1000"));
        assertEquals("options.afxdp.ringSize", ring.field());
        assertTrue(ring.getMessage().contains("power of two"), ring.getMessage());
        InvalidSpecException none = assertThrows(InvalidSpecException.class, () -> parse("afxdp.interfaces", "0"));
        assertEquals("options.afxdp.interfaces", none.field());
        assertTrue(none.getMessage().contains("use 1..4096"), none.getMessage());
    }

    @Test
    void framesTooFewForTheRingNameBothOptions() {
        DataplaneConfig config = DataplaneConfig.builder().nodeName("n").option("afxdp.ringSize", "2048").option("afxdp.frames", "1024").build();
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> AfXdpOptions.from(config));
        assertEquals("options.afxdp.frames", e.field());
        assertTrue(e.getMessage().contains("2304..65536"), e.getMessage());
    }

    @Test
    void aUmemTooLargeForOneWorkerNamesBothOptions() {
        DataplaneConfig config = DataplaneConfig.builder().nodeName("n").option("afxdp.frames", "65536").option("afxdp.interfaces", "1000").build();
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> AfXdpOptions.from(config));
        assertEquals("options.afxdp.interfaces", e.field());
        assertTrue(e.getMessage().contains("lower afxdp.interfaces or afxdp.frames"), e.getMessage());
    }

    @Test
    void theWorkersUmemHasRoomForEveryInterfaceAndAReserve() {
        try (var umem = parse("afxdp.interfaces", "3").createUmem()) {
            assertEquals(3 * 1024 + 256 + 512, umem.frames().capacity());
            assertEquals(512, umem.frames().stashed(), "a fill ring's worth set aside for new ports");
            assertEquals(3, umem.maxPorts());
            assertTrue(umem.hasRoomForAnotherPort());
        }
    }

    @Test
    void persistentPodsIsABooleanAndOffByDefault() {
        DataplaneConfig.Builder base = DataplaneConfig.builder().nodeName("n");
        assertFalse(AfXdpOptions.persistentPods(base.build()));
        assertTrue(AfXdpOptions.persistentPods(base.option("afxdp.persistentPods", "true").build()));
        AfXdpOptions.from(base.build()); // a known key: no complaint
        InvalidSpecException bad = assertThrows(InvalidSpecException.class,
                () -> AfXdpOptions.persistentPods(DataplaneConfig.builder().nodeName("n").option("afxdp.persistentPods", "yes").build()));
        assertEquals("options.afxdp.persistentPods", bad.field());
        assertTrue(bad.getMessage().contains("use true or false"), bad.getMessage());
    }
}
