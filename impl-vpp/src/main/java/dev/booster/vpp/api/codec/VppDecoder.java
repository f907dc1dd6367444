package dev.booster.vpp.api.codec;

/** Reads a value from its wire form (a generated record's static {@code decode}). */
@FunctionalInterface
public interface VppDecoder<T> {
    T decode(VppReader reader);
}
