package dev.booster.ike;

/** Pseudo-random functions (IANA IKEv2 Transform Type 2): HMAC-SHA2 (RFC 4868). */
public enum PseudoRandomFunction {
    HMAC_SHA2_256(5, "HmacSHA256", 32),
    HMAC_SHA2_384(6, "HmacSHA384", 48),
    HMAC_SHA2_512(7, "HmacSHA512", 64);

    private final int transformId;
    private final String jcaName;
    private final int outputLength;

    PseudoRandomFunction(int transformId, String jcaName, int outputLength) {
        this.transformId = transformId;
        this.jcaName = jcaName;
        this.outputLength = outputLength;
    }

    public int transformId() {
        return transformId;
    }

    public String jcaName() {
        return jcaName;
    }

    /** Output length in bytes, which is also the length of SK_d, SK_pi and SK_pr. */
    public int outputLength() {
        return outputLength;
    }
}
