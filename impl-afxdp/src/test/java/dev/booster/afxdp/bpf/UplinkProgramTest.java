package dev.booster.afxdp.bpf;

import dev.booster.afxdp.ffi.Libbpf;
import dev.booster.host.ffi.NativeCallException;
import dev.booster.afxdp.testing.Privileged;
import dev.booster.afxdp.testing.ProcessResources;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

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
