package dev.booster.ike.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/** The AUTH payload data for pre-shared key authentication (RFC 7296 §2.15, auth method 2). */
public final class PskAuth {
    private static final byte[] KEY_PAD = "Key Pad for IKEv2".getBytes(StandardCharsets.US_ASCII);

    private PskAuth() {
    }

    /**
     * AUTH = prf(prf(PSK, "Key Pad for IKEv2"), RealMessage | NonceOfPeer | prf(SK_p, ID')), where RealMessage is the
     * signer's own IKE_SA_INIT message, NonceOfPeer the other side's nonce and ID' the signer's ID payload body.
     */
    public static byte[] compute(Prf prf, byte[] psk, byte[] realMessage, byte[] peerNonce, byte[] skP, byte[] idBody) {
        byte[] padded = prf.apply(psk, KEY_PAD);
        try {
            return prf.apply(padded, realMessage, peerNonce, prf.apply(skP, idBody));
        } finally {
            java.util.Arrays.fill(padded, (byte) 0);
        }
    }

    /** Constant-time comparison, so a forged AUTH learns nothing from timing. */
    public static boolean verify(byte[] expected, byte[] received) {
        return MessageDigest.isEqual(expected, received);
    }
}
