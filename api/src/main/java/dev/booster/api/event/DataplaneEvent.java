package dev.booster.api.event;

import java.time.Instant;

/** Something that happened to the dataplane, delivered to {@code Dataplane.subscribe} listeners. */
public sealed interface DataplaneEvent {

    Instant time();

    record PodAttached(Instant time, String podUid) implements DataplaneEvent {
    }

    record PodDetached(Instant time, String podUid) implements DataplaneEvent {
    }

    record PolicyApplied(Instant time, long generation) implements DataplaneEvent {
    }

    record PolicyRejected(Instant time, String reason) implements DataplaneEvent {
    }

    record InterfaceStateChanged(Instant time, String name, boolean up) implements DataplaneEvent {
    }

    /** The backend lost its dataplane (e.g. VPP restarted); state is re-applied on {@link BackendRestored}. */
    record BackendLost(Instant time, String reason) implements DataplaneEvent {
    }

    record BackendRestored(Instant time) implements DataplaneEvent {
    }
}
