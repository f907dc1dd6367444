package dev.booster.host.link;

import dev.booster.host.ffi.Libc;
import dev.booster.api.pod.InterfaceNames;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * Offload switches of a link, through the ethtool ioctl (no {@code ethtool} binary needed). Acts on the link in the
 * calling thread's network namespace: run it through {@link NetnsThreads} for a pod's link.
 */
public final class LinkOffloads {
    private LinkOffloads() {
    }

    /**
     * Makes the kernel compute TCP/UDP checksums itself before a frame leaves {@code link} ({@code ethtool -K link tx
     * off}). A veth otherwise passes frames with only the pseudo-header sum filled in, which is fine for a kernel
     * peer and wrong for an AF_XDP reader that forwards the bytes.
     */
    public static void disableTxChecksum(String link) {
        ethtoolValue(link, Libc.ETHTOOL_STXCSUM, 0, "ETHTOOL_STXCSUM off");
    }

    /** Whether {@code link} leaves TX checksums to offload ({@code ethtool -k link | grep tx-checksumming}). */
    public static boolean txChecksumOffloaded(String link) {
        return ethtoolValue(link, Libc.ETHTOOL_GTXCSUM, 0, "ETHTOOL_GTXCSUM") != 0;
    }

    private static int ethtoolValue(String link, int command, int data, String what) {
        InterfaceNames.check("link", link);
        int fd = Libc.socket(Libc.AF_INET, Libc.SOCK_DGRAM, 0, "AF_INET, SOCK_DGRAM for ethtool");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment value = arena.allocate(Libc.ETHTOOL_VALUE_BYTES, 4);
            value.set(JAVA_INT, 0, command);
            value.set(JAVA_INT, 4, data);
            MemorySegment ifreq = arena.allocate(Libc.IFREQ_BYTES, 8);
            ifreq.setString(0, link);
            ifreq.set(ADDRESS, Libc.IFREQ_DATA, value);
            Libc.ioctl(fd, Libc.SIOCETHTOOL, ifreq, "SIOCETHTOOL " + what + " on " + link);
            return value.get(JAVA_INT, 4);
        } finally {
            Libc.close(fd);
        }
    }
}
