package dev.booster.dpdk.provider;

import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.UnsupportedCapabilityException;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.AfXdp;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Tap;
import dev.booster.api.pod.Veth;
import dev.booster.dpdk.testing.DpdkAvailable;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

/** Specs the dpdk provider cannot serve are refused with the field to fix, before anything is made. */
@Tag("privileged")
class DpdkAttachErrorsTest {
    @TempDir
    Path dir;
    private DpdkDataplane dp;

    @BeforeEach
    void open() {
        DpdkAvailable.assumePrivileged();
        dp = (DpdkDataplane) Dataplanes.open(DataplaneConfig.builder().provider(DpdkProvider.NAME).option("dpdk.memif", "pmd").build());
    }

    @AfterEach
    void close() {
        if (dp != null) dp.close();
    }

    private PodSpec memifPod(Memif memif) {
        return PodSpec.builder("ran", "app").uid("dpdk-errors-" + ProcessHandle.current().pid()).addInterface(memif).build();
    }

    private int ports() {
        return dp.eal().locked(() -> dp.eal().ethdev().countAvailable());
    }

    @Test
    void aMemifInIpModeOrWithSeveralQueuesIsRefused() {
        int before = ports();
        Memif ip = new Memif("memif0", List.of(InterfaceAddress.parse("10.79.3.1/32")), List.of(), 1500, Optional.empty(),
                Memif.Role.MASTER, dir.resolve("m.sock").toString(), 0, 1, 1024, Memif.Mode.IP, Optional.empty());
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> dp.pods().attach(memifPod(ip)));
        assertEquals("interfaces[0].mode", e.field());
        Memif twoQueues = new Memif("memif0", List.of(), List.of(), 1500, Optional.empty(), Memif.Role.MASTER,
                dir.resolve("m.sock").toString(), 0, 2, 1024, Memif.Mode.ETHERNET, Optional.empty());
        assertEquals("interfaces[0].queues", assertThrows(InvalidSpecException.class, () -> dp.pods().attach(memifPod(twoQueues))).field());
        assertEquals(before, ports(), "nothing was hot-plugged");
    }

    @Test
    void aMemifSocketInAMissingDirectoryIsRefused() {
        Memif memif = Memif.of("memif0", dir.resolve("no/such/dir/m.sock").toString());
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> dp.pods().attach(memifPod(memif)));
        assertEquals("interfaces[0].socketPath", e.field());
        assertTrue(e.getMessage().contains("does not exist"), e.getMessage());
    }

    @Test
    void vethAndTapLimitsAreTheDriversLimits() {
        Veth big = new Veth("eth0", List.of(), List.of(), 9000, Optional.empty());
        PodSpec vethPod = PodSpec.builder("ran", "v").uid("dpdk-errors-v").netns("/proc/1/ns/net").addInterface(big).build();
        assertEquals("interfaces[0].mtu", assertThrows(InvalidSpecException.class, () -> dp.pods().attach(vethPod)).field());
        Tap twoQueues = new Tap("eth0", List.of(), List.of(), InterfaceSpec.DEFAULT_MTU, Optional.empty(), 2);
        PodSpec tapPod = PodSpec.builder("ran", "t").uid("dpdk-errors-t").netns("/proc/1/ns/net").addInterface(twoQueues).build();
        assertEquals("interfaces[0].queues", assertThrows(InvalidSpecException.class, () -> dp.pods().attach(tapPod)).field());
    }

    @Test
    void anAfXdpInterfaceIsNotACapabilityOfDpdk() {
        PodSpec pod = PodSpec.builder("ran", "x").uid("dpdk-errors-x").netns("/proc/1/ns/net")
                .addInterface(new AfXdp("eth0", List.of(), List.of(), 1500, Optional.empty(), 1, AfXdp.XdpMode.AUTO)).build();
        assertThrows(UnsupportedCapabilityException.class, () -> dp.pods().attach(pod));
    }
}
