package dev.booster.afxdp.ffi;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrnoTest {
    @Test
    void describesWithLibcTextAndSymbolicName() {
        assertEquals("Operation not permitted (EPERM)", Errno.describe(Errno.EPERM));
        assertEquals("Device or resource busy (EBUSY)", Errno.describe(Errno.EBUSY));
        assertEquals("Operation not supported (EOPNOTSUPP)", Errno.describe(Errno.EOPNOTSUPP));
        assertEquals("Operation not supported by the driver (ENOTSUPP)", Errno.describe(Errno.ENOTSUPP));
        assertEquals("Unknown error 3999 (errno 3999)", Errno.describe(3999));
    }

    @Test
    void libbpfErrorCodesGetLibbpfsText() {
        // LIBBPF_ERRNO__LOAD: the verifier or the kernel refused a program
        String text = Errno.describe(4007);
        assertTrue(text.endsWith("(LIBBPF_ERRNO 4007)"), text);
        assertTrue(text.toLowerCase().contains("load"), text);
    }

    @Test
    void exceptionsNameTheCallTheErrorAndTheFix() {
        NativeCallException e = new NativeCallException("xsk_socket__create(veth-x, queue 0)", Errno.EPERM);
        assertEquals("xsk_socket__create(veth-x, queue 0): Operation not permitted (EPERM): "
                + "run as root or grant CAP_NET_ADMIN+CAP_BPF (and CAP_IPC_LOCK for large UMEMs)", e.getMessage());
        assertEquals(Errno.EPERM, e.errno());
        assertEquals("xsk_socket__create(veth-x, queue 0)", e.call());
        assertEquals("close(7): Bad file descriptor (EBADF)", new NativeCallException("close(7)", Errno.EBADF).getMessage());
    }
}
