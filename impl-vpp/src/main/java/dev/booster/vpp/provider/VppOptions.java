package dev.booster.vpp.provider;

import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.vpp.api.VppClientOptions;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The {@code vpp.*} options of a {@link DataplaneConfig}:
 * <ul>
 *   <li>{@code vpp.socket}: VPP's API socket ({@code socksvr { socket-name }}); default {@code $BOOSTER_VPP_API_SOCKET},
 *       else {@code /run/vpp/api.sock}.</li>
 *   <li>{@code vpp.uplink}: the host interface (e.g. {@code eth1}) VPP takes over with af_packet to reach other nodes;
 *       only tunnels need it. {@code vpp.uplink.address}: its addresses, comma-separated ({@code 192.0.2.2/24}),
 *       required with {@code vpp.uplink}; a tunnel's {@code localAddress} must be one of them.</li>
 * </ul>
 */
record VppOptions(Path socket, Optional<VppUplink> uplink) {

    static final String PREFIX = "vpp.";
    static final String SOCKET = "vpp.socket";
    static final String UPLINK = "vpp.uplink";
    static final String UPLINK_ADDRESS = "vpp.uplink.address";
    static final String SOCKET_VARIABLE = "BOOSTER_VPP_API_SOCKET";
    private static final Set<String> KNOWN = Set.of(SOCKET, UPLINK, UPLINK_ADDRESS);
    /** Linux's IFNAMSIZ less the NUL. */
    private static final int MAX_INTERFACE_NAME = 15;

    VppOptions(Path socket) {
        this(socket, Optional.empty());
    }

    static VppOptions from(DataplaneConfig config) {
        for (String key : config.options().keySet()) {
            if (key.startsWith(PREFIX) && !KNOWN.contains(key)) {
                throw new InvalidSpecException("options." + key, "is not a vpp option; known: " + String.join(", ",
                        List.of(SOCKET, UPLINK, UPLINK_ADDRESS)));
            }
        }
        Path socket = config.option(SOCKET).map(VppOptions::socketPath).orElseGet(VppOptions::defaultSocket);
        return new VppOptions(socket, uplink(config.option(UPLINK), config.option(UPLINK_ADDRESS)));
    }

    static Optional<VppUplink> uplink(Optional<String> name, Optional<String> addresses) {
        if (name.isEmpty()) {
            if (addresses.isPresent()) {
                throw new InvalidSpecException("options." + UPLINK_ADDRESS, "is set without " + UPLINK + "; name the"
                        + " host interface the addresses belong to, e.g. " + UPLINK + "=eth1");
            }
            return Optional.empty();
        }
        String hostInterface = name.get().strip();
        if (hostInterface.isEmpty() || hostInterface.length() > MAX_INTERFACE_NAME
                || !hostInterface.chars().allMatch(c -> c > ' ' && c < 127 && c != '/' && c != ':')) {
            throw new InvalidSpecException("options." + UPLINK, "\"" + name.get() + "\" is not a Linux interface name"
                    + " (1 to 15 printable characters, no '/', ':' or space), e.g. eth1");
        }
        if (addresses.isEmpty() || addresses.get().isBlank()) {
            throw new InvalidSpecException("options." + UPLINK_ADDRESS, "is required with " + UPLINK + ": the uplink's"
                    + " addresses with their prefix length, comma-separated, e.g. 192.0.2.2/24,2001:db8::2/64");
        }
        List<InterfaceAddress> parsed = new ArrayList<>();
        for (String text : addresses.get().split(",")) {
            if (!text.contains("/")) {
                throw new InvalidSpecException("options." + UPLINK_ADDRESS, "\"" + text.strip() + "\" has no prefix"
                        + " length; give the uplink's subnet, e.g. 192.0.2.2/24");
            }
            try {
                parsed.add(InterfaceAddress.parse(text.strip()));
            } catch (IllegalArgumentException e) {
                throw new InvalidSpecException("options." + UPLINK_ADDRESS, "\"" + text.strip() + "\" is not an"
                        + " address with a prefix length, e.g. 192.0.2.2/24: " + e.getMessage());
            }
        }
        return Optional.of(new VppUplink(hostInterface, parsed));
    }

    static Path defaultSocket() {
        String fromEnvironment = System.getenv(SOCKET_VARIABLE);
        return fromEnvironment == null || fromEnvironment.isBlank() ? VppClientOptions.DEFAULT_SOCKET
                : socketPath(fromEnvironment);
    }

    private static Path socketPath(String value) {
        Path path = Path.of(value.strip());
        if (!path.isAbsolute()) {
            throw new InvalidSpecException("options." + SOCKET, "\"" + value + "\" is not an absolute path, e.g."
                    + " /run/vpp/api.sock");
        }
        return path;
    }
}
