package dev.booster.memif;

import java.util.List;

/**
 * One side of the connection handshake, as a state machine over received messages: no sockets, no threads, so it
 * can be driven by tests message by message. A refusal is a {@link MemifProtocolException} whose message is the
 * reason to send in DISCONNECT; whatever was gathered until then is released by {@link #close}.
 */
interface Handshake extends AutoCloseable {

    /** A message to send, with a descriptor to pass along ({@code -1} for none; the handshake keeps owning it). */
    record Outgoing(MemifMessage message, int fd) {
        static Outgoing of(MemifMessage message) {
            return new Outgoing(message, -1);
        }
    }

    /** What to do after a message: send these, and, once established, take the connection parts. */
    record Step(List<Outgoing> replies, boolean established) {
        static Step reply(Outgoing... replies) {
            return new Step(List.of(replies), false);
        }

        static Step done(Outgoing... replies) {
            return new Step(List.of(replies), true);
        }
    }

    /** What this side sends first, before hearing anything (HELLO for a master, nothing for a slave). */
    List<Outgoing> opening();

    /**
     * Handles one message (never DISCONNECT: the caller handles that in any state). {@code fds} holds the
     * descriptors that came with it; the handshake takes those it uses, the caller closes the rest.
     */
    Step onMessage(MemifMessage message, ReceivedFds fds);

    /** Once established: the regions and rings, now the caller's. */
    ConnectionParts parts();

    /** The name the peer gave (its application name, or its interface name once connected). */
    String peerName();

    /** Releases whatever was gathered unless a connection took it over. */
    @Override
    void close();
}
