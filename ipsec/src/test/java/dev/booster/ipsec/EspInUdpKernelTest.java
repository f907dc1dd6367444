package dev.booster.ipsec;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Linux as the judge of the outer headers: an ESP-in-UDP packet the encryptor wrote goes, as it is, through a raw
 * socket to the loopback address, where a UDP socket on the SA's destination port must receive the ESP packet as its
 * payload. The kernel drops a UDP datagram over IPv6 whose checksum is wrong (or 0), and one with a wrong length or
 * header; a copy with one checksum bit flipped proves it looked. Root only (raw sockets); nothing outside loopback.
 */
@Tag("privileged")
class EspInUdpKernelTest {
    private static final int AF_INET = 2;
    private static final int AF_INET6 = 10;
    private static final int SOCK_RAW = 3;
    private static final int IPPROTO_RAW = 255;
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle SOCKET = handle("socket", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));
    private static final MethodHandle SENDTO = handle("sendto", FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
            ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT, ValueLayout.ADDRESS, ValueLayout.JAVA_INT));
    private static final MethodHandle CLOSE = handle("close", FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_INT));

    @ParameterizedTest(name = "over {0}")
    @ValueSource(strings = {"::1", "127.0.0.1"})
    void theKernelAcceptsTheUdpHeaderAndChecksumTheEncryptorWrote(String loopback) throws Throwable {
        Assumptions.assumeTrue(isRoot(), "raw sockets need root");
        InetAddress address = InetAddress.getByName(loopback);
        boolean ipv6 = loopback.contains(":");
        try (DatagramChannel receiver = DatagramChannel.open()) {
            receiver.bind(new InetSocketAddress(address, 0));
            receiver.configureBlocking(false);
            int port = ((InetSocketAddress) receiver.getLocalAddress()).getPort();
            SecurityAssociation sa = TestSas.sa(EspAlgorithm.AES_GCM_16_128, false,
                    new TunnelEndpoints(address, address).withUdpEncapsulation(new UdpEncapsulation(4500, port)), 11);
            byte[] inner = TestSas.innerPacket(false, 333, new Random(5));
            byte[] outer = encrypt(sa, inner);
            int ipHeader = ipv6 ? 40 : 20;

            send(outer, address, ipv6);
            assertArrayEquals(Arrays.copyOfRange(outer, ipHeader + 8, outer.length), receive(receiver),
                    "the ESP packet arrives as the UDP payload");

            byte[] broken = outer.clone();
            if (ipv6) {
                broken[ipHeader + 7] ^= 0x01;   // the checksum
            } else {
                // IPv4 carries no UDP checksum to break: claim one byte more than the IP packet holds instead.
                ByteBuffer.wrap(broken).putShort(ipHeader + 4, (short) (outer.length - ipHeader + 1));
            }
            send(broken, address, ipv6);
            assertNull(receive(receiver), "the kernel checks what was flipped, so the first packet passed on its merits");
        }
    }

    private static byte[] encrypt(SecurityAssociation sa, byte[] inner) {
        try (Arena arena = Arena.ofConfined(); EspEncryptor encryptor = EspEncryptor.open(sa)) {
            MemorySegment buffer = arena.allocate(128 + inner.length + 64);
            MemorySegment.copy(inner, 0, buffer, ValueLayout.JAVA_BYTE, 128, inner.length);
            int length = encryptor.encrypt(buffer, 128, inner.length, 128, 64);
            if (length < 0) throw new AssertionError(EspDrop.of(length));
            return buffer.asSlice(128 - encryptor.headerBytes(), length).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    private static byte[] receive(DatagramChannel receiver) throws IOException, InterruptedException {
        ByteBuffer buffer = ByteBuffer.allocate(2048);
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (receiver.receive(buffer) == null) {
            if (System.nanoTime() > deadline) return null;
            Thread.sleep(10);
        }
        return Arrays.copyOf(buffer.array(), buffer.position());
    }

    /** A raw socket with IPPROTO_RAW sends the IP header we wrote (IPv4: the kernel fills in its checksum). */
    private static void send(byte[] packet, InetAddress destination, boolean ipv6) throws Throwable {
        int fd = (int) SOCKET.invokeExact(ipv6 ? AF_INET6 : AF_INET, SOCK_RAW, IPPROTO_RAW);
        if (fd < 0) throw new IllegalStateException("socket(SOCK_RAW, IPPROTO_RAW) failed");
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment data = arena.allocateFrom(ValueLayout.JAVA_BYTE, packet);
            MemorySegment address = arena.allocate(28);
            address.set(ValueLayout.JAVA_SHORT, 0, (short) (ipv6 ? AF_INET6 : AF_INET));
            byte[] raw = destination.getAddress();
            MemorySegment.copy(raw, 0, address, ValueLayout.JAVA_BYTE, ipv6 ? 8 : 4, raw.length);
            long sent = (long) SENDTO.invokeExact(fd, data, (long) packet.length, 0, address, ipv6 ? 28 : 16);
            if (sent != packet.length) throw new IllegalStateException("sendto sent " + sent + " of " + packet.length + " bytes");
        } finally {
            int ignored = (int) CLOSE.invokeExact(fd);
        }
    }

    private static boolean isRoot() throws IOException {
        return Files.readAllLines(Path.of("/proc/self/status")).stream().anyMatch(l -> l.matches("Uid:\\s+0\\s.*"));
    }

    private static MethodHandle handle(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
    }
}
