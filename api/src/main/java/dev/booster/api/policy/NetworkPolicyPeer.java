package dev.booster.api.policy;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.booster.api.InvalidSpecException;

import java.util.Optional;

/**
 * A rule's peer, as in Kubernetes: pods chosen by {@code podSelector} (in the policy's namespace unless
 * {@code namespaceSelector} is also given), all pods of the namespaces chosen by {@code namespaceSelector}, or
 * addresses in {@code ipBlock}. {@code ipBlock} excludes the selectors.
 */
@JsonInclude(JsonInclude.Include.NON_ABSENT)
public record NetworkPolicyPeer(Optional<LabelSelector> podSelector, Optional<LabelSelector> namespaceSelector,
                                Optional<IpBlock> ipBlock) {

    public NetworkPolicyPeer {
        podSelector = podSelector == null ? Optional.empty() : podSelector;
        namespaceSelector = namespaceSelector == null ? Optional.empty() : namespaceSelector;
        ipBlock = ipBlock == null ? Optional.empty() : ipBlock;
        if (ipBlock.isPresent() && (podSelector.isPresent() || namespaceSelector.isPresent())) {
            throw new InvalidSpecException("ipBlock", "cannot be combined with podSelector or namespaceSelector in one peer; make it a separate peer");
        }
        if (ipBlock.isEmpty() && podSelector.isEmpty() && namespaceSelector.isEmpty()) {
            throw new InvalidSpecException("", "a peer needs podSelector, namespaceSelector or ipBlock");
        }
    }

    public static NetworkPolicyPeer pods(LabelSelector podSelector) {
        return new NetworkPolicyPeer(Optional.of(podSelector), Optional.empty(), Optional.empty());
    }

    public static NetworkPolicyPeer namespaces(LabelSelector namespaceSelector) {
        return new NetworkPolicyPeer(Optional.empty(), Optional.of(namespaceSelector), Optional.empty());
    }

    public static NetworkPolicyPeer podsInNamespaces(LabelSelector podSelector, LabelSelector namespaceSelector) {
        return new NetworkPolicyPeer(Optional.of(podSelector), Optional.of(namespaceSelector), Optional.empty());
    }

    public static NetworkPolicyPeer ipBlock(IpBlock block) {
        return new NetworkPolicyPeer(Optional.empty(), Optional.empty(), Optional.of(block));
    }
}
