package dev.booster.afxdp.xsk;

import dev.booster.api.InvalidSpecException;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigTest {
    @Test
    void defaultsAreSensible() {
        UmemConfig umem = UmemConfig.defaults();
        assertEquals(16L << 20, umem.byteSize());
        XskConfig xsk = XskConfig.defaults();
        assertEquals(BindMode.AUTO, xsk.bindMode());
        assertEquals(XdpProgramMode.BOOSTER, xsk.program());
        assertTrue(xsk.needWakeup());
    }

    @Test
    void umemMistakesNameTheFieldAndTheFix() {
        assertField("frameSize", "use 2048 or 4096", () -> UmemConfig.defaults().withFrameSize(1500));
        assertField("frameCount", "use 1..", () -> UmemConfig.defaults().withFrameCount(0));
        assertField("fillRingSize", "power of two", () -> UmemConfig.defaults().withRingSizes(1000, 1024));
        assertField("completionRingSize", "power of two", () -> UmemConfig.defaults().withRingSizes(1024, 0));
        assertField("frameHeadroom", "use 0..1791", () -> UmemConfig.defaults().withFrameSize(2048).withFrameHeadroom(1792));
    }

    @Test
    void socketMistakesNameTheFieldAndTheFix() {
        assertField("rxRingSize", "power of two", () -> XskConfig.defaults().withRingSizes(3, 4));
        assertField("txRingSize", "power of two", () -> XskConfig.defaults().withRingSizes(4, -4));
        assertField("bindMode", "use AUTO", () -> new XskConfig(4, 4, null, true, XdpProgramMode.BOOSTER, XdpAttachMode.NATIVE));
    }

    @Test
    void badNamesAndQueuesAreRefusedBeforeAnythingNativeRuns() {
        assertField("interfaceName", "longer than 15", () -> XskSocket.open(null, "abcdefghijklmnop", 0, XskConfig.defaults()));
        assertField("queue", "negative", () -> XskSocket.open(null, "eth0", -1, XskConfig.defaults()));
    }

    private static void assertField(String field, String advice, Runnable action) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, action::run);
        assertEquals(field, e.field(), e.getMessage());
        assertTrue(e.getMessage().contains(advice), e.getMessage());
    }
}
