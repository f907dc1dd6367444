package dev.booster.afxdp.provider;

import dev.booster.afxdp.port.WorkerUmem;
import dev.booster.afxdp.port.XskPort;
import dev.booster.api.Capability;
import dev.booster.api.DataplaneException;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.UnsupportedCapabilityException;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Tap;
import dev.booster.api.pod.Veth;
import dev.booster.engine.Engine;
import dev.booster.engine.dataplane.EngineBackend;
import dev.booster.engine.dataplane.PodPort;
import dev.booster.engine.dataplane.TunnelUplink;
import dev.booster.host.ffi.Libc;
import dev.booster.host.ffi.NativeCallException;
import dev.booster.host.ffi.NativeLibraryUnavailableException;
import dev.booster.host.link.CommandFailedException;
import dev.booster.host.link.LinkInfo;
import dev.booster.host.link.LinkManager;
import dev.booster.host.link.LinkOffloads;
import dev.booster.host.link.Namespace;
import dev.booster.host.link.NetnsThreads;
import dev.booster.host.pod.HostVethNames;
import dev.booster.host.pod.PodLinkSetup;
import dev.booster.host.pod.PodNetns;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Makes pod interfaces for the {@code afxdp} provider (memifs are made by the dataplane, which enters the pod's
 * namespace here for an abstract socket): for a {@link Veth}, a veth pair whose pod end is created
 * directly in the pod's namespace with the spec's name, MAC, MTU, addresses and routes (see {@link PodLinkSetup}),
 * and whose host end ({@link HostVethNames}: {@code bst...}, MAC = the gateway MAC) gets an AF_XDP socket in copy
 * mode on the worker's one UMEM ({@link WorkerUmem}), which all pods and the uplink share. Whatever a failed attach
 * created is removed before the error is thrown. With {@code afxdp.persistentPods} the veths outlive the dataplane
 * and a pod's existing veth is adopted (see {@link AfXdpOptions}).
 */
final class AfXdpBackend implements EngineBackend {
    /** veth refuses XDP when its peer's MTU exceeds a page less XDP headroom and skb overhead (4 KiB pages, x86-64). */
    static final int MAX_MTU = 3506;

    private final Engine engine;
    private final LinkManager links;
    private final AfXdpOptions options;
    private final PodLinkSetup podSetup;
    private final WorkerUmem umem;
    private final Set<AfXdpPodPort> open = new LinkedHashSet<>();
    private final boolean persistentPods;
    private volatile boolean dataplaneClosing;
    private AfXdpUplink uplink;

    AfXdpBackend(Engine engine, LinkManager links, AfXdpOptions options, boolean persistentPods) {
        this.engine = engine;
        this.links = links;
        this.options = options;
        this.persistentPods = persistentPods;
        this.podSetup = new PodLinkSetup(engine.config().gateway4(), engine.config().gateway6());
        this.umem = options.createUmem();
    }

    /** The worker's UMEM (for tests: its frame pool's accounting). */
    WorkerUmem umem() {
        return umem;
    }

    /** Opens the uplink of {@code afxdp.uplink}, if set; before the engine starts. */
    synchronized void openUplink() {
        if (options.uplink().isEmpty() || uplink != null) return;
        UplinkOptions config = options.uplink().get();
        try {
            requireRoomForAnotherPort("uplink " + config.interfaceName());
            uplink = AfXdpUplink.open(engine, links, config, umem, options.socketConfig());
        } catch (CommandFailedException | NativeCallException | NativeLibraryUnavailableException e) {
            throw new DataplaneException("uplink " + config.interfaceName() + " (option " + UplinkOptions.UPLINK + "): " + e.getMessage(), e);
        }
    }

    synchronized Optional<AfXdpUplink> uplink() {
        return Optional.ofNullable(uplink);
    }

    /**
     * Tunnels leave through the uplink ({@code afxdp.uplink}); without one the dataplane refuses them. Their IKE sockets
     * are opened in the node's namespace ({@code afxdp.netns}), where the uplink and its addresses are.
     */
    @Override
    public synchronized Optional<TunnelUplink> tunnelUplink() {
        return Optional.ofNullable(uplink).map(u -> new NodeTunnelUplink(u, options.netns()));
    }

    /** The uplink as the dataplane's tunnels see it: {@link TunnelUplink#inNodeNetns} enters {@code afxdp.netns}. */
    private record NodeTunnelUplink(AfXdpUplink uplink, NodeNetns netns) implements TunnelUplink {
        @Override
        public int engineIndex() {
            return uplink.engineIndex();
        }

        @Override
        public int mtu() {
            return uplink.mtu();
        }

        @Override
        public void acceptTunnelTraffic(java.util.Set<dev.booster.api.net.IpAddress> localAddresses) {
            uplink.acceptTunnelTraffic(localAddresses);
        }

        @Override
        public <T> T inNodeNetns(Supplier<T> task) {
            return netns.supply(task);
        }
    }

    @Override
    public String provider() {
        return AfXdpProvider.NAME;
    }

    /** The provider's, plus tunnels (with static-key ESP) when an uplink is configured: they leave through it. */
    @Override
    public Set<Capability> capabilities() {
        if (options.uplink().isEmpty()) return AfXdpProvider.CAPABILITIES;
        Set<Capability> all = java.util.EnumSet.copyOf(AfXdpProvider.CAPABILITIES);
        all.add(Capability.TUNNELS);
        all.add(Capability.IPSEC);
        return Set.copyOf(all);
    }

    /** Makes the host side in the node's namespace ({@code afxdp.netns}), where the host veth ends live. */
    @Override
    public PodPort openPort(PodSpec pod, InterfaceSpec spec, MacAddress gatewayMac) {
        return options.netns().supply(() -> openPortHere(pod, spec, gatewayMac));
    }

    private PodPort openPortHere(PodSpec pod, InterfaceSpec spec, MacAddress gatewayMac) {
        String field = "interfaces[" + pod.interfaces().indexOf(spec) + "]";
        if (!(spec instanceof Veth veth)) {
            // The dataplane checks capabilities before it gets here, and makes memifs itself; this keeps the backend
            // honest on its own.
            Capability needed = switch (spec) {
                case Tap t -> Capability.TAP;
                case Memif m -> throw new IllegalArgumentException(field + " (" + spec.name() + ") is a memif, which EngineDataplane makes, not the backend");
                default -> Capability.AF_XDP_POD;
            };
            throw new UnsupportedCapabilityException(provider(), needed, field + " (" + spec.name() + ") is not a veth");
        }
        if (veth.mtu() > MAX_MTU) {
            throw new InvalidSpecException(field + ".mtu", veth.mtu() + " is too large for AF_XDP on a veth: the kernel refuses XDP "
                    + "on a veth whose peer's MTU exceeds " + MAX_MTU + " (one 4 KiB page less headroom); use at most " + MAX_MTU);
        }
        PodNetns netns = PodNetns.resolve(pod.netns().orElseThrow(() -> new InvalidSpecException("netns", "is missing; a veth needs the pod's network namespace")));
        MacAddress podMac = veth.mac().orElseGet(() -> MacAddress.locallyAdministered((pod.uid() + "/" + spec.name()).hashCode()));
        String host = HostVethNames.of(pod.uid(), spec.name());
        String what = "pod " + pod.namespace() + "/" + pod.name() + " " + field + " (" + spec.name() + ", host end " + host + ")";
        requireRoomForAnotherPort(what);
        // This thread is in the host namespace, where the host ends live.
        if (persistentPods && Libc.ifNameToIndex(host) != 0) return adopt(veth, netns, host, podMac, gatewayMac, what);
        try {
            if (Libc.ifNameToIndex(host) != 0) {
                throw new DataplaneException(what + ": host interface " + host + " already exists: another dataplane serves this pod, "
                        + "or a crashed one left it behind (remove it with `ip link del " + host + "` or `booster cleanup`)");
            }
            links.addPodVeth(host, gatewayMac, netns.namespace(), spec.name(), podMac, veth.mtu());
        } catch (CommandFailedException e) {
            throw new DataplaneException(what + ": creating the veth failed (does the pod already have an interface " + spec.name() + "?): " + e.getMessage(), e);
        }
        XskPort port = null;
        try {
            links.setUpWithoutIpv6Addresses(Namespace.host(), host);
            port = XskPort.open(umem, host, options.socketConfig());
            podSetup.apply(links, netns, veth, field);
            // The pod's kernel would leave TCP/UDP checksums to the "hardware" (CHECKSUM_PARTIAL), and XDP sees the
            // frame before anything fills them in: forwarded as they are, they arrive wrong.
            NetnsThreads.run(netns.path(), () -> LinkOffloads.disableTxChecksum(spec.name()));
        } catch (RuntimeException e) {
            if (port != null) closeAfterFailure(port, e);
            closeAfterFailure(() -> links.deleteLink(Namespace.host(), host), e);
            if (e instanceof InvalidSpecException || e instanceof DataplaneException) throw e;
            if (e instanceof CommandFailedException || e instanceof NativeCallException || e instanceof NativeLibraryUnavailableException) {
                throw new DataplaneException(what + ": " + e.getMessage(), e);
            }
            throw e;
        }
        return register(new AfXdpPodPort(host, podMac, port, links, engine::awaitWorkerCaughtUp, this::forget, this::keepVeths, options.netns()));
    }

    /**
     * Takes over the veth a previous dataplane left for this pod ({@code afxdp.persistentPods}): the pod end must be
     * there with the MAC Booster gives this pod, and the host end with the gateway MAC; it gets a new AF_XDP socket,
     * and the pod keeps its addresses and routes as they are. A failure leaves the veth alone: it is the pod's.
     */
    private PodPort adopt(Veth veth, PodNetns netns, String host, MacAddress podMac, MacAddress gatewayMac, String what) {
        try {
            return adoptChecked(veth, netns, host, podMac, gatewayMac, what);
        } catch (CommandFailedException | NativeCallException | NativeLibraryUnavailableException e) {
            throw new DataplaneException(what + ": adopting the existing veth failed: " + e.getMessage(), e);
        }
    }

    private PodPort adoptChecked(Veth veth, PodNetns netns, String host, MacAddress podMac, MacAddress gatewayMac, String what) {
        LinkInfo podEnd = links.link(netns.namespace(), veth.name()).orElseThrow(() -> new DataplaneException(what + ": host interface " + host
                + " exists but the pod's namespace has no " + veth.name() + " to adopt; remove the leftover with `ip link del " + host + "`"));
        if (!podEnd.mac().equals(podMac)) {
            throw new DataplaneException(what + ": " + veth.name() + " in the pod has MAC " + podEnd.mac() + ", not " + podMac
                    + " as Booster made it; it is not this pod's Booster interface, so it is not adopted");
        }
        MacAddress hostMac = links.link(Namespace.host(), host).map(LinkInfo::mac).orElse(null);
        if (!gatewayMac.equals(hostMac)) {
            throw new DataplaneException(what + ": host interface " + host + " has MAC " + hostMac + ", not the gateway MAC " + gatewayMac
                    + "; it is not a Booster pod veth of this configuration, so it is not adopted");
        }
        links.setUpWithoutIpv6Addresses(Namespace.host(), host);
        XskPort port = XskPort.open(umem, host, options.socketConfig());
        return register(new AfXdpPodPort(host, podMac, port, links, engine::awaitWorkerCaughtUp, this::forget, this::keepVeths, options.netns()));
    }

    private synchronized AfXdpPodPort register(AfXdpPodPort port) {
        open.add(port);
        return port;
    }

    /** Called by the dataplane before it detaches its pods on close. */
    void dataplaneClosing() {
        dataplaneClosing = true;
    }

    private boolean keepVeths() {
        return persistentPods && dataplaneClosing;
    }

    private void requireRoomForAnotherPort(String what) {
        if (!umem.hasRoomForAnotherPort()) {
            throw new DataplaneException(what + ": the worker's UMEM has room for " + umem.maxPorts() + " interfaces (option "
                    + AfXdpOptions.INTERFACES + ") and all are in use; detach a pod, or open the dataplane with a larger "
                    + AfXdpOptions.INTERFACES + " (each interface adds " + AfXdpOptions.FRAMES + " × 4 KiB of pinned memory)");
        }
    }

    /** Enters the pod's namespace on a thread of its own ({@link NetnsThreads}); the path is checked as for a veth. */
    @Override
    public <T> T inPodNetns(PodSpec pod, Supplier<T> task) {
        Path path = pod.netns().orElseThrow(() -> new InvalidSpecException("netns", "is missing"));
        return NetnsThreads.supply(PodNetns.resolve(path).path(), task);
    }

    private synchronized void forget(AfXdpPodPort port) {
        open.remove(port);
    }

    private static void closeAfterFailure(AutoCloseable resource, RuntimeException failure) {
        try {
            resource.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    /** Closes what the dataplane did not (it detaches every pod before closing the backend, so normally nothing). */
    @Override
    public void close() {
        options.netns().run(this::closeHere);
    }

    private void closeHere() {
        List<AfXdpPodPort> left;
        AfXdpUplink openUplink;
        synchronized (this) {
            left = new ArrayList<>(open);
            openUplink = uplink;
        }
        RuntimeException failure = null;
        if (openUplink != null) {
            try {
                openUplink.close(); // the engine has stopped: its worker is out of the uplink's port
            } catch (RuntimeException e) {
                failure = e;
            }
        }
        for (AfXdpPodPort port : left) {
            try {
                port.close();
            } catch (RuntimeException e) {
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
        }
        try {
            // Refused while a socket is still open (a port the worker did not leave): the kernel may still write there.
            umem.close();
        } catch (RuntimeException e) {
            if (failure == null) failure = e; else failure.addSuppressed(e);
        }
        if (failure != null) throw failure;
    }
}
