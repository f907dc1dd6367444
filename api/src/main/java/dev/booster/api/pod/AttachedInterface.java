package dev.booster.api.pod;

import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.MacAddress;

import java.util.List;

/**
 * An interface as the dataplane made it.
 *
 * @param spec       what was asked for
 * @param hostName   the host-side device or socket name the backend uses (e.g. the veth's host end); for memif the
 *                   socket path
 * @param podMac     the pod side's MAC (empty string semantics are not used: IP-mode memif has {@code null})
 * @param gatewayMac the MAC the dataplane answers with for the pod's gateway addresses
 * @param index      the dataplane's interface index, as used in counters
 */
public record AttachedInterface(InterfaceSpec spec, String hostName, MacAddress podMac, MacAddress gatewayMac, int index) {

    public List<InterfaceAddress> addresses() {
        return spec.addresses();
    }
}
