package dev.booster.ike;

import java.time.Instant;
import java.util.List;

/**
 * A snapshot of one established IKE SA.
 *
 * @param initiator whether this side is the original initiator of the IKE SA (after a rekey: of the rekey)
 */
public record IkeSaInfo(String peer, long initiatorSpi, long responderSpi, boolean initiator, IkeProposal proposal,
                        Identity localId, Identity remoteId, Instant established, List<ChildSaInfo> childSas) {

    public IkeSaInfo {
        childSas = List.copyOf(childSas);
    }

    /** One Child SA of the IKE SA: its SPIs (as strongSwan prints them: in, out) and suite. */
    public record ChildSaInfo(int reqid, int inboundSpi, int outboundSpi, int keyBits, boolean esn) {
        @Override
        public String toString() {
            return String.format("reqid %d %08x_i %08x_o aes%dgcm16%s", reqid, inboundSpi, outboundSpi, keyBits, esn ? "-esn" : "");
        }
    }

    /** The SPIs as strongSwan prints them, e.g. {@code 9a3c...1f_i 5e2b...c0_r}. */
    public String spis() {
        return String.format("%016x_i %016x_r", initiatorSpi, responderSpi);
    }
}
