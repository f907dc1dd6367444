package dev.booster.vpp.api.codec;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes VPP's wire form: big-endian integers, NUL-padded fixed strings, u32-length-prefixed variable strings.
 * Range checks belong to the generated records' constructors; this writes the low bits it is given.
 */
public final class VppWriter {

    private byte[] buffer;
    private int position;

    public VppWriter(int initialCapacity) {
        buffer = new byte[Math.max(16, initialCapacity)];
    }

    public int position() {
        return position;
    }

    public byte[] toByteArray() {
        return Arrays.copyOf(buffer, position);
    }

    /** What was written, followed by zeros up to {@code length} bytes (a union member within the union's size). */
    public ByteArray toByteArrayPaddedTo(int length) {
        if (position > length) {
            throw new IllegalStateException("wrote " + position + " bytes into a union of " + length);
        }
        return ByteArray.wrap(Arrays.copyOf(buffer, length));
    }

    public void u8(int value) {
        ensure(1);
        buffer[position++] = (byte) value;
    }

    public void i8(int value) {
        u8(value);
    }

    public void bool(boolean value) {
        u8(value ? 1 : 0);
    }

    public void u16(int value) {
        ensure(2);
        buffer[position++] = (byte) (value >>> 8);
        buffer[position++] = (byte) value;
    }

    public void i16(int value) {
        u16(value);
    }

    public void u32(long value) {
        i32((int) value);
    }

    public void i32(int value) {
        ensure(4);
        buffer[position++] = (byte) (value >>> 24);
        buffer[position++] = (byte) (value >>> 16);
        buffer[position++] = (byte) (value >>> 8);
        buffer[position++] = (byte) value;
    }

    public void u64(long value) {
        i32((int) (value >>> 32));
        i32((int) value);
    }

    public void i64(long value) {
        u64(value);
    }

    public void f64(double value) {
        u64(Double.doubleToRawLongBits(value));
    }

    public void bytes(ByteArray value) {
        byte[] bytes = value.array();
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, position, bytes.length);
        position += bytes.length;
    }

    public void fixedString(String value, int length) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > length) {
            throw new IllegalArgumentException("string of " + bytes.length + " UTF-8 bytes does not fit string["
                    + length + "]");
        }
        ensure(length);
        System.arraycopy(bytes, 0, buffer, position, bytes.length);
        Arrays.fill(buffer, position + bytes.length, position + length, (byte) 0);
        position += length;
    }

    public void variableString(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        i32(bytes.length);
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buffer, position, bytes.length);
        position += bytes.length;
    }

    private void ensure(int more) {
        if (position + more > buffer.length) {
            buffer = Arrays.copyOf(buffer, Math.max(buffer.length * 2, position + more));
        }
    }
}
