package dev.booster.dpdk.port;

import dev.booster.api.DataplaneException;
import dev.booster.dpdk.eal.Eal;
import dev.booster.dpdk.eal.RteException;
import dev.booster.dpdk.ffi.RteEal;
import dev.booster.dpdk.ffi.RteEthdev;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * A virtual device hot-plugged into the running EAL ({@code rte_eal_hotplug_add} on the vdev bus) and its ethdev
 * port: {@code net_af_packet} on a veth, {@code net_memif}, {@code net_tap}. Removing it ({@code rte_eal_hotplug_remove})
 * frees the port id for the next device.
 *
 * <p>A vdev's name selects its driver by prefix and must be unique in the process: {@link #uniqueName} appends a
 * counter shared by every dataplane of the JVM.
 */
public final class Vdev implements AutoCloseable {
    private static final AtomicInteger SEQUENCE = new AtomicInteger();

    private final Eal eal;
    private final String name;
    private final String args;
    private final int portId;
    private boolean removed;

    private Vdev(Eal eal, String name, String args, int portId) {
        this.eal = eal;
        this.name = name;
        this.args = args;
        this.portId = portId;
    }

    /** {@code driver} followed by a number no other vdev of this JVM has, e.g. {@code net_tap_b7}. */
    public static String uniqueName(String driver) {
        return driver + "_b" + SEQUENCE.incrementAndGet();
    }

    /**
     * Probes vdev {@code name} with driver arguments {@code args} and finds its port.
     *
     * @throws RteException the driver refused (with what it logged), or the name is taken
     * @throws DataplaneException every one of DPDK's {@value RteEthdev#MAX_ETHPORTS} port ids is in use
     */
    public static Vdev probe(Eal eal, String name, String args) {
        int before = eal.locked(() -> eal.ethdev().countAvailable());
        if (before >= RteEthdev.MAX_ETHPORTS) {
            throw new DataplaneException("cannot add " + name + ": all " + RteEthdev.MAX_ETHPORTS + " DPDK port ids of this process are in use "
                    + "(RTE_MAX_ETHPORTS of Debian's DPDK build); detach pods or use a DPDK built with a larger RTE_MAX_ETHPORTS");
        }
        eal.callForStatus("rte_eal_hotplug_add(vdev, " + name + ", " + args + ")", () -> eal.rte().hotplugAdd(RteEal.VDEV_BUS, name, args));
        try {
            int port = eal.call("rte_eth_dev_get_port_by_name(" + name + ")", () -> eal.ethdev().portByName(name));
            return new Vdev(eal, name, args, port);
        } catch (RuntimeException e) {
            try {
                eal.callForStatus("rte_eal_hotplug_remove(vdev, " + name + ")", () -> eal.rte().hotplugRemove(RteEal.VDEV_BUS, name));
            } catch (RuntimeException cleanup) {
                e.addSuppressed(cleanup);
            }
            throw e;
        }
    }

    public String name() {
        return name;
    }

    public String args() {
        return args;
    }

    public int portId() {
        return portId;
    }

    /** Removes the device; its port must be stopped and closed first ({@link DpdkPort#close}). */
    @Override
    public void close() {
        if (removed) return;
        removed = true;
        eal.callForStatus("rte_eal_hotplug_remove(vdev, " + name + ")", () -> eal.rte().hotplugRemove(RteEal.VDEV_BUS, name));
    }

    @Override
    public String toString() {
        return name + "," + args + " (port " + portId + ")";
    }
}
