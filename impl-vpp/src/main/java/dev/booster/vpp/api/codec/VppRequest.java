package dev.booster.vpp.api.codec;

/** A message VPP answers with one {@code R} carrying the same context. */
public interface VppRequest<R extends VppMessage> extends VppMessage {
    VppMessageType<R> replyType();
}
