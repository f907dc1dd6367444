package dev.booster.api.pod;

import java.util.List;
import java.util.Optional;

/** The pods attached to a dataplane. */
public interface Pods {

    /**
     * Attaches a pod: creates its interfaces, addresses and routes, and makes it reachable. Attaching a uid that is
     * already attached with an equal spec returns the existing attachment; with a different spec it fails.
     *
     * @throws dev.booster.api.InvalidSpecException           the spec cannot be served (address taken, bad netns...)
     * @throws dev.booster.api.UnsupportedCapabilityException an interface kind the backend lacks
     * @throws dev.booster.api.DataplaneException             the host refused (nothing is left half-made)
     */
    PodAttachment attach(PodSpec spec);

    /** Detaches the pod with {@code uid}; returns false when none was attached. */
    boolean detach(String uid);

    Optional<PodAttachment> get(String uid);

    List<PodAttachment> list();
}
