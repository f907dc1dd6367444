package dev.booster.vpp.codegen;

import java.util.List;
import java.util.Optional;

/**
 * What VPP answers to a request: {@code reply} ({@code "null"} for none); with {@code stream} and no
 * {@code streamMessage} the reply is the details message of a dump; with {@code streamMessage}, details come first
 * and the reply ends them. {@code events}: what a {@code want_*} registration makes VPP send.
 */
record ApiService(String request, String reply, boolean stream, Optional<String> streamMessage, List<String> events) {
    ApiService {
        events = List.copyOf(events);
    }

    boolean hasReply() {
        return !"null".equals(reply);
    }
}
