package dev.booster.ipsec;

/**
 * The ESP transforms Booster implements: AES-GCM with a 16-byte ICV (RFC 4106), IKEv2's {@code ENCR_AES_GCM_16}
 * (transform id 20) with a 128- or 256-bit key. Each takes 4 more bytes of keying material as the nonce salt.
 */
public enum EspAlgorithm {
    AES_GCM_16_128(16, "AES-128-GCM"),
    AES_GCM_16_256(32, "AES-256-GCM");

    /** IKEv2 transform type 1 (encryption) id of AES-GCM with a 16-octet ICV (RFC 5282). */
    public static final int IKEV2_TRANSFORM_ID = 20;
    public static final int SALT_BYTES = 4;
    public static final int ICV_BYTES = 16;

    private final int keyBytes;
    private final String opensslName;

    EspAlgorithm(int keyBytes, String opensslName) {
        this.keyBytes = keyBytes;
        this.opensslName = opensslName;
    }

    /** AES key length in bytes (without the salt). */
    public int keyBytes() {
        return keyBytes;
    }

    /** Key length in bits, as IKEv2's key length attribute carries it. */
    public int keyBits() {
        return keyBytes * 8;
    }

    /** Bytes of keying material an SA takes (RFC 4106 §8.1: the key, then the 4-byte salt). */
    public int keyMaterialBytes() {
        return keyBytes + SALT_BYTES;
    }

    String opensslName() {
        return opensslName;
    }
}
