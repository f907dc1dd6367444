package dev.booster.afxdp.ffi;

import dev.booster.host.ffi.Errno;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LibbpfTest {
    @Test
    void libbpfErrorCodesGetLibbpfsText() {
        assertEquals(4000, Libbpf.LIBBPF_ERRNO_START); // and loading Libbpf registers its codes with Errno
        assertEquals("libbpf.so.1", Libbpf.LIBRARY.soname());
        // LIBBPF_ERRNO__LOAD: the verifier or the kernel refused a program
        String text = Errno.describe(4007);
        assertTrue(text.endsWith("(LIBBPF_ERRNO 4007)"), text);
        assertTrue(text.toLowerCase().contains("load"), text);
    }

    @Test
    void theRealLibrariesNameTheirDebianPackages() {
        assertEquals("libxdp.so.1", Libxdp.LIBRARY.soname());
        assertEquals("libbpf.so.1", Libbpf.LIBRARY.soname());
        // Present or not on this host, the probe answers instead of throwing.
        Libxdp.unavailableReason().ifPresent(reason -> assertTrue(reason.contains("libxdp1"), reason));
        Libbpf.unavailableReason().ifPresent(reason -> assertTrue(reason.contains("libbpf1"), reason));
    }
}
