package dev.booster.vpp.provider;

import dev.booster.vpp.binapi.AclRule;

import java.util.List;

/**
 * The two ACLs of an isolated pod, bound to each of its interfaces: {@code input} to what VPP receives from the pod
 * (the pod's egress, the peer is the destination), {@code output} to what VPP sends to it (its ingress, the peer is
 * the source). Both are first-match lists ending in an explicit verdict for every address family.
 */
public record PodAcls(List<AclRule> input, List<AclRule> output) {
    public PodAcls {
        input = List.copyOf(input);
        output = List.copyOf(output);
    }
}
