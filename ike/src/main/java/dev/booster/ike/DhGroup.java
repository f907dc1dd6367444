package dev.booster.ike;

/** Key exchange groups (IANA IKEv2 Transform Type 4). */
public enum DhGroup {
    /** 2048-bit MODP, RFC 3526 group 14. */
    MODP_2048(14, 256),
    /** NIST P-256, RFC 5903 (public value x | y). */
    ECP_256(19, 64),
    /** Curve25519, RFC 8031. */
    CURVE25519(31, 32);

    private final int transformId;
    private final int publicValueLength;

    DhGroup(int transformId, int publicValueLength) {
        this.transformId = transformId;
        this.publicValueLength = publicValueLength;
    }

    public int transformId() {
        return transformId;
    }

    /** The exact length of the KE payload's data for this group. */
    public int publicValueLength() {
        return publicValueLength;
    }

    public static java.util.Optional<DhGroup> byTransformId(int id) {
        for (DhGroup group : values()) {
            if (group.transformId == id) return java.util.Optional.of(group);
        }
        return java.util.Optional.empty();
    }
}
