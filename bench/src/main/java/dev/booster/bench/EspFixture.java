package dev.booster.bench;

import dev.booster.ipsec.Esp;
import dev.booster.ipsec.EspAlgorithm;
import dev.booster.ipsec.EspCrypto;
import dev.booster.ipsec.EspDecryptor;
import dev.booster.ipsec.EspEncryptor;
import dev.booster.ipsec.SaStatistics;
import dev.booster.ipsec.SecurityAssociation;
import dev.booster.ipsec.TunnelEndpoints;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Random;

/**
 * One SA's encryptor and decryptor over one off-heap packet buffer, shared by {@link EspBenchmark} and
 * {@link EspCpuTime}. Encryption writes the outer headers into the headroom and the trailer and ICV into the
 * tailroom; decryption leaves the inner packet where it was, so the round trip repeats on the same bytes.
 * {@link #encrypt()} alone re-encrypts its own ciphertext and only restores the version byte the encryptor checks.
 * The SA uses extended sequence numbers (12-byte AAD), as IKEv2 peers usually negotiate.
 */
final class EspFixture implements AutoCloseable {
    private static final int HEADROOM = 128;
    private static final int TAILROOM = 64;

    private final int payload;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment buffer;
    private final EspEncryptor encryptor;
    private final EspDecryptor decryptor;
    private final long esp;
    private final int outerHeader;

    /** @param payload the inner IPv4 packet's length, header included */
    EspFixture(int payload, EspAlgorithm algorithm, EspCrypto crypto) {
        this.payload = payload;
        Random random = new Random(1);
        byte[] keyMaterial = new byte[algorithm.keyMaterialBytes()];
        random.nextBytes(keyMaterial);
        SecurityAssociation sa = SecurityAssociation.fromKeyMaterial(0x1000, algorithm, keyMaterial, true, tunnel());
        encryptor = EspEncryptor.open(sa, crypto);
        decryptor = EspDecryptor.open(sa, crypto);
        buffer = arena.allocate(HEADROOM + payload + TAILROOM, 64);
        byte[] inner = new byte[payload];
        random.nextBytes(inner);
        inner[0] = 0x45;
        MemorySegment.copy(inner, 0, buffer, ValueLayout.JAVA_BYTE, HEADROOM, payload);
        esp = HEADROOM - Esp.PAYLOAD_OFFSET;
        outerHeader = encryptor.headerBytes() - Esp.PAYLOAD_OFFSET;
    }

    int encrypt() {
        buffer.set(ValueLayout.JAVA_BYTE, HEADROOM, (byte) 0x45);
        return encryptor.encrypt(buffer, HEADROOM, payload, HEADROOM, TAILROOM);
    }

    int encryptDecrypt() {
        int outer = encryptor.encrypt(buffer, HEADROOM, payload, HEADROOM, TAILROOM);
        return decryptor.decrypt(buffer, esp, outer - outerHeader);
    }

    /** Closes, and fails if any packet was dropped: then the figures would not be of the packet path. */
    @Override
    public void close() {
        SaStatistics sent = encryptor.statistics();
        SaStatistics received = decryptor.statistics();
        encryptor.close();
        decryptor.close();
        arena.close();
        if (sent.totalDrops() != 0 || received.totalDrops() != 0) {
            throw new IllegalStateException("packets were dropped, so the figures are not of the packet path: encrypt "
                    + sent.drops() + ", decrypt " + received.drops());
        }
        if (received.packets() != 0 && received.packets() != sent.packets()) {
            throw new IllegalStateException(sent.packets() + " encrypted but " + received.packets() + " decrypted");
        }
        if (sent.packets() == 0) throw new IllegalStateException("nothing was encrypted");
    }

    private static TunnelEndpoints tunnel() {
        try {
            return new TunnelEndpoints(InetAddress.getByName("192.0.2.1"), InetAddress.getByName("192.0.2.2"));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
