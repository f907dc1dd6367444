package dev.booster.ike.message;

import java.util.Arrays;
import java.util.HexFormat;

/** An immutable byte string compared by content, so payload records get value semantics. Not for secrets: it prints itself. */
public final class Octets {
    public static final Octets EMPTY = new Octets(new byte[0]);

    private final byte[] value;

    private Octets(byte[] value) {
        this.value = value;
    }

    public static Octets of(byte[] value) {
        return value.length == 0 ? EMPTY : new Octets(value.clone());
    }

    public static Octets of(byte[] value, int offset, int length) {
        return length == 0 ? EMPTY : new Octets(Arrays.copyOfRange(value, offset, offset + length));
    }

    public static Octets hex(String hex) {
        return of(HexFormat.of().parseHex(hex));
    }

    public int length() {
        return value.length;
    }

    public byte[] toByteArray() {
        return value.clone();
    }

    public void copyTo(byte[] target, int offset) {
        System.arraycopy(value, 0, target, offset, value.length);
    }

    public int get(int index) {
        return value[index] & 0xff;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Octets other && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(value);
    }

    @Override
    public String toString() {
        return HexFormat.of().formatHex(value);
    }
}
