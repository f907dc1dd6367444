package dev.booster.vpp.api;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/**
 * VPP's API socket framing: every message is preceded by 16 bytes, VPP's {@code msgbuf_t} header: 8 bytes of a
 * queue pointer meaningless over a socket (zero), the big-endian body length, and a 4-byte GC timestamp (zero).
 * Writes are serialised (callers and the reader's keepalive answers share the socket); reads come from one thread.
 */
final class VppSocketTransport implements AutoCloseable {

    static final int HEADER_SIZE = 16;
    private static final int LENGTH_OFFSET = 8;
    /** VPP's biggest messages (the handshake's table, get_api_json) are a few MB; more means a corrupt stream. */
    private static final int MAX_BODY = 64 << 20;

    private final SocketChannel channel;
    private final Path socket;
    private final Object writeLock = new Object();
    private final ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);

    private VppSocketTransport(SocketChannel channel, Path socket) {
        this.channel = channel;
        this.socket = socket;
    }

    static VppSocketTransport connect(Path socket) {
        SocketChannel channel = null;
        try {
            channel = SocketChannel.open(StandardProtocolFamily.UNIX);
            channel.connect(UnixDomainSocketAddress.of(socket));
            return new VppSocketTransport(channel, socket);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new VppApiException("cannot connect to VPP's API socket " + socket + ": " + e.getMessage()
                    + ". Is VPP running with 'socksvr { socket-name " + socket + " }' in its startup.conf, and may"
                    + " this user open the socket?", e);
        }
    }

    Path socket() {
        return socket;
    }

    void write(byte[] body) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(HEADER_SIZE + body.length);
        frame.putLong(0).putInt(body.length).putInt(0).put(body).flip();
        synchronized (writeLock) {
            while (frame.hasRemaining()) {
                channel.write(frame);
            }
        }
    }

    /** The next message body; {@link EOFException} when VPP closed the socket. */
    byte[] read() throws IOException {
        header.clear();
        readFully(header);
        int length = header.getInt(LENGTH_OFFSET);
        if (length < 2 || length > MAX_BODY) {
            throw new IOException("VPP sent a frame header announcing " + Integer.toUnsignedString(length)
                    + " bytes: the stream is corrupt");
        }
        ByteBuffer body = ByteBuffer.allocate(length);
        readFully(body);
        return body.array();
    }

    private void readFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException("VPP closed the API socket " + socket);
            }
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(SocketChannel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // Closing is all that is left to do with this socket.
            }
        }
    }
}
