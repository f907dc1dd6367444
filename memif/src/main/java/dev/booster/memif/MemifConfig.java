package dev.booster.memif;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.Secret;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.Memif.Mode;
import dev.booster.api.pod.Memif.Role;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How to open a {@link MemifInterface}.
 *
 * @param role              MASTER creates and listens on the socket and maps what the slave sends; SLAVE connects,
 *                          creates the shared memory and retries until a master answers
 * @param socketPath        a filesystem path, or {@code @name} for the abstract namespace (DPDK's default)
 * @param id                the interface id the slave asks for in INIT (32-bit unsigned)
 * @param queues            queue pairs wanted (1..255); the connection uses the lesser of both sides' numbers
 * @param ringSize          descriptors per ring, a power of two from 2^4 to 2^14 (the slave's choice decides)
 * @param bufferSize        bytes per packet buffer (64..65535); longer frames are chained over several buffers
 * @param mode              Ethernet frames or bare IP packets; master and slave must agree
 * @param secret            a shared secret (at most 24 bytes, no NUL) the slave must present; a master without one
 *                          accepts any slave
 * @param interfaceName     this side's name, sent in CONNECT/CONNECTED (at most 31 bytes are sent)
 * @param bufferPlacement   where a slave puts its packet buffers
 * @param reconnectInterval how long a slave waits between connection attempts
 * @param handshakeTimeout  how long either side waits for the peer's next handshake message before giving up
 */
public record MemifConfig(Role role, String socketPath, long id, int queues, int ringSize, int bufferSize, Mode mode,
                          Optional<Secret> secret, String interfaceName, BufferPlacement bufferPlacement,
                          Duration reconnectInterval, Duration handshakeTimeout) {

    /** Where a slave puts its packet buffers (a master maps whatever the slave chose). */
    public enum BufferPlacement {
        /** Region 1 holds the buffers, region 0 only the rings: libmemif's layout. */
        SEPARATE_REGION,
        /** Region 0 holds the rings and, after them, the buffers: DPDK's layout. */
        AFTER_RINGS
    }

    public static final int MIN_RING_SIZE = Memif.MIN_RING_SIZE;
    public static final int MAX_RING_SIZE = Memif.MAX_RING_SIZE;
    public static final int DEFAULT_RING_SIZE = 1024;
    public static final int MIN_BUFFER_SIZE = 64;
    public static final int MAX_BUFFER_SIZE = 0xFFFF;
    /** DPDK's and libmemif's default. */
    public static final int DEFAULT_BUFFER_SIZE = 2048;
    public static final Duration DEFAULT_RECONNECT_INTERVAL = Duration.ofMillis(500);
    public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(5);

    public MemifConfig {
        if (role == null) throw new InvalidSpecException("role", "is missing; use MASTER or SLAVE");
        validateSocketPath(socketPath);
        if (id < 0 || id > 0xFFFF_FFFFL) throw new InvalidSpecException("id", id + " is out of range; use 0..4294967295");
        if (queues < 1 || queues > MemifProtocol.MAX_QUEUES) {
            throw new InvalidSpecException("queues", queues + " is out of range; use 1.." + MemifProtocol.MAX_QUEUES);
        }
        if (ringSize < MIN_RING_SIZE || ringSize > MAX_RING_SIZE || Integer.bitCount(ringSize) != 1) {
            throw new InvalidSpecException("ringSize", ringSize + " must be a power of two from " + MIN_RING_SIZE + " to " + MAX_RING_SIZE);
        }
        if (bufferSize < MIN_BUFFER_SIZE || bufferSize > MAX_BUFFER_SIZE) {
            throw new InvalidSpecException("bufferSize", bufferSize + " is out of range; use " + MIN_BUFFER_SIZE + ".." + MAX_BUFFER_SIZE);
        }
        long sharedBytes = 2L * queues * (Ring.bytes(Integer.numberOfTrailingZeros(ringSize)) + (long) ringSize * bufferSize);
        if (sharedBytes > Region.MAX_SIZE) {
            throw new InvalidSpecException("bufferSize", queues + " queue pairs of " + ringSize + " buffers of " + bufferSize + " bytes need "
                    + sharedBytes + " bytes of shared memory, more than the 4 GiB 32-bit descriptor offsets address; use fewer queues or smaller rings or buffers");
        }
        if (mode == null) throw new InvalidSpecException("mode", "is missing; use ETHERNET or IP");
        if (secret == null) throw new InvalidSpecException("secret", "is null; use Optional.empty() for none");
        secret.ifPresent(s -> {
            try {
                MemifMessage.requireWireSecret(s);
            } catch (IllegalArgumentException e) {
                throw new InvalidSpecException("secret", e.getMessage());
            }
        });
        if (interfaceName == null || interfaceName.isEmpty()) throw new InvalidSpecException("interfaceName", "is empty");
        if (interfaceName.indexOf('\0') >= 0) throw new InvalidSpecException("interfaceName", "contains a NUL character");
        if (bufferPlacement == null) throw new InvalidSpecException("bufferPlacement", "is missing; use SEPARATE_REGION or AFTER_RINGS");
        requirePositive("reconnectInterval", reconnectInterval);
        requirePositive("handshakeTimeout", handshakeTimeout);
    }

    /** A master on {@code socketPath}: id 0, one queue pair, 1024-slot rings of 2048-byte buffers, Ethernet, no secret. */
    public static MemifConfig master(String socketPath) {
        return defaults(Role.MASTER, socketPath);
    }

    /** A slave for {@code socketPath}, with the same defaults as {@link #master}. */
    public static MemifConfig slave(String socketPath) {
        return defaults(Role.SLAVE, socketPath);
    }

    private static MemifConfig defaults(Role role, String socketPath) {
        return new MemifConfig(role, socketPath, 0, 1, DEFAULT_RING_SIZE, DEFAULT_BUFFER_SIZE, Mode.ETHERNET, Optional.empty(),
                "booster", BufferPlacement.SEPARATE_REGION, DEFAULT_RECONNECT_INTERVAL, DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /** The memif a pod spec asks for, with the default buffer size; the interface name is the spec's name. */
    public static MemifConfig from(Memif spec) {
        return new MemifConfig(spec.role(), spec.socketPath(), spec.id(), spec.queues(), spec.ringSize(), DEFAULT_BUFFER_SIZE,
                spec.mode(), spec.secret(), spec.name(), BufferPlacement.SEPARATE_REGION, DEFAULT_RECONNECT_INTERVAL,
                DEFAULT_HANDSHAKE_TIMEOUT);
    }

    /** log2 of {@link #ringSize}. */
    public int log2RingSize() {
        return Integer.numberOfTrailingZeros(ringSize);
    }

    public MemifConfig withRole(Role value) {
        return new MemifConfig(value, socketPath, id, queues, ringSize, bufferSize, mode, secret, interfaceName, bufferPlacement, reconnectInterval, handshakeTimeout);
    }

    public MemifConfig withId(long value) {
        return new MemifConfig(role, socketPath, value, queues, ringSize, bufferSize, mode, secret, interfaceName, bufferPlacement, reconnectInterval, handshakeTimeout);
    }

    public MemifConfig withQueues(int value) {
        return new MemifConfig(role, socketPath, id, value, ringSize, bufferSize, mode, secret, interfaceName, bufferPlacement, reconnectInterval, handshakeTimeout);
    }

    public MemifConfig withRingSize(int value) {
        return new MemifConfig(role, socketPath, id, queues, value, bufferSize, mode, secret, interfaceName, bufferPlacement, reconnectInterval, handshakeTimeout);
    }

    public MemifConfig withBufferSize(int value) {
        return new MemifConfig(role, socketPath, id, queues, ringSize, value, mode, secret, interfaceName, bufferPlacement, reconnectInterval, handshakeTimeout);
    }

    public MemifConfig withMode(Mode value) {
        return new MemifConfig(role, socketPath, id, queues, ringSize, bufferSize, value, secret, interfaceName, bufferPlacement, reconnectInterval, handshakeTimeout);
    }

    public MemifConfig withSecret(Secret value) {
        return new MemifConfig(role, socketPath, id, queues, ringSize, bufferSize, mode, Optional.of(Objects.requireNonNull(value, "secret")),
                interfaceName, bufferPlacement, reconnectInterval, handshakeTimeout);
    }

    public MemifConfig withoutSecret() {
        return new MemifConfig(role, socketPath, id, queues, ringSize, bufferSize, mode, Optional.empty(), interfaceName, bufferPlacement, reconnectInterval, handshakeTimeout);
    }

    public MemifConfig withInterfaceName(String value) {
        return new MemifConfig(role, socketPath, id, queues, ringSize, bufferSize, mode, secret, value, bufferPlacement, reconnectInterval, handshakeTimeout);
    }

    public MemifConfig withBufferPlacement(BufferPlacement value) {
        return new MemifConfig(role, socketPath, id, queues, ringSize, bufferSize, mode, secret, interfaceName, value, reconnectInterval, handshakeTimeout);
    }

    public MemifConfig withReconnectInterval(Duration value) {
        return new MemifConfig(role, socketPath, id, queues, ringSize, bufferSize, mode, secret, interfaceName, bufferPlacement, value, handshakeTimeout);
    }

    public MemifConfig withHandshakeTimeout(Duration value) {
        return new MemifConfig(role, socketPath, id, queues, ringSize, bufferSize, mode, secret, interfaceName, bufferPlacement, reconnectInterval, value);
    }

    private static void validateSocketPath(String socketPath) {
        if (socketPath == null || socketPath.isEmpty() || socketPath.equals("@")) {
            throw new InvalidSpecException("socketPath", "is empty; use a filesystem path or @abstract-name");
        }
        if (socketPath.indexOf('\0') >= 0) throw new InvalidSpecException("socketPath", "contains a NUL character");
        int bytes = (socketPath.startsWith("@") ? socketPath.substring(1) : socketPath).getBytes(StandardCharsets.UTF_8).length;
        if (bytes > 107) throw new InvalidSpecException("socketPath", "is " + bytes + " bytes; a UNIX socket name holds at most 107");
    }

    private static void requirePositive(String field, Duration value) {
        if (value == null || value.isZero() || value.isNegative()) throw new InvalidSpecException(field, "must be a positive duration");
    }
}
