package dev.booster.dpdk.provider;

import dev.booster.dpdk.ffi.RteEal;
import dev.booster.dpdk.ffi.RteEthdev;
import dev.booster.dpdk.ffi.RteMbuf;
import dev.booster.dpdk.ffi.RteMempool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the {@code dpdk} provider needs from the host, checked up front so a missing piece is one clear sentence:
 * capabilities, the {@code ip} and {@code nsenter} tools, and DPDK 22.11's libraries.
 */
final class DpdkHostCheck {
    /** The capabilities (bit numbers of {@code CapEff}) the backend uses, and what for. */
    static final Map<Integer, String> NEEDED_CAPABILITIES = Map.of(
            12, "CAP_NET_ADMIN",  // veths, taps, addresses, routes
            13, "CAP_NET_RAW",    // net_af_packet's packet sockets
            21, "CAP_SYS_ADMIN"); // setns into pods' namespaces

    private DpdkHostCheck() {
    }

    /** Empty when the host has all the backend needs; otherwise why not. Never throws. */
    static Optional<String> run() {
        Optional<String> capabilities = missingCapabilities(readStatus());
        if (capabilities.isPresent()) return capabilities;
        for (String[] tool : new String[][]{{"ip", "iproute2"}, {"nsenter", "util-linux"}}) {
            if (!onPath(tool[0])) {
                return Optional.of("`" + tool[0] + "` is not on the PATH: install " + tool[1] + " (apt-get install " + tool[1]
                        + "), or add its directory (often /usr/sbin) to the PATH");
            }
        }
        for (var library : List.of(RteEal.LIBRARY, RteEthdev.LIBRARY, RteMbuf.LIBRARY, RteMempool.LIBRARY)) {
            Optional<String> reason = library.unavailableReason();
            if (reason.isPresent()) return Optional.of(reason.get() + " (the whole of DPDK 22.11: apt-get install dpdk)");
        }
        return Optional.empty();
    }

    static Optional<String> missingCapabilities(String status) {
        long effective = 0;
        String uid = "?";
        for (String line : status.split("\n")) {
            if (line.startsWith("CapEff:")) effective = Long.parseUnsignedLong(line.substring(7).strip(), 16);
            if (line.startsWith("Uid:")) uid = line.substring(4).strip().split("\\s+")[1];
        }
        List<String> missing = new ArrayList<>();
        for (int bit : List.of(12, 13, 21)) {
            if ((effective & (1L << bit)) == 0) missing.add(NEEDED_CAPABILITIES.get(bit));
        }
        if (missing.isEmpty()) return Optional.empty();
        return Optional.of((uid.equals("0") ? "running as root but " : "not root (euid " + uid + ") and ") + "missing "
                + String.join(", ", missing) + ": run as root, or grant them (a container's securityContext.capabilities.add)");
    }

    private static String readStatus() {
        try {
            return Files.readString(Path.of("/proc/self/status"));
        } catch (IOException e) {
            return "";
        }
    }

    private static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }
}
