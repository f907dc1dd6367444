package dev.booster.host.link;

import dev.booster.api.net.MacAddress;

/**
 * What the kernel says about a link: index, MTU, MAC, whether it is administratively up, the XDP program attached
 * to it (0: none), and its packet and byte counters.
 */
public record LinkInfo(String name, int index, int mtu, MacAddress mac, boolean up, int xdpProgramId,
                       long rxPackets, long rxBytes, long txPackets, long txBytes) {
    public boolean hasXdpProgram() {
        return xdpProgramId != 0;
    }
}
