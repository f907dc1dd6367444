package dev.booster.dpdk.eal;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class HostMemoryTest {

    @Test
    void readsFreeHugepagesAndMounts() {
        assertEquals(0, HostMemory.freeHugepages(List.of("MemTotal: 1 kB", "HugePages_Total:       0", "HugePages_Free:        0")));
        assertEquals(64, HostMemory.freeHugepages(List.of("HugePages_Free:       64")));
        assertTrue(HostMemory.hasHugetlbfsMount(List.of("proc /proc proc rw 0 0", "hugetlbfs /dev/hugepages hugetlbfs rw 0 0")));
        assertFalse(HostMemory.hasHugetlbfsMount(List.of("proc /proc proc rw 0 0")));
    }

    @Test
    void readsTheAllowedCpus() {
        assertEquals(Optional.of("0-3,6"), HostMemory.cpusAllowed(List.of("Name: java", "Cpus_allowed_list:\t0-3,6")));
        assertEquals(Optional.empty(), HostMemory.cpusAllowed(List.of("Name: java")));
    }
}
