package dev.booster.vpp.api.codec;

/**
 * A {@code *_dump}: VPP answers with any number of {@code D} and no end marker, so the client follows it with a
 * {@code control_ping} whose reply ends the stream.
 */
public interface VppDumpRequest<D extends VppMessage> extends VppMessage {
    VppMessageType<D> detailsType();
}
