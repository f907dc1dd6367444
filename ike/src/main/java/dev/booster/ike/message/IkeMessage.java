package dev.booster.ike.message;

import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/** A decoded IKE message: the header and its payloads (an SK payload still encrypted). */
public record IkeMessage(IkeHeader header, List<Payload> payloads) {
    public IkeMessage {
        payloads = List.copyOf(payloads);
    }

    public <T extends Payload> Optional<T> first(Class<T> type) {
        return first(payloads, type);
    }

    public static <T extends Payload> Optional<T> first(List<Payload> payloads, Class<T> type) {
        return payloads.stream().filter(type::isInstance).map(type::cast).findFirst();
    }

    public static <T extends Payload> List<T> all(List<Payload> payloads, Class<T> type) {
        return payloads.stream().filter(type::isInstance).map(type::cast).toList();
    }

    /** A short summary as strongSwan prints it, e.g. {@code [ SA KE No N(COOKIE) ]}: no payload contents. */
    public static String summary(List<Payload> payloads) {
        return payloads.stream().map(p -> p instanceof Payload.Notify n
                ? "N(" + NotifyType.name(n.notifyType()) + ")" : PayloadType.name(p.type())).collect(Collectors.joining(" ", "[ ", " ]"));
    }
}
