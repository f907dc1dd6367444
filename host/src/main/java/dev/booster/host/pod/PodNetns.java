package dev.booster.host.pod;

import dev.booster.host.ffi.NativeCallException;
import dev.booster.host.link.Namespace;
import dev.booster.host.link.NetnsThreads;
import dev.booster.api.InvalidSpecException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A pod's network namespace as CNI hands it over: a path, either an {@code ip netns} name's file
 * ({@code /var/run/netns/NAME}) or any other namespace file ({@code /proc/PID/ns/net}, a runtime's bind mount).
 * Checked before anything is created: it must exist, be a network namespace, and not be the dataplane's own.
 */
public record PodNetns(Path path, Namespace namespace) {
    private static final Path NETNS_DIR = Path.of("/run/netns");
    private static final Path OWN_NAMESPACE = Path.of("/proc/self/ns/net");

    /** @throws InvalidSpecException (field {@code netns}) the path is unusable; the message says why */
    public static PodNetns resolve(Path path) {
        if (!path.isAbsolute()) {
            throw new InvalidSpecException("netns", "\"" + path + "\" is not an absolute path; CNI passes /var/run/netns/NAME or /proc/PID/ns/net");
        }
        if (!Files.exists(path)) {
            throw new InvalidSpecException("netns", path + " does not exist: the pod's network namespace is gone, or the path is wrong "
                    + "(CNI passes /var/run/netns/NAME or /proc/PID/ns/net)");
        }
        try {
            NetnsThreads.run(path, () -> { });
        } catch (NativeCallException e) {
            throw new InvalidSpecException("netns", path + " is not a network namespace that can be entered (" + e.getMessage() + ")");
        }
        try {
            if (Files.isSameFile(path, OWN_NAMESPACE)) {
                throw new InvalidSpecException("netns", path + " is the dataplane's own network namespace; a pod needs a namespace of its own");
            }
            return new PodNetns(path, namespaceOf(path));
        } catch (IOException e) {
            throw new InvalidSpecException("netns", path + " cannot be examined: " + e.getMessage());
        }
    }

    /** A file of {@code ip netns} is addressed by name ({@code ip -n}), anything else by path ({@code nsenter}). */
    private static Namespace namespaceOf(Path path) throws IOException {
        Path name = path.getFileName();
        Path named = NETNS_DIR.resolve(name);
        if (Files.exists(named) && Files.isSameFile(path, named)) {
            try {
                return Namespace.named(name.toString());
            } catch (InvalidSpecException unusualName) {
                // ip would take it, but Namespace's stricter rules do not: the path works for every name.
            }
        }
        return Namespace.atPath(path);
    }
}
