package dev.booster.vpp.api.codec;

/** A {@code *_get} with a cursor: VPP answers with any number of {@code D}, then one {@code R} that ends the stream. */
public interface VppStreamRequest<R extends VppMessage, D extends VppMessage> extends VppRequest<R> {
    VppMessageType<D> detailsType();
}
