package dev.booster.afxdp.provider;

import dev.booster.afxdp.xsk.AfXdpSupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the {@code afxdp} provider needs from the host, checked up front so a missing piece is one clear sentence
 * instead of a failure halfway through attaching a pod: capabilities, the {@code ip} and {@code nsenter} tools,
 * libxdp/libbpf with libxdp's XDP program, and a kernel that opens AF_XDP sockets.
 *
 * <p>No bpffs is needed: Booster attaches its XDP program through a BPF link, which lives as long as its descriptor
 * and is never pinned (see the module README).
 */
final class HostCheck {
    /** The capabilities (bit numbers of {@code CapEff}) the backend uses, and what for. */
    static final Map<Integer, String> NEEDED_CAPABILITIES = Map.of(
            12, "CAP_NET_ADMIN",  // veths, addresses, routes, XDP attach
            13, "CAP_NET_RAW",    // AF_XDP sockets
            21, "CAP_SYS_ADMIN"); // setns into pods' namespaces
    static final int CAP_BPF = 39;
    static final int CAP_SYS_ADMIN = 21;

    /** A reason the backend cannot run here, with the failure seen if there was one. */
    record Problem(String reason, Optional<Throwable> cause) {
    }

    private HostCheck() {
    }

    /** Empty when the host has all the backend needs. Never throws. */
    static Optional<Problem> run() {
        Optional<Problem> capabilities = missingCapabilities(readStatus());
        if (capabilities.isPresent()) return capabilities;
        for (String[] tool : new String[][]{{"ip", "iproute2"}, {"nsenter", "util-linux"}}) {
            if (!onPath(tool[0])) {
                return Optional.of(new Problem("`" + tool[0] + "` is not on the PATH: install " + tool[1]
                        + " (apt-get install " + tool[1] + "), or add its directory (often /usr/sbin) to the PATH", Optional.empty()));
            }
        }
        return AfXdpSupport.problem().map(e -> new Problem("AF_XDP is not usable: " + e.getMessage(), Optional.of(e)));
    }

    /** Which needed capabilities {@code /proc/self/status} lacks; CAP_SYS_ADMIN stands in for CAP_BPF (pre-5.8 rules). */
    static Optional<Problem> missingCapabilities(String status) {
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
        if ((effective & (1L << CAP_BPF)) == 0 && (effective & (1L << CAP_SYS_ADMIN)) == 0) missing.add("CAP_BPF");
        if (missing.isEmpty()) return Optional.empty();
        return Optional.of(new Problem((uid.equals("0") ? "running as root but " : "not root (euid " + uid + ") and ")
                + "missing " + String.join(", ", missing) + ": run as root, or grant them (a container's "
                + "securityContext.capabilities.add, or setcap on the java binary)", Optional.empty()));
    }

    private static String readStatus() {
        try {
            return Files.readString(Path.of("/proc/self/status"));
        } catch (IOException e) {
            return "";
        }
    }

    static boolean onPath(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin").split(":")) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }
}
