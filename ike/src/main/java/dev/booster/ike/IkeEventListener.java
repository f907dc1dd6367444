package dev.booster.ike;

/** IKE SA life events, for logs, metrics and tests. Called from the daemon's thread; must not block. */
public interface IkeEventListener {

    /** An IKE SA is up (with its first Child SA when {@code childSas} is not empty). */
    default void established(IkeSaInfo sa) {
    }

    /** The IKE SA was rekeyed: {@code replacement} carries on with the same Child SAs. */
    default void ikeSaRekeyed(IkeSaInfo old, IkeSaInfo replacement) {
    }

    /** An established IKE SA ended: deleted by either side, or its peer stopped answering. */
    default void closed(IkeSaInfo sa, IkeFailure why) {
    }

    /** Setting up an IKE SA or a Child SA failed (either role): no SA was left behind. */
    default void failed(IkeFailure failure) {
    }

    IkeEventListener NONE = new IkeEventListener() {
    };
}
