package dev.booster.vpp.api;

import dev.booster.vpp.api.codec.VppMessage;
import dev.booster.vpp.api.codec.VppMessageType;
import dev.booster.vpp.binapi.ControlPingReply;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * A request waiting for VPP's answers under its context: one reply, the details of a dump (ended by the reply to
 * the {@code control_ping} sent with the same context), or the details and reply of a cursor {@code *_get}. Only
 * the reader thread offers messages; the future completes once.
 */
abstract sealed class PendingCall<T> {

    final String request;
    final CompletableFuture<T> future = new CompletableFuture<>();

    PendingCall(String request) {
        this.request = request;
    }

    abstract void offer(VppMessageType<?> type, VppMessage message);

    void fail(Throwable cause) {
        future.completeExceptionally(cause);
    }

    final void unexpected(VppMessageType<?> type, String expected) {
        fail(new VppApiException("VPP answered " + request + " with " + type.nameWithCrc() + ", expected "
                + expected));
    }

    static final class Reply<R extends VppMessage> extends PendingCall<R> {
        private final VppMessageType<R> replyType;

        Reply(String request, VppMessageType<R> replyType) {
            super(request);
            this.replyType = replyType;
        }

        @Override
        void offer(VppMessageType<?> type, VppMessage message) {
            if (type.equals(replyType)) {
                future.complete(replyType.javaClass().cast(message));
            } else {
                unexpected(type, replyType.nameWithCrc());
            }
        }
    }

    static final class Dump<D extends VppMessage> extends PendingCall<List<D>> {
        private final VppMessageType<D> detailsType;
        private final List<D> details = new ArrayList<>();

        Dump(String request, VppMessageType<D> detailsType) {
            super(request);
            this.detailsType = detailsType;
        }

        @Override
        void offer(VppMessageType<?> type, VppMessage message) {
            if (type.equals(detailsType)) {
                details.add(detailsType.javaClass().cast(message));
            } else if (type.equals(ControlPingReply.TYPE)) {
                future.complete(List.copyOf(details));
            } else {
                unexpected(type, detailsType.nameWithCrc() + " or " + ControlPingReply.TYPE.nameWithCrc());
            }
        }
    }

    static final class Stream<R extends VppMessage, D extends VppMessage> extends PendingCall<VppStreamReply<R, D>> {
        private final VppMessageType<R> replyType;
        private final VppMessageType<D> detailsType;
        private final List<D> details = new ArrayList<>();

        Stream(String request, VppMessageType<R> replyType, VppMessageType<D> detailsType) {
            super(request);
            this.replyType = replyType;
            this.detailsType = detailsType;
        }

        @Override
        void offer(VppMessageType<?> type, VppMessage message) {
            if (type.equals(detailsType)) {
                details.add(detailsType.javaClass().cast(message));
            } else if (type.equals(replyType)) {
                future.complete(new VppStreamReply<>(details, replyType.javaClass().cast(message)));
            } else {
                unexpected(type, detailsType.nameWithCrc() + " or " + replyType.nameWithCrc());
            }
        }
    }
}
