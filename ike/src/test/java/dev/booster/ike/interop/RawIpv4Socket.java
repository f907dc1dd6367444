package dev.booster.ike.interop;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.Inet4Address;

/**
 * A raw IPv4 socket ({@code IPPROTO_RAW}, so the kernel sends the IP header we wrote): how a test puts a packet
 * built by {@link dev.booster.ipsec.EspEncryptor} on the wire as it is, without the engine. Create it inside the
 * network namespace it should send from (see {@link Netns}). The kernel fills in the IPv4 checksum and, when 0,
 * the identification (raw(7)); everything else goes out as written.
 */
final class RawIpv4Socket implements AutoCloseable {
    private static final int AF_INET = 2;
    private static final int SOCK_RAW = 3;
    private static final int IPPROTO_RAW = 255;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SENDTO = handle("sendto", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    private final int fd;

    private RawIpv4Socket(int fd) {
        this.fd = fd;
    }

    static RawIpv4Socket open() throws Throwable {
        int fd = (int) SOCKET.invokeExact(AF_INET, SOCK_RAW, IPPROTO_RAW);
        if (fd < 0) throw new IllegalStateException("socket(AF_INET, SOCK_RAW, IPPROTO_RAW) failed: root needed");
        return new RawIpv4Socket(fd);
    }

    /** Sends the whole IPv4 packet {@code packet} to the destination address in its header. */
    void send(byte[] packet, Inet4Address destination) throws Throwable {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, packet);
            MemorySegment address = arena.allocate(16);
            address.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
            MemorySegment.copy(destination.getAddress(), 0, address, ValueLayout.JAVA_BYTE, 4, 4);
            long sent = (long) SENDTO.invokeExact(fd, data, (long) packet.length, 0, address, 16);
            if (sent != packet.length) throw new IllegalStateException("sendto sent " + sent + " of " + packet.length + " bytes");
        }
    }

    @Override
    public void close() {
        try {
            int ignored = (int) CLOSE.invokeExact(fd);
        } catch (Throwable t) {
            throw new IllegalStateException("close(" + fd + ")", t);
        }
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
    }
}
