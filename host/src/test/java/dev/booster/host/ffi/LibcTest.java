package dev.booster.host.ffi;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The libc bindings that need no privileges, against the real libc. */
class LibcTest {
    @Test
    @SuppressWarnings("restricted")
    void mapsWritableAnonymousMemoryAndUnmapsIt() {
        long length = 4 * 4096;
        MemorySegment address = Libc.mmap(length, Libc.PROT_READ | Libc.PROT_WRITE, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0, "test");
        assertEquals(0, address.address() % 4096, "page aligned");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment memory = address.reinterpret(length, arena, null);
            assertEquals(0L, memory.get(JAVA_LONG, length - 8), "anonymous memory starts zeroed");
            memory.set(JAVA_LONG, length - 8, 42L);
            assertEquals(42L, memory.get(JAVA_LONG, length - 8));
        }
        Libc.munmap(address, length, "test");
    }

    @Test
    void failuresCarryErrnoAndTheArgument() {
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> Libc.mmap(0, Libc.PROT_READ, Libc.MAP_PRIVATE | Libc.MAP_ANONYMOUS, -1, 0, "empty"));
        assertEquals(Errno.EINVAL, e.errno());
        assertEquals("mmap(empty, 0 bytes): Invalid argument (EINVAL)", e.getMessage());

        NativeCallException missing = assertThrows(NativeCallException.class, () -> Libc.open("/booster/no/such/file", Libc.O_RDONLY));
        assertEquals(Errno.ENOENT, missing.errno());
        assertEquals("open(/booster/no/such/file): No such file or directory (ENOENT)", missing.getMessage());
    }

    @Test
    void opensAndClosesFiles() {
        int fd = Libc.open("/proc/self/status", Libc.O_RDONLY | Libc.O_CLOEXEC);
        assertTrue(fd >= 0);
        Libc.close(fd);
        assertEquals(Errno.EBADF, assertThrows(NativeCallException.class, () -> Libc.close(fd)).errno());
    }

    @Test
    void resolvesInterfaceNames() {
        assertEquals(1, Libc.ifNameToIndex("lo"), "loopback is interface 1 in every namespace");
        assertEquals(0, Libc.ifNameToIndex("bxnosuchdev0"));
    }

    @Test
    void rawWakeupCallsReportErrnoWithoutThrowing() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment state = Libc.allocateCallState(arena);
            assertEquals(-1, Libc.sendtoEmpty(state, -1, Libc.MSG_DONTWAIT));
            assertEquals(Errno.EBADF, Libc.errno(state));
            assertEquals(-1, Libc.recvfromEmpty(state, -1, Libc.MSG_DONTWAIT));
            assertEquals(Errno.EBADF, Libc.errno(state));
            MemorySegment pollFd = arena.allocate(Libc.POLLFD);
            pollFd.set(JAVA_INT, Libc.POLLFD_FD, -1);
            assertEquals(0, Libc.poll(state, pollFd, 1, 0), "a negative fd is ignored by poll");
        }
    }
}
