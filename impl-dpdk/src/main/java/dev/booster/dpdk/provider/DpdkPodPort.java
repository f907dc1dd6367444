package dev.booster.dpdk.provider;

import dev.booster.host.link.LinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.api.net.MacAddress;
import dev.booster.dpdk.port.DpdkPort;
import dev.booster.dpdk.port.Vdev;
import dev.booster.engine.dataplane.PodPort;
import dev.booster.engine.packet.Port;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One pod interface of the {@code dpdk} backend: a hot-plugged device with its started port, and for a veth the host
 * end it sits on. Closing waits until the engine's worker has left the port (the dataplane removed the interface
 * first), stops and closes the port, removes the device and deletes the veth, which takes the pod's end with it.
 */
final class DpdkPodPort implements PodPort {
    private final String hostName;
    private final MacAddress podMac;
    private final DpdkPort port;
    private final Vdev vdev;
    private final Optional<String> hostVeth;
    private final LinkManager links;
    private final Runnable awaitWorker;
    private final Consumer<DpdkPodPort> onClosed;
    private boolean closed;

    DpdkPodPort(String hostName, MacAddress podMac, DpdkPort port, Vdev vdev, Optional<String> hostVeth, LinkManager links,
                Runnable awaitWorker, Consumer<DpdkPodPort> onClosed) {
        this.hostName = hostName;
        this.podMac = podMac;
        this.port = port;
        this.vdev = vdev;
        this.hostVeth = hostVeth;
        this.links = links;
        this.awaitWorker = awaitWorker;
        this.onClosed = onClosed;
    }

    @Override
    public Port port() {
        return port;
    }

    DpdkPort dpdkPort() {
        return port;
    }

    Vdev vdev() {
        return vdev;
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
        // Closing the port while the worker may still be inside its burst would be a use after free: if the worker
        // did not catch up, leave port and device to the process's end and only take the veth away.
        if (failures.isEmpty()) {
            attempt(failures, port::close);
            attempt(failures, vdev::close);
        }
        hostVeth.ifPresent(veth -> attempt(failures, () -> links.deleteLink(Namespace.host(), veth)));
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
        return "DpdkPodPort[" + hostName + ", " + vdev + "]";
    }
}
