package dev.booster.afxdp.provider;

import dev.booster.afxdp.bpf.UplinkProgram;
import dev.booster.host.link.LinkInfo;
import dev.booster.host.link.LinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.afxdp.port.WorkerUmem;
import dev.booster.afxdp.port.XskPort;
import dev.booster.afxdp.xsk.XskConfig;
import dev.booster.afxdp.xsk.XdpProgramMode;
import dev.booster.api.DataplaneException;
import dev.booster.host.ffi.NativeCallException;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.engine.Engine;
import dev.booster.engine.InterfaceConfig;
import dev.booster.engine.dataplane.TunnelUplink;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The {@code afxdp} dataplane's uplink: a host interface shared with the kernel. Its XDP program ({@link UplinkProgram})
 * redirects into Booster's AF_XDP socket only frames for the pod CIDRs and passes everything else to the kernel, so
 * the host keeps its own addresses, ARP and connections there. The engine sees it as an
 * {@link InterfaceConfig.Uplink} with the interface's own MAC, and routes the configured prefixes out of it to the
 * gateway MAC (the option's, or learnt from the kernel's neighbour table: {@link UplinkGateway}).
 *
 * <p>Each pod CIDR is also a drop route in the engine: pods' host routes are longer and win, and a destination in the
 * CIDR without a pod is dropped instead of being sent back out of the uplink it came from.
 *
 * <p>Only RX queue 0 has a socket: frames the NIC puts on other queues find no socket and go to the kernel. A veth
 * (one queue) loses nothing; a multi-queue NIC needs its flows steered to queue 0, or a socket per queue (not done).
 */
public final class AfXdpUplink implements TunnelUplink, AutoCloseable {
    private final Engine engine;
    private final UplinkProgram program;
    private final XskPort port;
    private final int index;
    private final int mtu;
    private final List<IpPrefix> routes;
    private boolean closed;

    private AfXdpUplink(Engine engine, UplinkProgram program, XskPort port, int index, int mtu, List<IpPrefix> routes) {
        this.engine = engine;
        this.program = program;
        this.port = port;
        this.index = index;
        this.mtu = mtu;
        this.routes = List.copyOf(routes);
    }

    /** Loads and attaches the program, opens the socket, adds the interface, its routes and the pod CIDRs to the engine. */
    static AfXdpUplink open(Engine engine, LinkManager links, UplinkOptions uplink, WorkerUmem umem, XskConfig socketConfig) {
        String name = uplink.interfaceName();
        LinkInfo info = links.link(Namespace.host(), name).orElseThrow(() -> new DataplaneException(
                "uplink " + name + " (option " + UplinkOptions.UPLINK + ") does not exist in the dataplane's network namespace; check `ip link show`"));
        MacAddress gatewayMac = uplink.gatewayMac().orElseGet(() -> new UplinkGateway(links).learn(name));
        UplinkProgram program = UplinkProgram.load(name);
        XskPort port = null;
        int index = -1;
        try {
            port = XskPort.open(umem, name, socketConfig.withProgram(XdpProgramMode.NONE));
            program.addSocket(0, port.fd());
            program.attach(false);
            index = engine.addInterface(new InterfaceConfig.Uplink(name, port, info.mac()));
            for (IpPrefix route : uplink.routes()) engine.addRoute(route, index, gatewayMac);
            AfXdpUplink opened = new AfXdpUplink(engine, program, port, index, info.mtu(), uplink.routes());
            for (IpPrefix cidr : uplink.podCidrs()) opened.addPodCidr(cidr);
            return opened;
        } catch (RuntimeException e) {
            int added = index;
            if (added >= 0) closeAfterFailure(() -> engine.removeInterface(added), e);
            closeAfterFailure(program, e);
            if (port != null) closeAfterFailure(port, e);
            throw e;
        }
    }

    /**
     * Redirects frames for {@code cidr} arriving on the uplink into Booster; false when it already was.
     *
     * @throws IllegalArgumentException {@code cidr} is one of the routes out of the uplink (its drop route would replace it)
     */
    public synchronized boolean addPodCidr(IpPrefix cidr) {
        Objects.requireNonNull(cidr, "cidr");
        requireOpen();
        if (routes.contains(cidr)) {
            throw new IllegalArgumentException("pod CIDR " + cidr + " is also a route out of the uplink (" + UplinkOptions.ROUTES
                    + "); a pod CIDR must be more specific than the routes towards the uplink");
        }
        boolean known = program.prefixes().contains(cidr);
        engine.addDropRoute(cidr);
        try {
            return program.addPrefix(cidr);
        } catch (RuntimeException e) {
            if (!known) engine.removeRoute(cidr);
            throw e;
        }
    }

    /** Leaves frames for {@code cidr} to the kernel again and removes its drop route; false when it was not there. */
    public synchronized boolean removePodCidr(IpPrefix cidr) {
        Objects.requireNonNull(cidr, "cidr");
        requireOpen();
        boolean removed = program.removePrefix(cidr);
        if (removed) engine.removeRoute(cidr);
        return removed;
    }

    public Set<IpPrefix> podCidrs() {
        return program.prefixes();
    }

    public String interfaceName() {
        return program.interfaceName();
    }

    /** The uplink's index in the engine (counters, routes). */
    @Override
    public int engineIndex() {
        return index;
    }

    /** The interface's MTU when the dataplane opened. */
    @Override
    public int mtu() {
        return mtu;
    }

    /** Has the XDP program redirect tunnel traffic (IP in IP, ESP, VXLAN) for these local addresses into Booster. */
    @Override
    public synchronized void acceptTunnelTraffic(Set<IpAddress> localAddresses) {
        requireOpen();
        try {
            program.setTunnelAddresses(localAddresses);
        } catch (NativeCallException e) {
            throw new DataplaneException("uplink " + interfaceName() + ": redirecting tunnel traffic for " + localAddresses + ": " + e.getMessage(), e);
        }
    }

    public Set<IpAddress> tunnelAddresses() {
        return program.tunnelAddresses();
    }

    XskPort port() {
        return port;
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("the uplink " + interfaceName() + " is closed");
    }

    /**
     * Detaches the program (its BPF link closes; the kernel frees program and maps with the last descriptors) and closes
     * socket and UMEM. Only after the engine's worker has stopped or left the port.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        List<RuntimeException> failures = new ArrayList<>();
        for (AutoCloseable step : List.<AutoCloseable>of(program, port)) {
            try {
                step.close();
            } catch (Exception e) {
                failures.add(e instanceof RuntimeException r ? r : new IllegalStateException(e));
            }
        }
        if (!failures.isEmpty()) {
            RuntimeException first = failures.getFirst();
            failures.stream().skip(1).forEach(first::addSuppressed);
            throw first;
        }
    }

    private static void closeAfterFailure(AutoCloseable resource, RuntimeException failure) {
        try {
            resource.close();
        } catch (Exception e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "AfXdpUplink[" + interfaceName() + ", engine index " + index + ", pod CIDRs " + podCidrs() + "]";
    }
}
