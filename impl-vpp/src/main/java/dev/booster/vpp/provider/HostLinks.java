package dev.booster.vpp.provider;

import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.Veth;

import java.nio.file.Path;

/**
 * The host side of veth pods, which VPP does not do: the veth pair, its pod end configured inside the pod's network
 * namespace, its host end up (for VPP's af_packet to read). A seam so the backend's VPP side can be tested without
 * root; {@link IpHostLinks} is the real one.
 */
public interface HostLinks {

    /**
     * Creates the pair: {@code hostName} (MAC {@code hostMac}) stays in the host namespace and is brought up; the pod
     * end {@code spec.name()} (MAC {@code podMac}) is made in {@code netns} with the spec's addresses, link up,
     * default routes via the gateways and a permanent neighbour entry for each gateway at {@code hostMac}.
     *
     * @param field where {@code spec} sits in the pod spec, for errors
     */
    void createVeth(Path netns, Veth spec, String field, String hostName, MacAddress hostMac, MacAddress podMac);

    /**
     * Configures a pod interface VPP made inside {@code netns} (a tap): the spec's addresses, link up, routes via
     * the gateways and the gateways' neighbour entries at {@code gatewayMac}, as {@link #createVeth} does.
     */
    void configurePodSide(Path netns, InterfaceSpec spec, String field, MacAddress gatewayMac);

    /** Deletes the pair by its host end (both ends go); idempotent. */
    void deleteVeth(String hostName);
}
