package dev.booster.host.ffi;

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
    void libraryCodesGetTheLibrarysText() {
        Errno.describeLibraryCodes(9000, 9010, errno -> "booster test code " + errno);
        assertEquals("booster test code 9003", Errno.describe(9003));
        assertEquals("Unknown error 9010 (errno 9010)", Errno.describe(9010));
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

    @Test
    void withoutAHintTheMessageIsCallTextAndName() {
        // memif's form: its errors carry no hint
        assertEquals("connect(/run/memif.sock): Connection refused (ECONNREFUSED)",
                new NativeCallException("connect(/run/memif.sock)", Errno.ECONNREFUSED, "").getMessage());
        assertEquals("sendmsg(memif control): Broken pipe (EPIPE)",
                new NativeCallException("sendmsg(memif control)", Errno.EPIPE, "").getMessage());
    }
}
