package dev.booster.afxdp.provider;

import dev.booster.host.link.NetnsThreads;
import dev.booster.api.InvalidSpecException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Where the dataplane's host side lives ({@code afxdp.netns}): the pods' host veth ends, the uplink with its XDP
 * program and AF_XDP socket, and the {@code ip} commands that make them. Empty: the process's own namespace. Given a
 * path ({@code /run/netns/NAME}), every call that makes or removes something there runs on a thread that entered the
 * namespace ({@link NetnsThreads}); child processes ({@code ip}) and threads (the worker) inherit it from that
 * thread. This lets one JVM run several Booster "nodes", each in a namespace of its own, beside each other (the
 * two-node tunnel test does). Sockets, BPF links and maps are descriptors: once made, they work from any thread.
 */
record NodeNetns(Optional<Path> path) {
    static final NodeNetns OWN = new NodeNetns(Optional.empty());

    static NodeNetns of(String option, String value) {
        Path path = Path.of(value.strip());
        if (!path.isAbsolute()) {
            throw new InvalidSpecException("options." + option, "\"" + value + "\" is not an absolute path; use /run/netns/NAME");
        }
        if (!Files.exists(path)) {
            throw new InvalidSpecException("options." + option, path + " does not exist; create the namespace first (ip netns add NAME)");
        }
        return new NodeNetns(Optional.of(path));
    }

    <T> T supply(Supplier<T> task) {
        return path.isEmpty() ? task.get() : NetnsThreads.supply(path.get(), task);
    }

    void run(Runnable task) {
        supply(() -> {
            task.run();
            return null;
        });
    }
}
