package dev.booster.vpp.api.codec;

/** A decoded message with the header it came with. */
public record VppDecoded<T extends VppMessage>(VppMessageHeader header, T message) {
}
