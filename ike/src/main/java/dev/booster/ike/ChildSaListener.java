package dev.booster.ike;

/**
 * Where the Child SAs IKE negotiates go: a dataplane binds these calls to its ESP SAs. Calls come from the IKE
 * daemon's single thread, in order; they must not block (hand work to the dataplane's control path and return).
 *
 * <p>A rekey is make-before-break (RFC 7296 §2.8): {@link #inboundAdded} first, so packets on the new SA are
 * accepted before the peer sends any; then {@link #outboundSwitched}; then {@link #deleted} for the old pair. The
 * side that started the rekey switches at once; the other side switches when the peer deletes the old SA, because
 * only then is it sure the peer has the new inbound SA.
 */
public interface ChildSaListener {

    /** A new Child SA: decrypt with {@code in} and encrypt with {@code out} from now on. */
    void installed(ChildSa in, ChildSa out);

    /** Rekey, step 1: also decrypt with {@code newIn}; the old inbound SA stays until {@link #deleted}. */
    void inboundAdded(ChildSa newIn);

    /** Rekey, step 2: encrypt with {@code newOut} instead of {@code oldOut}. */
    void outboundSwitched(ChildSa oldOut, ChildSa newOut);

    /** Remove both SAs of a Child SA: after a rekey (the old pair), on delete, on IKE SA teardown or peer death. */
    void deleted(ChildSa in, ChildSa out);

    /** A listener that ignores everything, for IKE without a dataplane. */
    ChildSaListener NONE = new ChildSaListener() {
        @Override
        public void installed(ChildSa in, ChildSa out) {
        }

        @Override
        public void inboundAdded(ChildSa newIn) {
        }

        @Override
        public void outboundSwitched(ChildSa oldOut, ChildSa newOut) {
        }

        @Override
        public void deleted(ChildSa in, ChildSa out) {
        }
    };
}
