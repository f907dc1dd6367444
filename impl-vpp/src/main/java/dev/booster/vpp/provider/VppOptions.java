package dev.booster.vpp.provider;

import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;
import dev.booster.vpp.api.VppClientOptions;

import java.nio.file.Path;

/**
 * The {@code vpp.*} options of a {@link DataplaneConfig}:
 * <ul>
 *   <li>{@code vpp.socket}: VPP's API socket ({@code socksvr { socket-name }}); default {@code $BOOSTER_VPP_API_SOCKET},
 *       else {@code /run/vpp/api.sock}.</li>
 * </ul>
 */
record VppOptions(Path socket) {

    static final String PREFIX = "vpp.";
    static final String SOCKET = "vpp.socket";
    static final String SOCKET_VARIABLE = "BOOSTER_VPP_API_SOCKET";

    static VppOptions from(DataplaneConfig config) {
        for (String key : config.options().keySet()) {
            if (key.startsWith(PREFIX) && !key.equals(SOCKET)) {
                throw new InvalidSpecException("options." + key, "is not a vpp option; known: " + SOCKET);
            }
        }
        return new VppOptions(config.option(SOCKET).map(VppOptions::socketPath).orElseGet(VppOptions::defaultSocket));
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
