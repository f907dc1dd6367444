package dev.booster.vpp.provider;

import dev.booster.api.DataplaneConfig;
import dev.booster.spi.Dataplanes;
import dev.booster.vpp.binapi.SwInterfaceDetails;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * What the live suites share: whether a live VPP is there ({@code BOOSTER_VPP_API_SOCKET}), whether they may make
 * network namespaces (root), how to restart VPP ({@code BOOSTER_VPP_RESTART_COMMAND}), and VPP's interfaces by name.
 * A suite that cannot run is skipped with its reason, printed once on stderr so that a skipped run says why.
 */
final class VppLive {

    static final String SOCKET_VARIABLE = "BOOSTER_VPP_API_SOCKET";
    static final String RESTART_VARIABLE = "BOOSTER_VPP_RESTART_COMMAND";

    private static final Set<String> PRINTED = ConcurrentHashMap.newKeySet();

    private VppLive() {
    }

    /** The API socket of the live VPP; skips the test when none is named. */
    static String socket() {
        String socket = System.getenv(SOCKET_VARIABLE);
        skipUnless(socket != null && !socket.isBlank(), "no live VPP: set " + SOCKET_VARIABLE + "=/run/vpp/api.sock"
                + " (its socksvr socket-name) to run the vpp backend against a running VPP, see impl-vpp/README.md");
        return socket.strip();
    }

    /** Skips unless this JVM runs as root: pods in network namespaces, veths and af_packet need it. */
    static void assumeRoot() {
        String uid;
        try {
            uid = Files.readAllLines(Path.of("/proc/self/status")).stream().filter(l -> l.startsWith("Uid:"))
                    .map(l -> l.split("\\s+")[1]).findFirst().orElse("?");
        } catch (IOException e) {
            uid = "?";
        }
        skipUnless(uid.equals("0"), "not root (uid " + uid + "): the live pod suites make network namespaces and"
                + " veths; run them with sudo -E");
        for (String tool : List.of("ip", "ping", "nc")) {
            skipUnless(onPath(tool), "`" + tool + "` is not installed (apt-get install iproute2 iputils-ping"
                    + " netcat-openbsd)");
        }
    }

    /** The shell command that restarts the live VPP and returns once its API socket is back, if the user gave one. */
    static Optional<String> restartCommand() {
        String command = System.getenv(RESTART_VARIABLE);
        return command == null || command.isBlank() ? Optional.empty() : Optional.of(command.strip());
    }

    /** Opens provider {@code vpp} on the live VPP, through the provider discovery a user goes through. */
    static VppDataplane open() {
        return (VppDataplane) Dataplanes.open(DataplaneConfig.builder().provider(VppProvider.NAME)
                .nodeName("live-" + ProcessHandle.current().pid()).option(VppOptions.SOCKET, socket()).build());
    }

    /** VPP's interface names, the gateway loopback Booster made left out. */
    static Set<String> interfaceNames(VppDataplane vpp) {
        Set<String> names = new TreeSet<>();
        for (SwInterfaceDetails i : vpp.interfaces().list()) {
            if (!isGatewayLoopback(i)) names.add(i.interfaceName());
        }
        return names;
    }

    static boolean isGatewayLoopback(SwInterfaceDetails i) {
        return i.interfaceName().startsWith("loop") && i.l2Address().equals(VppAddresses.mac(VppGateway.MAC));
    }

    static void skipUnless(boolean condition, String reason) {
        if (!condition && PRINTED.add(reason)) System.err.println("[impl-vpp live suite skipped] " + reason);
        assumeTrue(condition, reason);
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
        for (String dir : path.split(":")) {
            if (Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }
}
