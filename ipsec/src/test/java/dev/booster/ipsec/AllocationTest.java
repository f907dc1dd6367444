package dev.booster.ipsec;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The OpenSSL path allocates nothing per packet; the JDK path does (a GCMParameterSpec and Cipher state per
 * {@code init}), which is why it is not the default. Measured with the JVM's per-thread allocation counter.
 */
class AllocationTest {
    private static final int WARM_UP = 20_000;
    private static final int MEASURED = 10_000;

    @Test
    void openSslEncryptAndDecryptAllocateNothingPerPacket() {
        double perPacket = bytesPerRoundTrip(EspCrypto.OPENSSL);
        // Zero once compiled; the bound leaves room for a stray allocation by the JIT or the counter itself.
        assertTrue(perPacket < 1, () -> perPacket + " bytes allocated per encrypt+decrypt");
    }

    @Test
    void espInUdpOverIpv6WithItsChecksumAllocatesNothingPerPacket() {
        SecurityAssociation sa = TestSas.sa(EspAlgorithm.AES_GCM_16_256, true, TestSas.V6.withUdpEncapsulation(UdpEncapsulation.NAT_T), 3);
        double perPacket = bytesPerRoundTrip(sa, EspCrypto.OPENSSL);
        assertTrue(perPacket < 1, () -> perPacket + " bytes allocated per encrypt+decrypt");
    }

    @Test
    void theJdkPathAllocatesSoTheMeasurementCanTellTheDifference() {
        double perPacket = bytesPerRoundTrip(EspCrypto.JDK);
        assertTrue(perPacket > 16, () -> perPacket + " bytes allocated per encrypt+decrypt");
    }

    private static double bytesPerRoundTrip(EspCrypto crypto) {
        return bytesPerRoundTrip(TestSas.sa(true), crypto);
    }

    private static double bytesPerRoundTrip(SecurityAssociation sa, EspCrypto crypto) {
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        boolean udp = sa.tunnel().udpEncapsulation().isPresent();
        byte[] inner = TestSas.innerPacket(false, 200, new Random(1));
        int headroom = 64;
        try (Arena arena = Arena.ofConfined();
             EspEncryptor encryptor = EspEncryptor.open(sa, crypto);
             EspDecryptor decryptor = EspDecryptor.open(sa, crypto)) {
            MemorySegment buffer = arena.allocate(headroom + inner.length + 64);
            MemorySegment.copy(inner, 0, buffer, ValueLayout.JAVA_BYTE, headroom, inner.length);
            long esp = headroom - (udp ? Esp.UDP_PAYLOAD_OFFSET : Esp.PAYLOAD_OFFSET);
            int outerHeader = encryptor.headerBytes() - (udp ? Esp.UDP_PAYLOAD_OFFSET : Esp.PAYLOAD_OFFSET);
            for (int i = 0; i < WARM_UP; i++) roundTrip(encryptor, decryptor, buffer, headroom, esp, outerHeader, inner.length, udp);
            long before = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < MEASURED; i++) roundTrip(encryptor, decryptor, buffer, headroom, esp, outerHeader, inner.length, udp);
            long allocated = threads.getCurrentThreadAllocatedBytes() - before;
            assertEquals(WARM_UP + MEASURED, decryptor.statistics().packets());
            return (double) allocated / MEASURED;
        }
    }

    private static void roundTrip(EspEncryptor encryptor, EspDecryptor decryptor, MemorySegment buffer, int headroom,
                                  long esp, int outerHeader, int innerLength, boolean udp) {
        int outer = encryptor.encrypt(buffer, headroom, innerLength, headroom, 64);
        int inner = udp ? decryptor.decryptUdp(buffer, esp, outer - outerHeader) : decryptor.decrypt(buffer, esp, outer - outerHeader);
        if (inner != innerLength) throw new AssertionError("round trip failed: " + inner);
    }
}
