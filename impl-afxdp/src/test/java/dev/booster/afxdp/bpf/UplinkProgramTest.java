package dev.booster.afxdp.bpf;

import dev.booster.afxdp.ffi.Libbpf;
import dev.booster.host.ffi.NativeCallException;
import dev.booster.afxdp.testing.Privileged;
import dev.booster.afxdp.testing.ProcessResources;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Set;

import static dev.booster.afxdp.bpf.Register.*;
import static org.junit.jupiter.api.Assertions.*;

/** The assembled uplink program against the real verifier, and its maps. */
@Tag("privileged")
class UplinkProgramTest {

    @Test
    void theVerifierAcceptsTheProgramAndClosingReleasesProgramAndMaps() {
        Privileged.assumeAfXdp();
        long programsBefore = ProcessResources.bpfDescriptors("bpf-prog");
        long mapsBefore = ProcessResources.bpfDescriptors("bpf-map");
        try (UplinkProgram program = UplinkProgram.load("lo")) {
            assertEquals(programsBefore + 1, ProcessResources.bpfDescriptors("bpf-prog"));
            assertEquals(mapsBefore + 5, ProcessResources.bpfDescriptors("bpf-map"));
            assertTrue(program.addPrefix(IpPrefix.parse("10.77.0.0/16")));
            assertFalse(program.addPrefix(IpPrefix.parse("10.77.0.0/16")));
            assertTrue(program.addPrefix(IpPrefix.parse("fd00::/64")));
            assertEquals(Set.of(IpPrefix.parse("10.77.0.0/16"), IpPrefix.parse("fd00::/64")), program.prefixes());
            assertTrue(program.removePrefix(IpPrefix.parse("10.77.0.0/16")));
            assertFalse(program.removePrefix(IpPrefix.parse("10.77.0.0/16")));
            IpAddress v4 = IpAddress.parse("192.168.77.1");
            IpAddress v6 = IpAddress.parse("fd77::1");
            program.setTunnelAddresses(Set.of(v4, v6));
            assertEquals(Set.of(v4, v6), program.tunnelAddresses());
            program.setTunnelAddresses(Set.of(v6));
            assertEquals(Set.of(v6), program.tunnelAddresses());
        }
        assertEquals(programsBefore, ProcessResources.bpfDescriptors("bpf-prog"));
        assertEquals(mapsBefore, ProcessResources.bpfDescriptors("bpf-map"));
    }

    static final int XDP_PASS = 2, XDP_REDIRECT = 4;
    static final byte[] LOCAL4 = {(byte) 192, (byte) 168, 77, 1};
    static final byte[] OTHER4 = {(byte) 192, (byte) 168, 77, 9};
    static final byte[] LOCAL6 = IpAddress.parse("fd77::1").toBytes();

    /**
     * The program's decisions, run in the kernel on crafted frames ({@code BPF_PROG_TEST_RUN}). Its XSKMAP is swapped for
     * a DEVMAP holding lo, so a redirect shows as XDP_REDIRECT without an AF_XDP socket (an empty slot would pass).
     */
    @Test
    void espInUdpGoesToBoosterButIkeAndKeepalivesOnPort4500StayTheKernels() {
        Privileged.assumeAfXdp();
        Libbpf libbpf = Libbpf.load();
        java.util.List<Integer> fds = new java.util.ArrayList<>();
        try {
            int v4 = add(fds, libbpf.mapCreate(Libbpf.BPF_MAP_TYPE_LPM_TRIE, "bst_t_pods4", 8, 1, 16, Libbpf.BPF_F_NO_PREALLOC));
            int v6 = add(fds, libbpf.mapCreate(Libbpf.BPF_MAP_TYPE_LPM_TRIE, "bst_t_pods6", 20, 1, 16, Libbpf.BPF_F_NO_PREALLOC));
            int devmap = add(fds, libbpf.mapCreate(Libbpf.BPF_MAP_TYPE_DEVMAP, "bst_t_devs", 4, 4, 4, 0));
            int tunnel4 = add(fds, libbpf.mapCreate(Libbpf.BPF_MAP_TYPE_HASH, "bst_t_tun4", 4, 1, 4, 0));
            int tunnel6 = add(fds, libbpf.mapCreate(Libbpf.BPF_MAP_TYPE_HASH, "bst_t_tun6", 16, 1, 4, 0));
            libbpf.mapUpdateInt(devmap, 0, dev.booster.host.ffi.Libc.ifNameToIndex("lo"), "devmap[0] = lo");
            libbpf.mapUpdate(tunnel4, LOCAL4, new byte[]{1}, Libbpf.BPF_ANY, "tunnel4");
            libbpf.mapUpdate(tunnel6, LOCAL6, new byte[]{1}, Libbpf.BPF_ANY, "tunnel6");
            int program = add(fds, libbpf.programLoad(Libbpf.BPF_PROG_TYPE_XDP, "bst_t_uplink", "GPL",
                    UplinkProgram.bytecode(v4, v6, devmap, tunnel4, tunnel6)));

            byte[] spi = {0x12, 0x34, 0x56, 0x78, 0, 0, 0, 1, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9, 9};
            byte[] ike = new byte[40]; // the zero non-ESP marker, then an IKE header
            ike[4] = 0x5a;
            assertEquals(XDP_REDIRECT, libbpf.programTestRun(program, udp4(LOCAL4, 4500, spi)), "ESP in UDP");
            assertEquals(XDP_REDIRECT, libbpf.programTestRun(program, udp6(4500, spi)), "ESP in UDP over IPv6");
            assertEquals(XDP_REDIRECT, libbpf.programTestRun(program, ip4(LOCAL4, 50, spi)), "ESP");
            assertEquals(XDP_REDIRECT, libbpf.programTestRun(program, udp4(LOCAL4, 4789, spi)), "VXLAN still");
            assertEquals(XDP_PASS, libbpf.programTestRun(program, udp4(LOCAL4, 4500, ike)), "IKE behind the marker");
            assertEquals(XDP_PASS, libbpf.programTestRun(program, udp6(4500, ike)), "IKE over IPv6");
            assertEquals(XDP_PASS, libbpf.programTestRun(program, padded(udp4(LOCAL4, 4500, new byte[]{(byte) 0xff}))), "NAT keepalive, padded");
            assertEquals(XDP_PASS, libbpf.programTestRun(program, udp4(LOCAL4, 4500, new byte[]{1, 2})), "too short for an SPI");
            assertEquals(XDP_PASS, libbpf.programTestRun(program, udp4(LOCAL4, 500, spi)), "IKE on 500");
            assertEquals(XDP_PASS, libbpf.programTestRun(program, udp4(OTHER4, 4500, spi)), "not a local tunnel address");
            byte[] cut = java.util.Arrays.copyOf(udp4(LOCAL4, 4500, spi), 14 + 20 + 8 + 2);
            assertEquals(XDP_PASS, libbpf.programTestRun(program, cut), "the frame ends inside the SPI");
        } finally {
            for (int fd : fds.reversed()) dev.booster.host.ffi.Libc.close(fd);
        }
    }

    private static int add(java.util.List<Integer> fds, int fd) {
        fds.add(fd);
        return fd;
    }

    static byte[] ip4(byte[] destination, int protocol, byte[] payload) {
        ByteBuffer f = ByteBuffer.allocate(14 + 20 + payload.length);
        f.put(new byte[12]).putShort((short) 0x0800);
        f.put((byte) 0x45).put((byte) 0).putShort((short) (20 + payload.length)).putInt(0).put((byte) 64).put((byte) protocol).putShort((short) 0)
                .put(new byte[]{(byte) 192, (byte) 168, 77, 2}).put(destination).put(payload);
        return f.array();
    }

    static byte[] udp4(byte[] destination, int port, byte[] payload) {
        return ip4(destination, 17, udp(port, payload));
    }

    static byte[] udp6(int port, byte[] payload) {
        byte[] udp = udp(port, payload);
        ByteBuffer f = ByteBuffer.allocate(14 + 40 + udp.length);
        f.put(new byte[12]).putShort((short) 0x86dd);
        f.putInt(0x6000_0000).putShort((short) udp.length).put((byte) 17).put((byte) 64).put(IpAddress.parse("fd77::2").toBytes()).put(LOCAL6).put(udp);
        return f.array();
    }

    static byte[] udp(int port, byte[] payload) {
        return ByteBuffer.allocate(8 + payload.length).putShort((short) 4500).putShort((short) port).putShort((short) (8 + payload.length))
                .putShort((short) 0).put(payload).array();
    }

    /** Padded with zeros to Ethernet's 60-byte minimum, as a NIC hands a short frame over. */
    static byte[] padded(byte[] frame) {
        return frame.length >= 60 ? frame : java.util.Arrays.copyOf(frame, 60);
    }

    @Test
    void aRejectedProgramCarriesTheVerifierLog() {
        Privileged.assumeAfXdp();
        // Reads the packet without checking data_end first: the verifier must refuse it.
        byte[] unchecked = new BpfAssembler()
                .ldx(BpfAssembler.Size.W, R2, R1, 0)
                .ldx(BpfAssembler.Size.H, R0, R2, 12)
                .exit()
                .assemble();
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> Libbpf.load().programLoad(Libbpf.BPF_PROG_TYPE_XDP, "bst_bad", "GPL", unchecked));
        assertTrue(e.getMessage().contains("verifier log"), e.getMessage());
        assertTrue(e.getMessage().contains("invalid access to packet"), e.getMessage());
    }
}
