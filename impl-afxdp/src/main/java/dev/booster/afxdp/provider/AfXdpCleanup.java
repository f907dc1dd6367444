package dev.booster.afxdp.provider;

import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.LinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.host.pod.HostVethNames;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Removes what a crashed JVM of the {@code afxdp} provider left behind: the host ends of pods' veths, named
 * {@code bst} + 10 hex digits ({@link HostVethNames}). Deleting a host end deletes its pod end too. Nothing else
 * outlives the process: the XDP programs hang on BPF links that close with the process, sockets and UMEMs are
 * process memory, and pods' namespaces are the runtime's, never touched. Run it only when no live dataplane
 * serves these pods: it cannot tell a leftover from a live veth of another process.
 */
public final class AfXdpCleanup {
    private AfXdpCleanup() {
    }

    /** Deletes every {@code bst...} veth in the host namespace; returns the names deleted. */
    public static List<String> removeLeftovers() {
        return removeLeftovers(new IpLinkManager(), name -> true);
    }

    /** Deletes the {@code bst...} links {@code alsoMatching} accepts (tests narrow it to their own). */
    static List<String> removeLeftovers(LinkManager links, Predicate<String> alsoMatching) {
        List<String> removed = new ArrayList<>();
        for (String name : links.linkNames(Namespace.host())) {
            if (HostVethNames.isBoosterName(name) && alsoMatching.test(name) && links.deleteLink(Namespace.host(), name)) {
                removed.add(name);
            }
        }
        return removed;
    }
}
