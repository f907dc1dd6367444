package dev.booster.afxdp.provider;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.*;

class HostCheckTest {
    private static String status(String uid, long capEff) {
        return "Name:\tjava\nUid:\t" + uid + "\t" + uid + "\t" + uid + "\t" + uid + "\nCapInh:\t0000000000000000\n"
                + "CapEff:\t" + String.format("%016x", capEff) + "\nCapBnd:\t000001ffffffffff\n";
    }

    @Test
    void rootWithEveryCapabilityPasses() {
        assertEquals(Optional.empty(), HostCheck.missingCapabilities(status("0", 0x000001ffffffffffL)));
    }

    @Test
    void anUnprivilegedUserIsToldWhatIsMissingAndHowToGetIt() {
        HostCheck.Problem p = HostCheck.missingCapabilities(status("1000", 0)).orElseThrow();
        assertEquals("not root (euid 1000) and missing CAP_NET_ADMIN, CAP_NET_RAW, CAP_SYS_ADMIN, CAP_BPF: run as root, or grant "
                + "them (a container's securityContext.capabilities.add, or setcap on the java binary)", p.reason());
    }

    @Test
    void capSysAdminStandsInForCapBpfButNotForNetAdmin() {
        long sysAdminAndNetRaw = (1L << 21) | (1L << 13);
        HostCheck.Problem p = HostCheck.missingCapabilities(status("0", sysAdminAndNetRaw)).orElseThrow();
        assertTrue(p.reason().startsWith("running as root but missing CAP_NET_ADMIN:"), p.reason());
        assertEquals(Optional.empty(), HostCheck.missingCapabilities(status("0", sysAdminAndNetRaw | (1L << 12))));
    }
}
