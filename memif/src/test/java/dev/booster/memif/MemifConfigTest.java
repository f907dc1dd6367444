package dev.booster.memif;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.Secret;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.Memif;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MemifConfigTest {
    private final MemifConfig base = MemifConfig.master("/run/memif.sock");

    private static void refused(String field, String problem, Supplier<MemifConfig> config) {
        InvalidSpecException e = assertThrows(InvalidSpecException.class, config::get);
        assertEquals(field, e.field());
        assertEquals(problem, e.problem());
    }

    @Test
    void defaultsAreThoseOfLibmemifAndDpdk() {
        assertEquals(1024, base.ringSize());
        assertEquals(10, base.log2RingSize());
        assertEquals(2048, base.bufferSize());
        assertEquals(1, base.queues());
        assertEquals(0, base.id());
        assertEquals(Memif.Mode.ETHERNET, base.mode());
    }

    @Test
    void eachBadFieldIsNamedWithItsFix() {
        refused("socketPath", "is empty; use a filesystem path or @abstract-name", () -> MemifConfig.master(""));
        refused("socketPath", "is 108 bytes; a UNIX socket name holds at most 107", () -> MemifConfig.master("/" + "x".repeat(107)));
        refused("queues", "0 is out of range; use 1..255", () -> base.withQueues(0));
        refused("queues", "256 is out of range; use 1..255", () -> base.withQueues(256));
        refused("ringSize", "1000 must be a power of two from 16 to 16384", () -> base.withRingSize(1000));
        refused("ringSize", "32768 must be a power of two from 16 to 16384", () -> base.withRingSize(32768));
        refused("bufferSize", "63 is out of range; use 64..65535", () -> base.withBufferSize(63));
        refused("id", "-1 is out of range; use 0..4294967295", () -> base.withId(-1));
        refused("secret", "secret is 25 bytes; the memif INIT message holds 24", () -> base.withSecret(Secret.ofString("s".repeat(25))));
        refused("interfaceName", "is empty", () -> base.withInterfaceName(""));
        refused("handshakeTimeout", "must be a positive duration", () -> base.withHandshakeTimeout(Duration.ZERO));
        refused("bufferSize", "8 queue pairs of 8192 buffers of 65535 bytes need 8591902720 bytes of shared memory, more than the 4 GiB"
                + " 32-bit descriptor offsets address; use fewer queues or smaller rings or buffers",
                () -> base.withQueues(8).withRingSize(8192).withBufferSize(65535));
        MemifConfig justFits = base.withQueues(1).withRingSize(16384).withBufferSize(65535);
        assertEquals(65535, justFits.bufferSize());
    }

    @Test
    void aPodSpecBecomesAConfig() {
        Memif spec = new Memif("memif0", java.util.List.of(InterfaceAddress.parse("10.0.0.2/24")), java.util.List.of(), 1500,
                java.util.Optional.empty(), Memif.Role.SLAVE, "@vpp-memif", 5, 2, 256, Memif.Mode.IP,
                java.util.Optional.of(Secret.ofString("pw")));
        MemifConfig config = MemifConfig.from(spec);
        assertEquals(Memif.Role.SLAVE, config.role());
        assertEquals("@vpp-memif", config.socketPath());
        assertEquals(5, config.id());
        assertEquals(2, config.queues());
        assertEquals(256, config.ringSize());
        assertEquals(Memif.Mode.IP, config.mode());
        assertEquals("memif0", config.interfaceName());
        assertEquals(spec.secret(), config.secret());
    }
}
