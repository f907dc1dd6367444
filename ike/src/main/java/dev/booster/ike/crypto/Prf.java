package dev.booster.ike.crypto;

import dev.booster.ike.PseudoRandomFunction;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.util.Arrays;

/** The negotiated PRF and prf+ (RFC 7296 §2.13), over the JDK's HMAC. */
public final class Prf {
    private final PseudoRandomFunction algorithm;

    public Prf(PseudoRandomFunction algorithm) {
        this.algorithm = algorithm;
    }

    public PseudoRandomFunction algorithm() {
        return algorithm;
    }

    public int outputLength() {
        return algorithm.outputLength();
    }

    /** prf(key, data[0] | data[1] | ...). */
    public byte[] apply(byte[] key, byte[]... data) {
        Mac mac = mac(algorithm.jcaName(), key);
        for (byte[] part : data) mac.update(part);
        return mac.doFinal();
    }

    /** prf+(key, seed): T1 | T2 | ... cut to {@code length}, with Tn = prf(key, Tn-1 | seed | n). */
    public byte[] plus(byte[] key, byte[] seed, int length) {
        if (length > 255 * outputLength()) throw new IllegalArgumentException("prf+ yields at most 255 blocks, " + length + " bytes asked");
        Mac mac = mac(algorithm.jcaName(), key);
        byte[] out = new byte[length];
        byte[] previous = new byte[0];
        int written = 0;
        for (int counter = 1; written < length; counter++) {
            mac.update(previous);
            mac.update(seed);
            mac.update((byte) counter);
            previous = mac.doFinal();
            int take = Math.min(previous.length, length - written);
            System.arraycopy(previous, 0, out, written, take);
            written += take;
        }
        Arrays.fill(previous, (byte) 0);
        return out;
    }

    static Mac mac(String jcaName, byte[] key) {
        if (key.length == 0) throw new IllegalArgumentException(jcaName + " key is empty");
        try {
            Mac mac = Mac.getInstance(jcaName);
            mac.init(new SecretKeySpec(key, jcaName));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK lacks " + jcaName, e);
        }
    }
}
