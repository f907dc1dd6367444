package dev.booster.host.pod;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class HostVethNamesTest {
    @Test
    void stableRecognizableAndShortEnoughForIfnamsiz() {
        String name = HostVethNames.of("0f3c2a9e-pod-uid", "eth0");
        assertEquals(name, HostVethNames.of("0f3c2a9e-pod-uid", "eth0"), "the same pod interface always gets the same name");
        assertTrue(name.startsWith("bst") && name.length() == 13, name);
        assertTrue(HostVethNames.isBoosterName(name));
        assertNotEquals(name, HostVethNames.of("0f3c2a9e-pod-uid", "net1"));
        assertNotEquals(name, HostVethNames.of("0f3c2a9e-pod-uie", "eth0"));
    }

    @Test
    void otherNamesAreNotOurs() {
        for (String other : new String[]{"bst", "eth0", "bstabcdef012", "bst0123456789a", "bstABCDEF0123", "xbst012345678", "bst01234567-9"}) {
            assertFalse(HostVethNames.isBoosterName(other), other);
        }
    }
}
