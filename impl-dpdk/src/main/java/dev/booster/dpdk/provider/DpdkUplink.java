package dev.booster.dpdk.provider;

import dev.booster.api.DataplaneException;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.dpdk.eal.Eal;
import dev.booster.dpdk.ffi.RteEal;
import dev.booster.dpdk.port.DpdkPort;
import dev.booster.dpdk.port.MbufPool;
import dev.booster.dpdk.port.Vdev;
import dev.booster.engine.Engine;
import dev.booster.engine.InterfaceConfig;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code dpdk} dataplane's uplink: a DPDK port towards the rest of the network, a PCI NIC bound to a DPDK driver
 * or a virtual device. The engine sees it as an {@link InterfaceConfig.Uplink} with the port's MAC, routes the
 * configured prefixes out of it to the gateway MAC, and drops what arrives for a pod CIDR address no pod has.
 *
 * <p>Unlike the {@code afxdp} uplink, whose XDP program leaves the host's own traffic to the kernel, a DPDK port takes
 * the device whole: a PCI NIC leaves the kernel altogether, and a {@code net_af_packet} vdev on a host interface
 * sees a copy of everything while the kernel goes on processing the frames too. Give a vdev uplink an interface
 * dedicated to Booster: no addresses, IP forwarding off on it ({@code net.ipv4.conf.<if>.forwarding=0}).
 */
public final class DpdkUplink implements AutoCloseable {
    private final Eal eal;
    private final DpdkPort port;
    private final Optional<Vdev> vdev;
    private final Optional<String> pciAddress;
    private final MacAddress mac;
    private final int index;
    private boolean closed;

    private DpdkUplink(Eal eal, DpdkPort port, Optional<Vdev> vdev, Optional<String> pciAddress, MacAddress mac, int index) {
        this.eal = eal;
        this.port = port;
        this.vdev = vdev;
        this.pciAddress = pciAddress;
        this.mac = mac;
        this.index = index;
    }

    /** Starts the uplink's port and adds the interface, its routes and the pod CIDRs' drop routes to the engine. */
    static DpdkUplink open(Engine engine, Eal eal, MbufPool pool, DpdkUplinkOptions options) {
        Optional<Vdev> vdev = Optional.empty();
        Optional<String> pci = Optional.empty();
        int portId;
        String name;
        switch (options.device()) {
            case DpdkUplinkOptions.Virtual v -> {
                vdev = Optional.of(Vdev.probe(eal, Vdev.uniqueName(v.driver()), v.args()));
                portId = vdev.get().portId();
                name = vdev.get().name();
            }
            case DpdkUplinkOptions.Pci p -> {
                pci = Optional.of(p.address());
                name = p.address();
                portId = pciPort(eal, p.address());
            }
        }
        DpdkPort port = null;
        int index = -1;
        try {
            port = DpdkPort.start(eal, portId, name, pool);
            MacAddress mac = port.macAddress();
            index = engine.addInterface(new InterfaceConfig.Uplink(name, port, mac));
            for (IpPrefix route : options.routes()) engine.addRoute(route, index, options.gatewayMac());
            for (IpPrefix cidr : options.podCidrs()) engine.addDropRoute(cidr);
            return new DpdkUplink(eal, port, vdev, pci, mac, index);
        } catch (RuntimeException e) {
            int added = index;
            if (added >= 0) closeAfterFailure(() -> engine.removeInterface(added), e);
            if (port != null) closeAfterFailure(port, e);
            vdev.ifPresent(d -> closeAfterFailure(d, e));
            pci.ifPresent(address -> closeAfterFailure(() -> removePci(eal, address), e));
            throw new DataplaneException("uplink " + name + " (option " + DpdkUplinkOptions.UPLINK + "): " + e.getMessage(), e);
        }
    }

    /**
     * The port of a PCI device: EAL probed it at init (it is in the {@code -a} list), or a dataplane closed before
     * removed it, and it is probed again.
     */
    private static int pciPort(Eal eal, String address) {
        int port = eal.locked(() -> eal.ethdev().portByName(address));
        if (port >= 0) return port;
        eal.callForStatus("rte_eal_hotplug_add(pci, " + address + ")", () -> eal.rte().hotplugAdd(RteEal.PCI_BUS, address, ""));
        return eal.call("rte_eth_dev_get_port_by_name(" + address + ")", () -> eal.ethdev().portByName(address));
    }

    private static void removePci(Eal eal, String address) {
        eal.callForStatus("rte_eal_hotplug_remove(pci, " + address + ")", () -> eal.rte().hotplugRemove(RteEal.PCI_BUS, address));
    }

    /** The uplink's index in the engine (counters, routes). */
    public int engineIndex() {
        return index;
    }

    /** The port's MAC, which the next hop must send Booster's traffic to. */
    public MacAddress mac() {
        return mac;
    }

    public DpdkPort port() {
        return port;
    }

    /** Stops and closes the port and removes the device; only after the engine's worker has stopped. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        List<RuntimeException> failures = new ArrayList<>();
        try {
            port.close();
        } catch (RuntimeException e) {
            failures.add(e);
        }
        try {
            if (vdev.isPresent()) vdev.get().close();
            else pciAddress.ifPresent(address -> removePci(eal, address));
        } catch (RuntimeException e) {
            failures.add(e);
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
        return "DpdkUplink[" + port + ", engine index " + index + "]";
    }
}
