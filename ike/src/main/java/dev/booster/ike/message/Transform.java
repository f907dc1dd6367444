package dev.booster.ike.message;

import java.util.Objects;

/**
 * One transform of a proposal (RFC 7296 §3.3.2).
 *
 * @param keyLength       the Key Length attribute in bits, 0 when absent
 * @param otherAttributes encoded attributes other than Key Length; a transform carrying any is not understood and
 *                        never selected (RFC 7296 §3.3.6), but is kept so it encodes back unchanged
 */
public record Transform(int type, int id, int keyLength, Octets otherAttributes) {
    public static final int ENCR = 1;
    public static final int PRF = 2;
    public static final int INTEG = 3;
    public static final int DH = 4;
    public static final int ESN = 5;

    public static final int ATTRIBUTE_KEY_LENGTH = 14;

    public Transform {
        if (type < 0 || type > 255) throw new IllegalArgumentException("transform type " + type + " is out of range 0..255");
        if (id < 0 || id > 0xffff) throw new IllegalArgumentException("transform id " + id + " is out of range 0..65535");
        if (keyLength < 0 || keyLength > 0xffff) throw new IllegalArgumentException("key length " + keyLength + " is out of range 0..65535");
        Objects.requireNonNull(otherAttributes, "otherAttributes");
    }

    public Transform(int type, int id) {
        this(type, id, 0, Octets.EMPTY);
    }

    public Transform(int type, int id, int keyLength) {
        this(type, id, keyLength, Octets.EMPTY);
    }

    public boolean understood() {
        return otherAttributes.length() == 0;
    }
}
