package dev.booster.vpp.provider;

import dev.booster.host.link.LinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.host.pod.PodLinkSetup;
import dev.booster.host.pod.PodNetns;
import dev.booster.api.net.IpFamily;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.Veth;

import java.nio.file.Path;

/**
 * {@link HostLinks} through impl-afxdp's host plumbing ({@code ip}, setns), the same code the afxdp and dpdk
 * backends attach veth pods with: only the far end differs (VPP's af_packet instead of an AF_XDP socket).
 */
public final class IpHostLinks implements HostLinks {

    private final LinkManager links;
    private final PodLinkSetup podSide = new PodLinkSetup(VppGateway.IP4, VppGateway.IP6);

    public IpHostLinks(LinkManager links) {
        this.links = links;
    }

    @Override
    public void createVeth(Path netns, Veth spec, String field, String hostName, MacAddress hostMac, MacAddress podMac) {
        PodNetns pod = PodNetns.resolve(netns);
        links.addPodVeth(hostName, hostMac, pod.namespace(), spec.name(), podMac, spec.mtu());
        try {
            configure(pod, spec, field, hostMac);
            links.setUpWithoutIpv6Addresses(Namespace.host(), hostName);
        } catch (RuntimeException e) {
            links.deleteLink(Namespace.host(), hostName);
            throw e;
        }
    }

    @Override
    public void configurePodSide(Path netns, InterfaceSpec spec, String field, MacAddress gatewayMac) {
        configure(PodNetns.resolve(netns), spec, field, gatewayMac);
    }

    private void configure(PodNetns pod, InterfaceSpec spec, String field, MacAddress gatewayMac) {
        podSide.apply(links, pod, spec, field);
        // The pod reaches its gateway without ARP/ND: VPP's end of the link owns gatewayMac.
        boolean ip4 = spec.addresses().stream().anyMatch(a -> a.address().family() == IpFamily.IPV4);
        boolean ip6 = spec.addresses().stream().anyMatch(a -> a.address().family() == IpFamily.IPV6);
        if (ip4) links.addNeighbor(pod.namespace(), spec.name(), VppGateway.IP4, gatewayMac);
        if (ip6) links.addNeighbor(pod.namespace(), spec.name(), VppGateway.IP6, gatewayMac);
    }

    @Override
    public void deleteVeth(String hostName) {
        links.deleteLink(Namespace.host(), hostName);
    }
}
