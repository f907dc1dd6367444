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

    /**
     * Changes the labels and named ports of the attached pod {@code spec.uid()} in place: its interfaces, addresses
     * and traffic stay, and policy follows the new labels at once. This is how a node agent follows a pod's label
     * changes; everything else in {@code spec} must equal the attached spec (detach and attach to change it).
     *
     * @return the attachment, now with {@code spec}
     * @throws dev.booster.api.InvalidSpecException no pod {@code spec.uid()} is attached, or {@code spec} differs in
     *                                              more than labels and named ports (the field is named)
     */
    default PodAttachment update(PodSpec spec) {
        throw new UnsupportedOperationException(getClass().getName() + " cannot change an attached pod's labels in place; "
                + "detach and attach the pod again (its interfaces are made anew)");
    }

    /** Detaches the pod with {@code uid}; returns false when none was attached. */
    boolean detach(String uid);

    Optional<PodAttachment> get(String uid);

    List<PodAttachment> list();
}
