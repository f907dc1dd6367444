package dev.booster.memif;

import dev.booster.memif.ffi.Libc;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/** A hand-driven peer for tests: raw SOCK_SEQPACKET, any bytes it likes, so it can misbehave in every way. */
final class RawPeer implements AutoCloseable {
    private final int fd;
    private final int listenFd;

    private RawPeer(int fd, int listenFd) {
        this.fd = fd;
        this.listenFd = listenFd;
    }

    /** Connects to a master as a slave would. */
    static RawPeer connect(String path) {
        int fd = Libc.socket(Libc.SOCK_SEQPACKET | Libc.SOCK_CLOEXEC, "raw peer");
        Libc.connect(fd, path);
        return new RawPeer(fd, -1);
    }

    /** Listens as a master would and waits for the slave (up to {@code timeout}). */
    static RawPeer acceptOne(String path, Duration timeout) {
        int listen = Libc.socket(Libc.SOCK_SEQPACKET | Libc.SOCK_NONBLOCK | Libc.SOCK_CLOEXEC, "raw master");
        Libc.bind(listen, path);
        Libc.listen(listen, 1, path);
        if (!readable(listen, timeout)) {
            Libc.close(listen);
            throw new AssertionError("no slave connected to " + path + " within " + timeout);
        }
        return new RawPeer(Libc.accept(listen, path), listen);
    }

    void send(byte[] bytes) {
        Libc.sendmsg(fd, bytes, -1, "raw peer");
    }

    void send(MemifMessage message) {
        send(MessageCodec.encode(message));
    }

    void send(MemifMessage message, int passFd) {
        Libc.sendmsg(fd, MessageCodec.encode(message), passFd, "raw peer");
    }

    /** The next message (its descriptors closed), or null when the other side closed the connection. */
    MemifMessage receive(Duration timeout) {
        if (!readable(fd, timeout)) throw new AssertionError("no message within " + timeout);
        byte[] buffer = new byte[MemifProtocol.MESSAGE_SIZE];
        Libc.Received received = Libc.recvmsg(fd, buffer, "raw peer");
        for (int passed : received.fds()) Libc.close(passed);
        if (received.bytes() == 0) return null;
        return MessageCodec.decode(buffer, received.bytes());
    }

    /** Receives until the other side closes; returns the DISCONNECT it sent on the way out. */
    MemifMessage.Disconnect expectDisconnect(Duration timeout) {
        MemifMessage message = receive(timeout);
        if (!(message instanceof MemifMessage.Disconnect disconnect)) throw new AssertionError("expected DISCONNECT, got " + message);
        if (receive(timeout) != null) throw new AssertionError("the connection stayed open after DISCONNECT");
        return disconnect;
    }

    private static boolean readable(int fd, Duration timeout) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment pollFd = arena.allocate(Libc.POLLFD);
            pollFd.set(JAVA_INT, 0, fd);
            pollFd.set(JAVA_SHORT, Libc.POLLFD_EVENTS, Libc.POLLIN);
            return Libc.poll(pollFd, 1, (int) timeout.toMillis()) > 0;
        }
    }

    @Override
    public void close() {
        Libc.close(fd);
        if (listenFd >= 0) Libc.close(listenFd);
    }
}
