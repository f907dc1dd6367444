package dev.booster.ike;

/** Encryption transforms Booster negotiates (IANA IKEv2 Transform Type 1). */
public enum Encryption {
    /** AES in CBC mode (RFC 3602); needs an integrity transform. */
    AES_CBC(12, false, 16, 0, 0),
    /** AES-GCM with a 16-byte ICV (RFC 4106 for ESP, RFC 5282 for IKE); its key carries a 4-byte salt. */
    AES_GCM_16(20, true, 8, 16, 4);

    private final int transformId;
    private final boolean aead;
    private final int ivLength;
    private final int icvLength;
    private final int saltLength;

    Encryption(int transformId, boolean aead, int ivLength, int icvLength, int saltLength) {
        this.transformId = transformId;
        this.aead = aead;
        this.ivLength = ivLength;
        this.icvLength = icvLength;
        this.saltLength = saltLength;
    }

    public int transformId() {
        return transformId;
    }

    /** Authenticated encryption: no separate integrity transform. */
    public boolean aead() {
        return aead;
    }

    public int ivLength() {
        return ivLength;
    }

    /** The AEAD tag length; 0 for CBC, whose ICV comes from the integrity transform. */
    public int icvLength() {
        return icvLength;
    }

    public int saltLength() {
        return saltLength;
    }

    public static boolean validKeyBits(int keyBits) {
        return keyBits == 128 || keyBits == 192 || keyBits == 256;
    }
}
