package dev.booster.dpdk.eal;

import dev.booster.host.ffi.Errno;
import dev.booster.api.DataplaneException;

import java.util.List;

/**
 * A DPDK call failed. The message names the call with its arguments, DPDK's text for the error with its symbolic
 * name, and what DPDK logged meanwhile, e.g. {@code rte_eal_hotplug_add(vdev, net_af_packet_3, iface=bst0):
 * No such device (ENODEV); DPDK said: "rte_pmd_af_packet_probe(): net_af_packet_3: ioctl failed (SIOCGIFINDEX)"}.
 */
public final class RteException extends DataplaneException {
    private static final long serialVersionUID = 1L;

    private final String call;
    private final int errno;
    private final List<String> dpdkLog;

    public RteException(String call, int errno, String errorText, List<String> dpdkLog) {
        super(call + ": " + errorText + (errno == 0 || Errno.name(errno).startsWith("errno") ? "" : " (" + Errno.name(errno) + ")")
                + (dpdkLog.isEmpty() ? "" : "; DPDK said: \"" + String.join("\" / \"", dpdkLog) + "\""));
        this.call = call;
        this.errno = errno;
        this.dpdkLog = List.copyOf(dpdkLog);
    }

    /** The failed call as given, e.g. {@code rte_eth_dev_start(port 3)}. */
    public String call() {
        return call;
    }

    /** The positive errno (or DPDK's own {@code E_RTE_*} value); 0 when the call gave no reason but its log. */
    public int errno() {
        return errno;
    }

    /** The lines DPDK logged during the call, oldest first (at most a few). */
    public List<String> dpdkLog() {
        return dpdkLog;
    }
}
