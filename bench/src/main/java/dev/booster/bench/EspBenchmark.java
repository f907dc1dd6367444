package dev.booster.bench;

import dev.booster.ipsec.Esp;
import dev.booster.ipsec.EspAlgorithm;
import dev.booster.ipsec.EspCrypto;
import dev.booster.ipsec.EspDecryptor;
import dev.booster.ipsec.EspEncryptor;
import dev.booster.ipsec.SaStatistics;
import dev.booster.ipsec.SecurityAssociation;
import dev.booster.ipsec.TunnelEndpoints;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/**
 * ESP tunnel mode on one core: packets per second of an inner IPv4 packet of {@code payload} bytes (header included)
 * encrypted into an outer IPv4 ESP packet ({@code encrypt}), or encrypted and decrypted back ({@code encryptDecrypt},
 * the cost a packet pays crossing two Booster nodes). Gbit/s = ops/s x payload x 8; bench/esp-vs-openssl.sh prints
 * it beside {@code openssl speed} of the same cipher at the same size.
 *
 * <p>One off-heap buffer, as the engine's packets are: encryption writes the outer headers into the headroom and the
 * trailer and ICV into the tailroom, decryption leaves the inner packet where it was, so the round trip repeats on
 * the same bytes. {@code encrypt} alone re-encrypts its own ciphertext, and only restores the version byte the
 * encryptor checks. The SA uses extended sequence numbers (12-byte AAD), as IKEv2 peers usually negotiate.
 * The trial fails if any packet was dropped, so no drop path is ever measured by mistake.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class EspBenchmark {
    private static final int HEADROOM = 128;
    private static final int TAILROOM = 64;

    @Param({"64", "512", "1400"})
    public int payload;

    @Param({"AES_GCM_16_128", "AES_GCM_16_256"})
    public EspAlgorithm algorithm;

    @Param({"OPENSSL", "JDK"})
    public EspCrypto crypto;

    private Arena arena;
    private MemorySegment buffer;
    private EspEncryptor encryptor;
    private EspDecryptor decryptor;
    private long esp;
    private int outerHeader;

    @Setup(Level.Trial)
    public void setUp() throws UnknownHostException {
        Random random = new Random(1);
        byte[] keyMaterial = new byte[algorithm.keyMaterialBytes()];
        random.nextBytes(keyMaterial);
        TunnelEndpoints tunnel = new TunnelEndpoints(InetAddress.getByName("192.0.2.1"), InetAddress.getByName("192.0.2.2"));
        SecurityAssociation sa = SecurityAssociation.fromKeyMaterial(0x1000, algorithm, keyMaterial, true, tunnel);
        encryptor = EspEncryptor.open(sa, crypto);
        decryptor = EspDecryptor.open(sa, crypto);
        arena = Arena.ofShared();
        buffer = arena.allocate(HEADROOM + payload + TAILROOM, 64);
        byte[] inner = new byte[payload];
        random.nextBytes(inner);
        inner[0] = 0x45;
        MemorySegment.copy(inner, 0, buffer, ValueLayout.JAVA_BYTE, HEADROOM, payload);
        esp = HEADROOM - Esp.PAYLOAD_OFFSET;
        outerHeader = encryptor.headerBytes() - Esp.PAYLOAD_OFFSET;
    }

    @Benchmark
    public int encrypt() {
        buffer.set(ValueLayout.JAVA_BYTE, HEADROOM, (byte) 0x45);
        return encryptor.encrypt(buffer, HEADROOM, payload, HEADROOM, TAILROOM);
    }

    @Benchmark
    public int encryptDecrypt() {
        int outer = encryptor.encrypt(buffer, HEADROOM, payload, HEADROOM, TAILROOM);
        return decryptor.decrypt(buffer, esp, outer - outerHeader);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
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
}
