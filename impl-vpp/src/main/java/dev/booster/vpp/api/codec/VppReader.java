package dev.booster.vpp.api.codec;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads VPP's wire form (see {@link VppWriter}); running past the end is a {@link VppDecodeException}. */
public final class VppReader {

    private final byte[] bytes;
    private final boolean endlessZeros;
    private int position;

    private VppReader(byte[] bytes, boolean endlessZeros) {
        this.bytes = bytes;
        this.endlessZeros = endlessZeros;
    }

    public static VppReader of(byte[] bytes) {
        return new VppReader(bytes, false);
    }

    public static VppReader of(ByteArray bytes) {
        return new VppReader(bytes.array(), false);
    }

    /** A reader of zeros without end: decoding from it gives a type's all-zero value. */
    public static VppReader zeros() {
        return new VppReader(new byte[0], true);
    }

    public int position() {
        return position;
    }

    public int remaining() {
        return endlessZeros ? Integer.MAX_VALUE : bytes.length - position;
    }

    public int u8() {
        need(1);
        return byteAt(position++) & 0xff;
    }

    public int i8() {
        need(1);
        return byteAt(position++);
    }

    /** VPP's bool is a byte; anything but 0 is true. */
    public boolean bool() {
        return u8() != 0;
    }

    public int u16() {
        need(2);
        int value = ((byteAt(position) & 0xff) << 8) | (byteAt(position + 1) & 0xff);
        position += 2;
        return value;
    }

    public int i16() {
        return (short) u16();
    }

    public long u32() {
        return Integer.toUnsignedLong(i32());
    }

    public int i32() {
        need(4);
        int value = ((byteAt(position) & 0xff) << 24) | ((byteAt(position + 1) & 0xff) << 16)
                | ((byteAt(position + 2) & 0xff) << 8) | (byteAt(position + 3) & 0xff);
        position += 4;
        return value;
    }

    public long u64() {
        long high = u32();
        return (high << 32) | u32();
    }

    public long i64() {
        return u64();
    }

    public double f64() {
        return Double.longBitsToDouble(u64());
    }

    public ByteArray bytes(int length) {
        need(length);
        byte[] copy = endlessZeros ? new byte[length] : Arrays.copyOfRange(bytes, position, position + length);
        position += length;
        return ByteArray.wrap(copy);
    }

    /** {@code string[length]}: the bytes up to the first NUL (all of them when there is none). */
    public String fixedString(int length) {
        need(length);
        int end = position;
        int limit = position + length;
        while (end < limit && byteAt(end) != 0) {
            end++;
        }
        String value = endlessZeros ? "" : new String(bytes, position, end - position, StandardCharsets.UTF_8);
        position = limit;
        return value;
    }

    public String variableString() {
        int length = count(u32(), 1, "string");
        if (endlessZeros) {
            return "";
        }
        String value = new String(bytes, position, length, StandardCharsets.UTF_8);
        position += length;
        return value;
    }

    /**
     * A count field's value as an element count, refused when the elements (at least {@code minElementSize} bytes
     * each) cannot be in what is left: a corrupt count must not allocate gigabytes.
     */
    public int count(long count, int minElementSize, String what) {
        if (count < 0 || count * Math.max(1, minElementSize) > remaining()) {
            throw new VppDecodeException(what + ": count " + count + " of elements of at least " + minElementSize
                    + " bytes, but only " + remaining() + " bytes are left at offset " + position);
        }
        return (int) count;
    }

    public <T> List<T> list(int count, VppDecoder<T> element) {
        List<T> list = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            list.add(element.decode(this));
        }
        return List.copyOf(list);
    }

    private byte byteAt(int index) {
        return endlessZeros ? 0 : bytes[index];
    }

    private void need(int length) {
        if (!endlessZeros && length > bytes.length - position) {
            throw new VppDecodeException("needed " + length + " bytes at offset " + position + ", only "
                    + (bytes.length - position) + " left");
        }
    }
}
