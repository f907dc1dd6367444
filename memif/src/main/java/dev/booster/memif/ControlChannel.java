package dev.booster.memif;

import dev.booster.memif.ffi.Libc;

/**
 * The control connection to one peer: a connected SOCK_SEQPACKET socket carrying one 128-byte message per packet,
 * memfds and eventfds riding along as SCM_RIGHTS.
 */
final class ControlChannel implements AutoCloseable {
    /** A received message with its descriptors, or the peer's end of the connection ({@code message == null}). */
    record Incoming(MemifMessage message, ReceivedFds fds) {
        boolean peerClosed() {
            return message == null;
        }
    }

    private final int fd;
    private final String what;
    private final byte[] buffer = new byte[MemifProtocol.MESSAGE_SIZE];
    private boolean closed;

    ControlChannel(int fd, String what) {
        this.fd = fd;
        this.what = what;
    }

    int fd() {
        return fd;
    }

    void send(Handshake.Outgoing outgoing) {
        long sent = Libc.sendmsg(fd, MessageCodec.encode(outgoing.message()), outgoing.fd(), what);
        if (sent != MemifProtocol.MESSAGE_SIZE) {
            throw new MemifException("sendmsg(" + what + ") sent " + sent + " of " + MemifProtocol.MESSAGE_SIZE + " bytes");
        }
    }

    /**
     * The next message, or null when none is waiting. A message that is not a valid memif message is refused with
     * a {@link MemifProtocolException} (its descriptors closed).
     */
    Incoming receive() {
        Libc.Received received = Libc.recvmsg(fd, buffer, what);
        if (received == null) return null;
        ReceivedFds fds = new ReceivedFds(received.fds());
        if (received.bytes() == 0 && fds.count() == 0) return new Incoming(null, fds);
        try {
            if ((received.flags() & Libc.MSG_CTRUNC) != 0) throw new MemifProtocolException("too many descriptors came with a message");
            if ((received.flags() & Libc.MSG_TRUNC) != 0) {
                throw new MemifProtocolException("message is longer than " + MemifProtocol.MESSAGE_SIZE + " bytes");
            }
            return new Incoming(MessageCodec.decode(buffer, received.bytes()), fds);
        } catch (RuntimeException e) {
            fds.close();
            throw e;
        }
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        Connection.closeQuietly(fd);
    }
}
