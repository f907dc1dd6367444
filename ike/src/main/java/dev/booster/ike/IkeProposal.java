package dev.booster.ike;

import java.util.Objects;

/**
 * One IKE SA cipher suite: encryption with its key size, integrity (NONE for AEAD), PRF and key exchange group.
 */
public record IkeProposal(Encryption encryption, int keyBits, Integrity integrity, PseudoRandomFunction prf, DhGroup dhGroup) {
    /** AES-CBC-256 / HMAC-SHA2-256-128 / PRF-HMAC-SHA2-256 / MODP-2048. */
    public static final IkeProposal AES_CBC_256_SHA256_MODP2048 =
            new IkeProposal(Encryption.AES_CBC, 256, Integrity.HMAC_SHA2_256_128, PseudoRandomFunction.HMAC_SHA2_256, DhGroup.MODP_2048);
    /** AES-GCM-16-256 / PRF-HMAC-SHA2-256 / Curve25519. */
    public static final IkeProposal AES_GCM_16_256_SHA256_X25519 =
            new IkeProposal(Encryption.AES_GCM_16, 256, Integrity.NONE, PseudoRandomFunction.HMAC_SHA2_256, DhGroup.CURVE25519);
    /** AES-GCM-16-256 / PRF-HMAC-SHA2-256 / ECP-256. */
    public static final IkeProposal AES_GCM_16_256_SHA256_ECP256 =
            new IkeProposal(Encryption.AES_GCM_16, 256, Integrity.NONE, PseudoRandomFunction.HMAC_SHA2_256, DhGroup.ECP_256);

    public IkeProposal {
        Objects.requireNonNull(encryption, "encryption");
        Objects.requireNonNull(integrity, "integrity");
        Objects.requireNonNull(prf, "prf");
        Objects.requireNonNull(dhGroup, "dhGroup");
        if (!Encryption.validKeyBits(keyBits)) throw new IllegalArgumentException("IKE proposal keyBits " + keyBits + " is not 128, 192 or 256");
        if (encryption.aead() && integrity != Integrity.NONE) {
            throw new IllegalArgumentException("IKE proposal " + encryption + " is AEAD: set integrity NONE, not " + integrity);
        }
        if (!encryption.aead() && integrity == Integrity.NONE) {
            throw new IllegalArgumentException("IKE proposal " + encryption + " needs an integrity algorithm");
        }
    }

    /** strongSwan's notation, e.g. {@code aes256gcm16-prfsha256-curve25519}, to compare with its configuration. */
    @Override
    public String toString() {
        String encr = encryption == Encryption.AES_GCM_16 ? "aes" + keyBits + "gcm16" : "aes" + keyBits;
        String integ = switch (integrity) {
            case NONE -> "";
            case HMAC_SHA2_256_128 -> "-sha256";
            case HMAC_SHA2_384_192 -> "-sha384";
            case HMAC_SHA2_512_256 -> "-sha512";
        };
        String prfName = "-prf" + prf.jcaName().substring(4).toLowerCase(java.util.Locale.ROOT);
        String group = switch (dhGroup) {
            case MODP_2048 -> "-modp2048";
            case ECP_256 -> "-ecp256";
            case CURVE25519 -> "-curve25519";
        };
        return encr + integ + prfName + group;
    }
}
