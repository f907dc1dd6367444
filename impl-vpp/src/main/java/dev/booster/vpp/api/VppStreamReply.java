package dev.booster.vpp.api;

import dev.booster.vpp.api.codec.VppMessage;

import java.util.List;

/** What a cursor-style {@code *_get} brought back: the details, then the reply that ended them. */
public record VppStreamReply<R extends VppMessage, D extends VppMessage>(List<D> details, R reply) {
    public VppStreamReply {
        details = List.copyOf(details);
    }
}
