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

    /**
     * The IKEv2 keying of the tunnel to {@code remoteNode} set up (or rekeyed) its SAs: traffic passes.
     *
     * @param detail the IKE SA and Child SA SPIs, never a key
     */
    record TunnelKeyed(Instant time, String remoteNode, String detail) implements DataplaneEvent {
    }

    /**
     * The IKEv2 keying of the tunnel to {@code remoteNode} failed or its SAs went away (wrong pre-shared key, no common
     * proposal, peer unreachable, deleted by the peer): no SA carries the tunnel's traffic, which is dropped until the
     * keying succeeds.
     *
     * @param reason what failed and, where known, the fix; never the key
     */
    record TunnelKeyingFailed(Instant time, String remoteNode, String reason) implements DataplaneEvent {
    }
}
