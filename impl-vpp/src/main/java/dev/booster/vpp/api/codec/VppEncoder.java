package dev.booster.vpp.api.codec;

/** Writes a value's wire form (a generated record's static {@code encode}). */
@FunctionalInterface
public interface VppEncoder<T> {
    void encode(T value, VppWriter writer);
}
