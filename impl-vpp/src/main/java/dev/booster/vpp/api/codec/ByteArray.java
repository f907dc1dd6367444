package dev.booster.vpp.api.codec;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * An immutable run of bytes: the Java type of VPP's {@code u8} arrays ({@code u8 key[64]}, {@code u8 data[len]},
 * {@code ip4_address}, {@code mac_address}). A value type so that generated records compare by content, which a
 * {@code byte[]} component would not.
 */
public final class ByteArray {

    private static final ByteArray EMPTY = new ByteArray(new byte[0]);
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] bytes;

    private ByteArray(byte[] bytes) {
        this.bytes = bytes;
    }

    public static ByteArray empty() {
        return EMPTY;
    }

    public static ByteArray copyOf(byte[] bytes) {
        Objects.requireNonNull(bytes, "bytes");
        return bytes.length == 0 ? EMPTY : new ByteArray(bytes.clone());
    }

    public static ByteArray copyOf(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        return new ByteArray(Arrays.copyOfRange(bytes, offset, offset + length));
    }

    /** Bytes given as ints 0..255 (or -128..127), e.g. {@code ByteArray.of(10, 0, 0, 1)}. */
    public static ByteArray of(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] < -128 || values[i] > 255) {
                throw new IllegalArgumentException("byte " + i + " = " + values[i] + " is not a byte (-128..255)");
            }
            bytes[i] = (byte) values[i];
        }
        return new ByteArray(bytes);
    }

    public static ByteArray zeros(int length) {
        return length == 0 ? EMPTY : new ByteArray(new byte[length]);
    }

    public static ByteArray fromHex(String hex) {
        return new ByteArray(HEX.parseHex(hex));
    }

    /** Takes ownership of {@code bytes}: only for this package's readers, which never touch the array again. */
    static ByteArray wrap(byte[] bytes) {
        return new ByteArray(bytes);
    }

    /** The array itself, for this package's writers, which only read it. */
    byte[] array() {
        return bytes;
    }

    public int length() {
        return bytes.length;
    }

    /** The byte at {@code index}, unsigned (0..255). */
    public int get(int index) {
        return bytes[index] & 0xff;
    }

    public byte[] toArray() {
        return bytes.clone();
    }

    public String toHex() {
        return HEX.formatHex(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteArray other && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return "0x" + toHex();
    }
}
