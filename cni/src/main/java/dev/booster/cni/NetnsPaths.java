package dev.booster.cni;

import dev.booster.cni.ffi.Libc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Checks {@code CNI_NETNS} before anything touches the host: an absolute path to a file that the kernel says is a
 * network namespace ({@code ioctl(NS_GET_NSTYPE)} on it answers {@code CLONE_NEWNET}), and not the namespace this
 * process runs in.
 */
final class NetnsPaths {
    private static final Path OWN = Path.of("/proc/self/ns/net");

    private NetnsPaths() {
    }

    /** Whether {@code path} names an existing file (a vanished namespace is no error for DEL). */
    static boolean exists(String path) {
        return !path.isEmpty() && Files.exists(Path.of(path));
    }

    /**
     * The namespace's identity (device and inode of its nsfs file), which a path does not give: a namespace deleted
     * and made again under the same name is another namespace. Empty when the path is gone.
     */
    static String identity(String path) {
        try {
            Path p = Path.of(path);
            return Files.getAttribute(p, "unix:dev") + ":" + Files.getAttribute(p, "unix:ino");
        } catch (IOException | IllegalArgumentException | UnsupportedOperationException e) {
            return "";
        }
    }

    /** @throws CniException code 4 naming CNI_NETNS, saying what is wrong with it */
    static Path check(String netns, String version) {
        if (netns.isEmpty()) throw invalid(version, "is not set", "the runtime passes the pod's network namespace, e.g. /var/run/netns/NAME");
        Path path = Path.of(netns);
        if (!path.isAbsolute()) throw invalid(version, "\"" + netns + "\" is not an absolute path", "pass /var/run/netns/NAME or /proc/PID/ns/net");
        Libc.Result fd = Libc.open(netns, Libc.O_RDONLY | Libc.O_CLOEXEC);
        if (fd.failed()) {
            throw invalid(version, netns + (fd.errno() == Libc.ENOENT ? " does not exist" : " cannot be opened: " + Libc.strerror(fd.errno())),
                    "the pod's network namespace is gone, or the path is wrong");
        }
        try {
            Libc.Result type = Libc.ioctl(fd.value(), Libc.NS_GET_NSTYPE);
            if (type.failed()) {
                throw invalid(version, netns + " is not a namespace file (" + Libc.strerror(type.errno()) + ")",
                        "pass the network namespace of the pod: /var/run/netns/NAME or /proc/PID/ns/net");
            }
            if (type.value() != Libc.CLONE_NEWNET) {
                throw invalid(version, netns + " is a namespace, but not a network namespace (type 0x" + Integer.toHexString(type.value()) + ")",
                        "pass /proc/PID/ns/net, not another ns file");
            }
        } finally {
            Libc.close(fd.value());
        }
        try {
            if (Files.isSameFile(path, OWN)) {
                throw invalid(version, netns + " is the network namespace of the Booster agent itself", "a pod needs a namespace of its own");
            }
        } catch (IOException e) {
            throw invalid(version, netns + " cannot be compared with the agent's own namespace: " + e.getMessage(), "check the path");
        }
        return path;
    }

    private static CniException invalid(String version, String problem, String fix) {
        return new CniException(version, CniError.INVALID_ENVIRONMENT, "CNI_NETNS " + problem, fix);
    }
}
