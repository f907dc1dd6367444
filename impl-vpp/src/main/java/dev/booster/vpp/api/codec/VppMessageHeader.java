package dev.booster.vpp.api.codec;

/** The header values of one message on the wire (0 for a field its {@link VppHeader} does not have). */
public record VppMessageHeader(int messageId, int clientIndex, int context) {
}
