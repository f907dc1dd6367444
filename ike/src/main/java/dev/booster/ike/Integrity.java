package dev.booster.ike;

/** Integrity transforms (IANA IKEv2 Transform Type 3): HMAC-SHA2 truncated to half its output (RFC 4868). */
public enum Integrity {
    /** For AEAD encryption, which protects integrity itself. */
    NONE(0, null, 0, 0),
    HMAC_SHA2_256_128(12, "HmacSHA256", 32, 16),
    HMAC_SHA2_384_192(13, "HmacSHA384", 48, 24),
    HMAC_SHA2_512_256(14, "HmacSHA512", 64, 32);

    private final int transformId;
    private final String jcaName;
    private final int keyLength;
    private final int icvLength;

    Integrity(int transformId, String jcaName, int keyLength, int icvLength) {
        this.transformId = transformId;
        this.jcaName = jcaName;
        this.keyLength = keyLength;
        this.icvLength = icvLength;
    }

    public int transformId() {
        return transformId;
    }

    public String jcaName() {
        return jcaName;
    }

    public int keyLength() {
        return keyLength;
    }

    public int icvLength() {
        return icvLength;
    }
}
