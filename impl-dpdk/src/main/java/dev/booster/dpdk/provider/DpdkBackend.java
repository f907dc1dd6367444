package dev.booster.dpdk.provider;

import dev.booster.host.ffi.Libc;
import dev.booster.host.ffi.NativeCallException;
import dev.booster.host.link.CommandFailedException;
import dev.booster.host.link.LinkManager;
import dev.booster.host.link.LinkOffloads;
import dev.booster.host.link.Namespace;
import dev.booster.host.link.NetnsThreads;
import dev.booster.host.pod.HostVethNames;
import dev.booster.host.pod.PodLinkSetup;
import dev.booster.host.pod.PodNetns;
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
import dev.booster.dpdk.eal.Eal;
import dev.booster.dpdk.port.DpdkPort;
import dev.booster.dpdk.port.MbufPool;
import dev.booster.dpdk.port.Vdev;
import dev.booster.engine.Engine;
import dev.booster.engine.dataplane.EngineBackend;
import dev.booster.engine.dataplane.PodPort;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Makes pod interfaces for the {@code dpdk} provider, each a DPDK port hot-plugged into the running EAL and started on
 * the dataplane's mbuf pool:
 * <ul>
 *   <li>{@link Veth}: a veth pair made as the {@code afxdp} provider makes it (pod end in the pod's namespace with the
 *       spec's name, MAC, MTU, addresses and routes; host end {@code bst...}), and a {@code net_af_packet} port on the
 *       host end, whose MAC is not the gateway MAC (see {@link #hostEndMac}).</li>
 *   <li>{@link Tap}: a {@code net_tap} port whose tap device DPDK creates inside the pod's namespace, with the spec's
 *       name and MAC; then addresses and routes as for a veth.</li>
 *   <li>{@link Memif}: a {@code net_memif} port (DPDK's own memif driver) on the spec's socket, server for
 *       {@link Memif.Role#MASTER}, client for {@link Memif.Role#SLAVE}; the peer application does the rest.</li>
 * </ul>
 * Whatever a failed attach made is taken away before the error is thrown.
 */
final class DpdkBackend implements EngineBackend {
    /**
     * The largest pod MTU on a veth: net_af_packet's ring frames are 2048 bytes, its frame header and alignment take
     * up to 80, and a longer frame would be cut short.
     */
    static final int MAX_VETH_MTU = 1950;
    /** The largest memif MTU: one 2048-byte memif buffer per frame (longer ones would be chained, which Booster drops). */
    static final int MAX_MEMIF_MTU = 2048 - 14;
    /** The largest tap MTU: one mbuf's data room per frame. */
    static final int MAX_TAP_MTU = 2048 - 14;

    private final Engine engine;
    private final Eal eal;
    private final MbufPool pool;
    private final LinkManager links;
    private final PodLinkSetup podSetup;
    private final Set<DpdkPodPort> open = new LinkedHashSet<>();
    private DpdkUplink uplink;
    private final boolean memifByPmd;

    DpdkBackend(Engine engine, Eal eal, MbufPool pool, LinkManager links, boolean memifByPmd) {
        this.memifByPmd = memifByPmd;
        this.engine = engine;
        this.eal = eal;
        this.pool = pool;
        this.links = links;
        this.podSetup = new PodLinkSetup(engine.config().gateway4(), engine.config().gateway6());
    }

    /** Opens the uplink of {@code dpdk.uplink}, if set; before the engine starts. */
    synchronized void openUplink(Optional<DpdkUplinkOptions> options) {
        if (options.isEmpty() || uplink != null) return;
        uplink = DpdkUplink.open(engine, eal, pool, options.get());
    }

    synchronized Optional<DpdkUplink> uplink() {
        return Optional.ofNullable(uplink);
    }

    MbufPool pool() {
        return pool;
    }

    Eal eal() {
        return eal;
    }

    @Override
    public String provider() {
        return DpdkProvider.NAME;
    }

    @Override
    public Set<Capability> capabilities() {
        return DpdkProvider.CAPABILITIES;
    }

    @Override
    public PodPort openPort(PodSpec pod, InterfaceSpec spec, MacAddress gatewayMac) {
        String field = "interfaces[" + pod.interfaces().indexOf(spec) + "]";
        MacAddress podMac = spec.mac().orElseGet(() -> MacAddress.locallyAdministered((pod.uid() + "/" + spec.name()).hashCode()));
        String what = "pod " + pod.namespace() + "/" + pod.name() + " " + field + " (" + spec.name() + ")";
        DpdkPodPort port = switch (spec) {
            case Veth veth -> openVeth(pod, veth, field, what, podMac, gatewayMac);
            case Tap tap -> openTap(pod, tap, field, what, podMac);
            case Memif memif -> openMemif(pod, memif, field, what, podMac, gatewayMac);
            default -> throw new UnsupportedCapabilityException(provider(), Capability.AF_XDP_POD, field + " (" + spec.name()
                    + ") asks for an AF_XDP socket of its own; the dpdk provider serves veth, tap and memif interfaces");
        };
        synchronized (this) {
            open.add(port);
        }
        return port;
    }

    private DpdkPodPort openVeth(PodSpec pod, Veth veth, String field, String what, MacAddress podMac, MacAddress gatewayMac) {
        if (veth.mtu() > MAX_VETH_MTU) {
            throw new InvalidSpecException(field + ".mtu", veth.mtu() + " is too large for net_af_packet's 2048-byte frames; use at most " + MAX_VETH_MTU);
        }
        PodNetns netns = netnsOf(pod);
        String host = HostVethNames.of(pod.uid(), veth.name());
        String where = what + ", host end " + host;
        try {
            if (Libc.ifNameToIndex(host) != 0) { // this thread is in the host namespace, where the host ends live
                throw new DataplaneException(where + ": host interface " + host + " already exists: another dataplane serves this pod, "
                        + "or a crashed one left it behind (remove it with `ip link del " + host + "` or `booster cleanup`)");
            }
            links.addPodVeth(host, hostEndMac(host, gatewayMac), netns.namespace(), veth.name(), podMac, veth.mtu());
        } catch (CommandFailedException e) {
            throw new DataplaneException(where + ": creating the veth failed (does the pod already have an interface " + veth.name() + "?): "
                    + e.getMessage(), e);
        }
        Started started = null;
        try {
            links.setUpWithoutIpv6Addresses(Namespace.host(), host);
            // qdisc_bypass: frames go from the TX ring straight to the veth, as the kernel's own qdisc would add nothing.
            started = start(Vdev.uniqueName("net_af_packet"), "iface=" + host + ",qpairs=1,qdisc_bypass=1");
            podSetup.apply(links, netns, veth, field);
            // The pod's kernel would leave TCP/UDP checksums to the "hardware" (CHECKSUM_PARTIAL), and the packet
            // socket takes the frame before anything fills them in: forwarded as they are, they arrive wrong.
            NetnsThreads.run(netns.path(), () -> LinkOffloads.disableTxChecksum(veth.name()));
        } catch (RuntimeException e) {
            if (started != null) closeAfterFailure(started, e);
            closeAfterFailure(() -> links.deleteLink(Namespace.host(), host), e);
            throw asDataplaneException(where, e);
        }
        return new DpdkPodPort(host, podMac, started.port(), started.vdev(), Optional.of(host), links, engine::awaitWorkerCaughtUp, this::forget);
    }

    /**
     * The host end's own MAC, which is not the gateway MAC the pod sends to. A packet socket only copies frames: the
     * host's kernel processes them too, and a frame addressed to the host end's MAC would go through its IP stack
     * and, with IP forwarding on (as on most nodes), be forwarded by the host as well as by Booster. Addressed to
     * another MAC, the kernel drops it at once as PACKET_OTHERHOST, while the packet socket still receives it.
     * (The afxdp provider can give the host end the gateway MAC: XDP takes the frame before the stack sees it.)
     */
    static MacAddress hostEndMac(String host, MacAddress gatewayMac) {
        MacAddress mac = MacAddress.locallyAdministered(host.hashCode());
        return mac.equals(gatewayMac) ? MacAddress.locallyAdministered(host.hashCode() + 1L) : mac;
    }

    private DpdkPodPort openTap(PodSpec pod, Tap tap, String field, String what, MacAddress podMac) {
        if (tap.queues() != 1) {
            throw new InvalidSpecException(field + ".queues", tap.queues() + " queues: the dpdk provider serves one queue per tap; use 1");
        }
        if (tap.mtu() > MAX_TAP_MTU) {
            throw new InvalidSpecException(field + ".mtu", tap.mtu() + " does not fit one mbuf; use at most " + MAX_TAP_MTU);
        }
        PodNetns netns = netnsOf(pod);
        String name = Vdev.uniqueName("net_tap");
        String where = what + ", " + name;
        Started started = null;
        try {
            // net_tap opens /dev/net/tun and names the device at probe and again for every queue it sets up: the tap
            // is made in the namespace of the thread doing that, so all of it runs inside the pod's namespace.
            String args = "iface=" + tap.name() + ",mac=" + podMac;
            started = NetnsThreads.supply(netns.path(), () -> start(name, args));
            if (tap.mtu() != InterfaceSpec.DEFAULT_MTU) links.setMtu(netns.namespace(), tap.name(), tap.mtu());
            podSetup.apply(links, netns, tap, field);
        } catch (RuntimeException e) {
            if (started != null) closeAfterFailure(started, e);
            throw asDataplaneException(where, e);
        }
        return new DpdkPodPort(name, podMac, started.port(), started.vdev(), Optional.empty(), links, engine::awaitWorkerCaughtUp, this::forget);
    }

    private DpdkPodPort openMemif(PodSpec pod, Memif memif, String field, String what, MacAddress podMac, MacAddress gatewayMac) {
        if (memif.mode() != Memif.Mode.ETHERNET) {
            throw new InvalidSpecException(field + ".mode", memif.mode() + " mode is not served: DPDK's memif driver speaks Ethernet only");
        }
        if (memif.queues() != 1) {
            throw new InvalidSpecException(field + ".queues", memif.queues() + " queue pairs: the dpdk provider serves one per memif; use 1");
        }
        if (memif.mtu() > MAX_MEMIF_MTU) {
            throw new InvalidSpecException(field + ".mtu", memif.mtu() + " does not fit one 2048-byte memif buffer; use at most " + MAX_MEMIF_MTU);
        }
        boolean isAbstract = memif.socketPath().startsWith("@");
        String socket = isAbstract ? memif.socketPath().substring(1) : memif.socketPath();
        if (socket.contains(",") || socket.contains("=")) {
            throw new InvalidSpecException(field + ".socketPath", "\"" + memif.socketPath() + "\" contains ',' or '=', which DPDK's device arguments cannot carry");
        }
        if (!isAbstract) {
            Path parent = Path.of(socket).toAbsolutePath().getParent();
            if (parent == null || !Files.isDirectory(parent)) {
                throw new InvalidSpecException(field + ".socketPath", "the directory of " + socket + " does not exist; create it first");
            }
        }
        StringBuilder args = new StringBuilder()
                .append("id=").append(memif.id())
                .append(",role=").append(memif.role() == Memif.Role.MASTER ? "server" : "client")
                .append(",socket=").append(socket)
                .append(",socket-abstract=").append(isAbstract ? "yes" : "no")
                .append(",mac=").append(gatewayMac)
                .append(",rsize=").append(Integer.numberOfTrailingZeros(memif.ringSize()))
                .append(",bsize=2048,zero-copy=no");
        if (memif.secret().isPresent()) args.append(",secret=").append(secretText(field, memif.secret().get()));
        String name = Vdev.uniqueName("net_memif");
        Started started;
        try {
            // An abstract socket belongs to a network namespace: the pod's, when it has one.
            started = isAbstract && pod.netns().isPresent()
                    ? NetnsThreads.supply(netnsOf(pod).path(), () -> start(name, args.toString()))
                    : start(name, args.toString());
        } catch (RuntimeException e) {
            throw asDataplaneException(what + ", " + name, e);
        }
        return new DpdkPodPort(name, podMac, started.port(), started.vdev(), Optional.empty(), links, engine::awaitWorkerCaughtUp, this::forget);
    }

    /** The secret as DPDK's devargs carry it: printable ASCII without ',' or '='. */
    private static String secretText(String field, dev.booster.api.Secret secret) {
        String text = secret.apply(bytes -> new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1));
        for (char c : text.toCharArray()) {
            if (c < 0x21 || c > 0x7e || c == ',' || c == '=') {
                throw new InvalidSpecException(field + ".secret", "DPDK's memif driver takes the secret as a device argument: use printable "
                        + "ASCII without blanks, ',' or '='");
            }
        }
        return text;
    }

    /** With {@code dpdk.memif=pmd} memif pods get DPDK's own {@code net_memif} port (see the class comment), else the engine's Java memif. */
    @Override
    public boolean hasOwnMemifDriver() {
        return memifByPmd;
    }

    @Override
    public <T> T inPodNetns(PodSpec pod, Supplier<T> task) {
        return NetnsThreads.supply(netnsOf(pod).path(), task);
    }

    private static PodNetns netnsOf(PodSpec pod) {
        return PodNetns.resolve(pod.netns().orElseThrow(() -> new InvalidSpecException("netns", "is missing; a veth or tap needs the pod's network namespace")));
    }

    /** A hot-plugged device with its started port. */
    private record Started(Vdev vdev, DpdkPort port) implements AutoCloseable {
        @Override
        public void close() {
            try {
                port.close();
            } finally {
                vdev.close();
            }
        }
    }

    private Started start(String name, String args) {
        Vdev vdev = Vdev.probe(eal, name, args);
        try {
            return new Started(vdev, DpdkPort.start(eal, vdev.portId(), name, pool));
        } catch (RuntimeException e) {
            closeAfterFailure(vdev, e);
            throw e;
        }
    }

    private static RuntimeException asDataplaneException(String where, RuntimeException e) {
        if (e instanceof InvalidSpecException) return e;
        if (e instanceof DataplaneException || e instanceof CommandFailedException || e instanceof NativeCallException) {
            return new DataplaneException(where + ": " + e.getMessage(), e);
        }
        return e;
    }

    private synchronized void forget(DpdkPodPort port) {
        open.remove(port);
    }

    private static void closeAfterFailure(AutoCloseable resource, RuntimeException failure) {
        try {
            resource.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    /**
     * Closes what the dataplane did not (it detaches every pod before closing the backend, so normally nothing),
     * frees the mbuf pool and lets go of the EAL.
     */
    @Override
    public void close() {
        List<DpdkPodPort> left;
        DpdkUplink openUplink;
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
        for (DpdkPodPort port : left) {
            try {
                port.close();
            } catch (RuntimeException e) {
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
        }
        try {
            pool.close();
        } catch (RuntimeException e) {
            if (failure == null) failure = e; else failure.addSuppressed(e);
        } finally {
            eal.release();
        }
        if (failure != null) throw failure;
    }
}
