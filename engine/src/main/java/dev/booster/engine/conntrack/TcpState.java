package dev.booster.engine.conntrack;

/**
 * The small TCP state machine {@link Conntrack} uses to choose a flow's timeout. It follows flags only (no sequence
 * or window tracking) and is lenient like Linux with {@code nf_conntrack_tcp_loose}: a flow first seen mid-stream
 * (an ACK with no handshake seen) counts as established.
 */
final class TcpState {
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int ACK = 0x10;

    /** Created, no TCP flags seen yet. */
    static final int NONE = 0;
    static final int SYN_SENT = 1;
    static final int SYN_RECEIVED = 2;
    static final int ESTABLISHED = 3;
    /** A FIN was seen in either direction. */
    static final int CLOSING = 4;
    /** An RST was seen. */
    static final int CLOSED = 5;

    private TcpState() {
    }

    static int next(int state, int flags) {
        if ((flags & RST) != 0) {
            return CLOSED;
        }
        if ((flags & FIN) != 0) {
            return state == CLOSED ? CLOSED : CLOSING;
        }
        if ((flags & SYN) != 0) {
            if ((flags & ACK) != 0) {
                return state == NONE || state == SYN_SENT ? SYN_RECEIVED : state;
            }
            // A new SYN on a closing or reset 4-tuple is the port being reused for a new connection.
            return state == NONE || state == CLOSING || state == CLOSED ? SYN_SENT : state;
        }
        if ((flags & ACK) != 0) {
            return state == NONE || state == SYN_RECEIVED ? ESTABLISHED : state;
        }
        return state;
    }
}
