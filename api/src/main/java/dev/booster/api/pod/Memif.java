package dev.booster.api.pod;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.Secret;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.MacAddress;
import dev.booster.api.net.Route;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A memif shared-memory interface (libmemif protocol 2.0), for pods and 5G/VNF applications that move packets
 * without the kernel.
 *
 * @param role       the dataplane's role; {@link Role#MASTER} (the dataplane creates the socket) is the usual choice
 * @param socketPath a filesystem path, or {@code @name} for an abstract socket, seen from the pod's network namespace
 * @param id         the interface id on that socket (several interfaces may share one socket)
 * @param queues     queue pairs (1..255)
 * @param ringSize   descriptors per ring, a power of two from 2^4 to 2^14
 * @param mode       Ethernet frames or bare IP packets
 * @param secret     an optional shared secret the peer must present
 */
public record Memif(String name, List<InterfaceAddress> addresses, List<Route> routes, int mtu, Optional<MacAddress> mac,
                    Role role, String socketPath, int id, int queues, int ringSize, Mode mode, Optional<Secret> secret)
        implements InterfaceSpec {

    public enum Role { MASTER, SLAVE }

    public enum Mode { ETHERNET, IP }

    public static final int MIN_RING_SIZE = 1 << 4;
    public static final int MAX_RING_SIZE = 1 << 14;
    /** The socket path libmemif, DPDK and VPP use when none is given. */
    public static final String DEFAULT_SOCKET = "/run/vpp/memif.sock";

    public Memif {
        InterfaceSpec.validateCommon(name, addresses, routes, mtu, mac);
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(secret, "secret");
        if (socketPath == null || socketPath.isEmpty()) throw new InvalidSpecException("socketPath", "is empty; use a path or @abstract-name");
        if (socketPath.length() > 107) throw new InvalidSpecException("socketPath", "is longer than 107 bytes (sun_path)");
        if (id < 0) throw new InvalidSpecException("id", id + " is negative");
        if (queues < 1 || queues > 255) throw new InvalidSpecException("queues", queues + " is out of range; use 1..255");
        if (ringSize < MIN_RING_SIZE || ringSize > MAX_RING_SIZE || Integer.bitCount(ringSize) != 1) {
            throw new InvalidSpecException("ringSize", ringSize + " must be a power of two from " + MIN_RING_SIZE + " to " + MAX_RING_SIZE);
        }
        secret.ifPresent(s -> {
            if (s.length() > 24) throw new InvalidSpecException("secret", "is longer than 24 bytes (memif protocol limit)");
        });
        if (mode == Mode.IP && mac.isPresent()) throw new InvalidSpecException("mac", "an IP-mode memif has no MAC address");
        addresses = List.copyOf(addresses);
        routes = List.copyOf(routes);
    }

    /** A master-role Ethernet memif on {@code socketPath} with id 0, one queue pair and 1024-slot rings. */
    public static Memif of(String name, String socketPath, InterfaceAddress... addresses) {
        return new Memif(name, List.of(addresses), List.of(), DEFAULT_MTU, Optional.empty(), Role.MASTER, socketPath, 0, 1,
                1024, Mode.ETHERNET, Optional.empty());
    }
}
