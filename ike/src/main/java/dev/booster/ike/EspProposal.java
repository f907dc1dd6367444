package dev.booster.ike;

import java.util.Objects;
import java.util.Optional;

/**
 * One ESP cipher suite for Child SAs: AES-GCM-16 with a 128- or 256-bit key, the extended sequence number choice,
 * and optionally a key exchange group for perfect forward secrecy on rekeys (ignored in IKE_AUTH, RFC 7296 §1.2).
 */
public record EspProposal(int keyBits, Esn esn, Optional<DhGroup> pfsGroup) {
    public static final EspProposal AES_GCM_16_128 = new EspProposal(128, Esn.EITHER, Optional.empty());
    public static final EspProposal AES_GCM_16_256 = new EspProposal(256, Esn.EITHER, Optional.empty());

    /** Which sequence numbers to offer or accept: 64-bit (RFC 4304), 32-bit, or either (64-bit preferred). */
    public enum Esn { ON, OFF, EITHER }

    public EspProposal {
        if (keyBits != 128 && keyBits != 256) throw new IllegalArgumentException("ESP keyBits " + keyBits + " is not 128 or 256 (AES-GCM-16)");
        Objects.requireNonNull(esn, "esn");
        Objects.requireNonNull(pfsGroup, "pfsGroup");
    }

    public static EspProposal aesGcm16(int keyBits, Esn esn) {
        return new EspProposal(keyBits, esn, Optional.empty());
    }

    public EspProposal withPfs(DhGroup group) {
        return new EspProposal(keyBits, esn, Optional.of(group));
    }

    public Encryption encryption() {
        return Encryption.AES_GCM_16;
    }

    @Override
    public String toString() {
        String esnText = switch (esn) {
            case ON -> "-esn";
            case OFF -> "-noesn";
            case EITHER -> "-esn-noesn";
        };
        return "aes" + keyBits + "gcm16" + pfsGroup.map(g -> "-" + g.name().toLowerCase(java.util.Locale.ROOT).replace("_", "")).orElse("") + esnText;
    }
}
