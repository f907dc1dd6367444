package dev.booster.vpp.provider;

import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;

import java.util.List;

/**
 * VPP's way to other nodes (options {@code vpp.uplink}, {@code vpp.uplink.address}): the host interface
 * {@code hostInterface}, which VPP takes over with af_packet when the first tunnel is put, and the addresses VPP gives
 * it. Tunnels leave from one of them.
 */
public record VppUplink(String hostInterface, List<InterfaceAddress> addresses) {

    public VppUplink {
        addresses = List.copyOf(addresses);
        if (addresses.isEmpty()) {
            throw new IllegalArgumentException("VppUplink.addresses: the uplink " + hostInterface + " needs an address");
        }
    }

    boolean owns(IpAddress address) {
        return addresses.stream().anyMatch(a -> a.address().equals(address));
    }
}
