package dev.booster.api.pod;

import java.util.List;

/**
 * A pod attached to the dataplane. Closing it detaches the pod: its interfaces and all state that belongs to it are
 * removed. Detaching is idempotent.
 */
public interface PodAttachment extends AutoCloseable {

    PodSpec spec();

    /** The interfaces as attached, in the order of {@link PodSpec#interfaces()}. */
    List<AttachedInterface> interfaces();

    /** True until the pod is detached (by this handle, by {@link Pods#detach(String)} or by closing the dataplane). */
    boolean isAttached();

    void detach();

    @Override
    default void close() {
        detach();
    }
}
