package dev.booster.ike.crypto;

import dev.booster.ike.IkeProposal;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * The keys of one IKE SA (RFC 7296 §2.14): SK_d for Child SAs and rekeys, SK_a/SK_e per direction for the SK payload,
 * SK_p per side for AUTH. Secrets: {@link #toString()} shows only lengths.
 */
public record IkeSaKeys(byte[] skD, byte[] skAi, byte[] skAr, byte[] skEi, byte[] skEr, byte[] skPi, byte[] skPr) {

    /** {SK_d | SK_ai | SK_ar | SK_ei | SK_er | SK_pi | SK_pr} = prf+(SKEYSEED, Ni | Nr | SPIi | SPIr). */
    public static IkeSaKeys derive(IkeProposal proposal, byte[] skeyseed, byte[] ni, byte[] nr, long spiI, long spiR) {
        Prf prf = new Prf(proposal.prf());
        int prfLength = prf.outputLength();
        int integLength = proposal.integrity().keyLength();
        int encLength = proposal.keyBits() / 8 + proposal.encryption().saltLength();
        byte[] seed = concat(ni, nr, longBytes(spiI), longBytes(spiR));
        byte[] stream = prf.plus(skeyseed, seed, 3 * prfLength + 2 * integLength + 2 * encLength);
        int[] at = {0};
        IkeSaKeys keys = new IkeSaKeys(take(stream, at, prfLength), take(stream, at, integLength), take(stream, at, integLength),
                take(stream, at, encLength), take(stream, at, encLength), take(stream, at, prfLength), take(stream, at, prfLength));
        Arrays.fill(stream, (byte) 0);
        return keys;
    }

    /** SKEYSEED = prf(Ni | Nr, g^ir) for a new IKE SA. */
    public static byte[] skeyseed(Prf prf, byte[] ni, byte[] nr, byte[] gir) {
        return prf.apply(concat(ni, nr), gir);
    }

    /** SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr) when an IKE SA is rekeyed (RFC 7296 §2.18). */
    public static byte[] rekeySkeyseed(Prf prf, byte[] oldSkD, byte[] gir, byte[] ni, byte[] nr) {
        return prf.apply(oldSkD, gir, ni, nr);
    }

    /** The cipher protecting what {@code initiator} (of this IKE SA) sends. */
    public SkCipher cipher(IkeProposal proposal, boolean initiator, SecureRandom random) {
        return SkCipher.of(proposal.encryption(), proposal.integrity(), initiator ? skEi : skEr, initiator ? skAi : skAr, random);
    }

    public void destroy() {
        for (byte[] key : new byte[][]{skD, skAi, skAr, skEi, skEr, skPi, skPr}) Arrays.fill(key, (byte) 0);
    }

    @Override
    public String toString() {
        return "IkeSaKeys[SK_d " + skD.length + ", SK_a " + skAi.length + ", SK_e " + skEi.length + ", SK_p " + skPi.length + " bytes, redacted]";
    }

    static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) length += part.length;
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }

    static byte[] longBytes(long value) {
        byte[] out = new byte[8];
        for (int i = 0; i < 8; i++) out[i] = (byte) (value >>> (56 - 8 * i));
        return out;
    }

    static byte[] take(byte[] stream, int[] at, int length) {
        byte[] out = Arrays.copyOfRange(stream, at[0], at[0] + length);
        at[0] += length;
        return out;
    }
}
