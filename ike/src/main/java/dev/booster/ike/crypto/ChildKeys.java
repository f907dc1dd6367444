package dev.booster.ike.crypto;

import java.util.Arrays;

/**
 * Child SA keying material (RFC 7296 §2.17): KEYMAT = prf+(SK_d, [g^ir (new) |] Ni | Nr), taken as the
 * initiator-to-responder encryption key, its integrity key, then the same for responder-to-initiator. For AES-GCM an
 * encryption key ends with its 4-byte salt (RFC 4106 §8.1).
 */
public record ChildKeys(byte[] initiatorToResponderEncryption, byte[] initiatorToResponderIntegrity,
                        byte[] responderToInitiatorEncryption, byte[] responderToInitiatorIntegrity) {

    /** @param gir the new shared secret when the exchange carried KE payloads (PFS), else null */
    public static ChildKeys derive(Prf prf, byte[] skD, byte[] gir, byte[] ni, byte[] nr, int encryptionKeyLength, int integrityKeyLength) {
        byte[] seed = gir == null ? IkeSaKeys.concat(ni, nr) : IkeSaKeys.concat(gir, ni, nr);
        byte[] stream = prf.plus(skD, seed, 2 * (encryptionKeyLength + integrityKeyLength));
        int[] at = {0};
        ChildKeys keys = new ChildKeys(IkeSaKeys.take(stream, at, encryptionKeyLength), IkeSaKeys.take(stream, at, integrityKeyLength),
                IkeSaKeys.take(stream, at, encryptionKeyLength), IkeSaKeys.take(stream, at, integrityKeyLength));
        Arrays.fill(stream, (byte) 0);
        Arrays.fill(seed, (byte) 0);
        return keys;
    }

    @Override
    public String toString() {
        return "ChildKeys[" + initiatorToResponderEncryption.length + "+" + initiatorToResponderIntegrity.length + " bytes per direction, redacted]";
    }
}
