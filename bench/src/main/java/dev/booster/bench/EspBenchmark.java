package dev.booster.bench;

import dev.booster.ipsec.EspAlgorithm;
import dev.booster.ipsec.EspCrypto;
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

import java.util.concurrent.TimeUnit;

/**
 * ESP tunnel mode on one core: packets per second of an inner IPv4 packet of {@code payload} bytes (header included)
 * encrypted into an outer IPv4 ESP packet ({@code encrypt}), or encrypted and decrypted back ({@code encryptDecrypt},
 * the cost a packet pays crossing two Booster nodes). Gbit/s = ops/s x payload x 8; bench/esp-vs-openssl.sh prints
 * it beside {@code openssl speed} of the same cipher at the same size. See {@link EspFixture} for the buffer; the
 * trial fails if any packet was dropped, so no drop path is ever measured by mistake.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Fork(value = 1, jvmArgsAppend = {"--enable-native-access=ALL-UNNAMED", "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class EspBenchmark {
    @Param({"64", "512", "1400"})
    public int payload;

    @Param({"AES_GCM_16_128", "AES_GCM_16_256"})
    public EspAlgorithm algorithm;

    @Param({"OPENSSL", "JDK"})
    public EspCrypto crypto;

    private EspFixture fixture;

    @Setup(Level.Trial)
    public void setUp() {
        fixture = new EspFixture(payload, algorithm, crypto);
    }

    @Benchmark
    public int encrypt() {
        return fixture.encrypt();
    }

    @Benchmark
    public int encryptDecrypt() {
        return fixture.encryptDecrypt();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        fixture.close();
    }
}
