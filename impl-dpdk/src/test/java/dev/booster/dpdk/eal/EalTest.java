package dev.booster.dpdk.eal;

import dev.booster.api.DataplaneException;
import dev.booster.dpdk.ffi.RteEal;
import dev.booster.dpdk.testing.DpdkAvailable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The JVM's one EAL (every test class of this module shares it: DPDK initializes once per process): it is shared,
 * refuses other options, keeps DPDK's log, leaves no runtime directory, and its failures say what DPDK said.
 */
class EalTest {
    private Eal eal;

    @BeforeEach
    void acquire() {
        DpdkAvailable.assumePrivileged();
        eal = Eal.acquire(EalOptions.defaults());
    }

    @org.junit.jupiter.api.AfterEach
    void release() {
        if (eal != null) eal.release();
    }

    @Test
    void isInitializedOnceAndSharedByEveryUser() {
        Eal second = Eal.acquire(EalOptions.defaults());
        try {
            assertSame(eal, second);
            assertTrue(eal.arguments().containsAll(List.of("--no-telemetry", "--no-pci")), eal.arguments().toString());
        } finally {
            second.release();
        }
    }

    @Test
    void otherOptionsAreRefusedWithTheOptionsToAlign() {
        EalOptions other = new EalOptions(256, EalOptions.Hugepages.OFF, Optional.empty(), List.of(), List.of());
        DataplaneException e = assertThrows(DataplaneException.class, () -> Eal.acquire(other));
        assertTrue(e.getMessage().contains("once per process") && e.getMessage().contains("dpdk.memoryMb"), e.getMessage());
    }

    @Test
    void dpdksLogIsCaptured() {
        List<String> lines = eal.logLines();
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("EAL: Detected CPU lcores")), lines.toString());
    }

    @Test
    void leavesNoRuntimeDirectory() {
        assertFalse(Files.exists(HostMemory.runtimeDirectory().resolve("booster-" + ProcessHandle.current().pid())));
    }

    @Test
    void aFailedHotplugSaysWhatDpdkLogged() {
        String name = "net_af_packet_t" + ProcessHandle.current().pid();
        RteException e = assertThrows(RteException.class, () -> eal.callForStatus("rte_eal_hotplug_add(vdev, " + name + ", iface=bxnosuchif0)",
                () -> eal.rte().hotplugAdd(RteEal.VDEV_BUS, name, "iface=bxnosuchif0")));
        assertTrue(e.dpdkLog().stream().anyMatch(l -> l.contains("SIOCGIFINDEX") && l.contains(name)), e.getMessage());
        assertTrue(e.getMessage().startsWith("rte_eal_hotplug_add(vdev, " + name + ", iface=bxnosuchif0): failed; DPDK said: "), e.getMessage());
        assertFalse(e.getMessage().contains("EPERM"), "a bare -1 is not read as EPERM: " + e.getMessage());
    }

    @Test
    void rteErrnoOfAFailedPoolIsReadFromTheCallingThread() {
        String tooLong = "a-pool-name-longer-than-dpdk-allows-" + ProcessHandle.current().pid();
        RteException e = assertThrows(RteException.class, () -> eal.callForPointer("rte_pktmbuf_pool_create(" + tooLong + ")",
                () -> eal.mbuf().poolCreate(tooLong, 511, 0, 2176)));
        assertEquals(36, e.errno(), e.getMessage()); // ENAMETOOLONG: the name does not fit a memzone's
        assertTrue(e.getMessage().contains("File name too long"), e.getMessage());
    }
}
