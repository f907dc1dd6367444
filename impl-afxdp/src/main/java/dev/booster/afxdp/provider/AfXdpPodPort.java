package dev.booster.afxdp.provider;

import dev.booster.host.link.LinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.afxdp.port.XskPort;
import dev.booster.api.net.MacAddress;
import dev.booster.engine.dataplane.PodPort;
import dev.booster.engine.packet.Port;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One pod interface of the {@code afxdp} backend: the host end of the pod's veth with its AF_XDP socket. Closing it
 * waits until the engine's worker has left the port (the dataplane removed the interface first), closes the socket
 * and UMEM, and deletes the veth, which takes the pod's end with it, unless {@code keepVeth} says the veth is to
 * outlive the dataplane ({@code afxdp.persistentPods}).
 */
final class AfXdpPodPort implements PodPort {
    private final String hostName;
    private final MacAddress podMac;
    private final XskPort port;
    private final LinkManager links;
    private final Runnable awaitWorker;
    private final Consumer<AfXdpPodPort> onClosed;
    private final BooleanSupplier keepVeth;
    private final NodeNetns netns;
    private boolean closed;

    AfXdpPodPort(String hostName, MacAddress podMac, XskPort port, LinkManager links, Runnable awaitWorker, Consumer<AfXdpPodPort> onClosed,
                 BooleanSupplier keepVeth, NodeNetns netns) {
        this.netns = netns;
        this.hostName = hostName;
        this.podMac = podMac;
        this.port = port;
        this.links = links;
        this.awaitWorker = awaitWorker;
        this.onClosed = onClosed;
        this.keepVeth = keepVeth;
    }

    @Override
    public Port port() {
        return port;
    }

    XskPort xskPort() {
        return port;
    }

    @Override
    public String hostName() {
        return hostName;
    }

    @Override
    public MacAddress podMac() {
        return podMac;
    }

    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        List<RuntimeException> failures = new ArrayList<>();
        attempt(failures, awaitWorker);
        // Freeing the UMEM while the worker may still be inside rx/tx would be a use after free: if it did not catch
        // up, leave socket and memory to the process's end and only take the veth away.
        if (failures.isEmpty()) attempt(failures, port::close);
        if (!keepVeth.getAsBoolean()) attempt(failures, () -> netns.run(() -> links.deleteLink(Namespace.host(), hostName)));
        onClosed.accept(this);
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    private static void attempt(List<RuntimeException> failures, Runnable step) {
        try {
            step.run();
        } catch (RuntimeException e) {
            failures.add(e);
        }
    }

    @Override
    public String toString() {
        return "AfXdpPodPort[" + hostName + "]";
    }
}
