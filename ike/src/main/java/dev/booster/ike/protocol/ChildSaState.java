package dev.booster.ike.protocol;

import dev.booster.ike.ChildSa;
import dev.booster.ike.IkeSaInfo;

/** One Child SA inside an IKE SA: its two directions, where it is in its life, its timers. */
final class ChildSaState {
    enum Phase {
        /** In use; may be rekeyed or deleted. */
        ACTIVE,
        /** We sent a CREATE_CHILD_SA to rekey it. */
        REKEYING,
        /** The peer rekeyed it: the replacement's inbound SA is installed, outbound still here until the peer deletes this one. */
        REPLACED,
        /** We sent a Delete for it. */
        DELETING
    }

    final ChildSa in;
    final ChildSa out;
    final Proposals.EspChoice suite;
    /** The IKE SA this Child SA belongs to now; an IKE SA rekey moves it to the new one. */
    IkeSa owner;
    Phase phase = Phase.ACTIVE;
    /** Set while {@link Phase#REPLACED}: the Child SA that takes over once the old one is deleted. */
    ChildSaState replacement;
    SaHost.Cancellable rekeyTimer;
    SaHost.Cancellable expiryTimer;
    SaHost.Cancellable replacedTimer;

    ChildSaState(IkeSa owner, ChildSa in, ChildSa out, Proposals.EspChoice suite) {
        this.owner = owner;
        this.in = in;
        this.out = out;
        this.suite = suite;
    }

    int reqid() {
        return in.reqid();
    }

    void cancelTimers() {
        if (rekeyTimer != null) rekeyTimer.cancel();
        if (expiryTimer != null) expiryTimer.cancel();
        if (replacedTimer != null) replacedTimer.cancel();
    }

    IkeSaInfo.ChildSaInfo info() {
        return new IkeSaInfo.ChildSaInfo(reqid(), in.spi(), out.spi(), suite.keyBits(), suite.esn());
    }

    @Override
    public String toString() {
        return "CHILD_SA reqid " + reqid() + " " + in.spiHex() + "_i " + out.spiHex() + "_o " + phase;
    }
}
