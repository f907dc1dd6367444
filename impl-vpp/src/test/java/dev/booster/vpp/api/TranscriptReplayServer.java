package dev.booster.vpp.api;

import dev.booster.vpp.api.codec.VppMessageHeader;
import dev.booster.vpp.api.codec.VppMessageType;
import dev.booster.vpp.binapi.MemclntKeepalive;
import dev.booster.vpp.binapi.MessageTableEntry;
import dev.booster.vpp.binapi.SockclntCreateReply;
import dev.booster.vpp.binapi.VppBinapi;

import java.io.EOFException;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A stand-in for VPP on a Unix socket, since no VPP runs where the tests do: it replays a recorded VPP transcript.
 * It expects the client's requests in the order of its script, byte for byte as the recorded client sent them
 * (only the context may differ), and answers each exchange with the recorded VPP frames, their context replaced by
 * the client's. Anything else is noted in {@link #mismatches()} and left unanswered. It can also send a
 * {@code memclnt_keepalive}, edit the handshake's message table (to play another VPP version) and drop the
 * connection (to play a VPP restart).
 */
public final class TranscriptReplayServer implements AutoCloseable {

    /**
     * Requests the client must send (byte for byte when {@code exact}, else only the same messages), then the frames
     * VPP answered with.
     */
    public record Exchange(String name, List<VppTranscript.Frame> requests, List<VppTranscript.Frame> answers,
                    boolean exact) {

        /** The same exchange accepting other field values (e.g. another client name in the handshake). */
        public Exchange anyFieldValues() {
            return new Exchange(name, requests, answers, false);
        }
    }

    private static final int HEADER_SIZE = 16;

    private final Path socket;
    private final ServerSocketChannel server;
    private final Deque<Exchange> script;
    private final Map<Integer, VppMessageType<?>> typesById = new HashMap<>();
    private final Map<String, Integer> idsByName = new HashMap<>();
    private final byte[] handshakeReply;
    private final List<String> mismatches = Collections.synchronizedList(new ArrayList<>());
    private final BlockingQueue<byte[]> keepaliveReplies = new LinkedBlockingQueue<>();
    private final Thread thread;
    private volatile SocketChannel client;

    private TranscriptReplayServer(Path socket, VppTranscript transcript, UnaryOperator<List<MessageTableEntry>> tableEdit,
                                   List<Exchange> script) throws IOException {
        this.socket = socket;
        this.script = new ArrayDeque<>(script);
        VppTranscript.Frame recordedReply = transcript.frame(1);
        SockclntCreateReply reply = SockclntCreateReply.TYPE.decode(recordedReply.body()).message();
        Map<String, VppMessageType<?>> known = new HashMap<>();
        VppBinapi.messages().forEach(type -> known.put(type.nameWithCrc(), type));
        for (MessageTableEntry entry : reply.messageTable()) {
            idsByName.put(entry.name(), entry.index());
            if (known.containsKey(entry.name())) {
                typesById.put(entry.index(), known.get(entry.name()));
            }
        }
        SockclntCreateReply edited = new SockclntCreateReply(reply.response(), reply.index(),
                tableEdit.apply(reply.messageTable()));
        this.handshakeReply = SockclntCreateReply.TYPE.encode(edited,
                SockclntCreateReply.TYPE.decode(recordedReply.body()).header());
        this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        this.thread = Thread.ofPlatform().daemon().name("transcript-replay-server").start(this::serve);
    }

    public static TranscriptReplayServer start(Path directory, VppTranscript transcript, List<Exchange> script) {
        return start(directory, transcript, UnaryOperator.identity(), script);
    }

    public static TranscriptReplayServer start(Path directory, VppTranscript transcript,
                                        UnaryOperator<List<MessageTableEntry>> tableEdit, List<Exchange> script) {
        try {
            return new TranscriptReplayServer(directory.resolve("api.sock"), transcript, tableEdit, script);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the replay server in " + directory, e);
        }
    }

    /** The frames of a recorded step, e.g. {@code show_version}. */
    public static Exchange step(VppTranscript transcript, String name) {
        VppTranscript.Step step = transcript.step(name);
        return frames(transcript, name, step.start(), step.end());
    }

    /** The recorded sockclnt_delete and its reply, which no step of the transcript names. */
    public static Exchange goodbye(VppTranscript transcript) {
        return frames(transcript, "sockclnt_delete", 73, 75);
    }

    public static Exchange frames(VppTranscript transcript, String name, int start, int end) {
        List<VppTranscript.Frame> frames = transcript.frames().subList(start, end);
        return new Exchange(name, frames.stream().filter(VppTranscript.Frame::fromClient).toList(),
                frames.stream().filter(f -> !f.fromClient()).toList(), true);
    }

    public Path socket() {
        return socket;
    }

    public List<String> mismatches() {
        return List.copyOf(mismatches);
    }

    /** Whether every exchange of the script took place. */
    public boolean scriptDone() {
        synchronized (script) {
            return script.isEmpty();
        }
    }

    /** Sends VPP's {@code memclnt_keepalive} as VPP does, under {@code context}. */
    public void sendKeepalive(int context) throws IOException {
        int id = idsByName.get(MemclntKeepalive.TYPE.nameWithCrc());
        write(MemclntKeepalive.TYPE.encode(new MemclntKeepalive(), new VppMessageHeader(id, 0, context)));
    }

    /** The next {@code memclnt_keepalive_reply} body the client sent, or null after {@code timeout}. */
    public byte[] awaitKeepaliveReply(Duration timeout) throws InterruptedException {
        return keepaliveReplies.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public int idOf(VppMessageType<?> type) {
        return idsByName.get(type.nameWithCrc());
    }

    /** Closes the client's connection, as a VPP that stops does. */
    public void disconnect() throws IOException {
        SocketChannel current = client;
        if (current != null) {
            current.close();
        }
    }

    @Override
    public void close() throws IOException {
        disconnect();
        server.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(socket);
    }

    private void serve() {
        try {
            client = server.accept();
            Exchange current = null;
            int received = 0;
            int context = 0;
            while (true) {
                byte[] body = read(client);
                VppMessageType<?> type = typesById.get(((body[0] & 0xff) << 8) | (body[1] & 0xff));
                if (type != null && type.name().equals("memclnt_keepalive_reply")) {
                    keepaliveReplies.add(body);
                    continue;
                }
                if (current == null) {
                    synchronized (script) {
                        current = script.peek();
                    }
                    received = 0;
                }
                if (current == null || received >= current.requests().size()) {
                    mismatches.add("unexpected request " + describe(type, body) + " after the script ended");
                    continue;
                }
                VppTranscript.Frame expected = current.requests().get(received);
                VppMessageType<?> expectedType = typesById.get(expected.messageId());
                int actualContext = expectedType.contextOf(body);
                byte[] expectedBody = withContext(expectedType, expected.body(), actualContext);
                boolean matches = current.exact() ? Arrays.equals(expectedBody, body) : expectedType.equals(type);
                if (!matches) {
                    mismatches.add(current.name() + ": expected " + HexFormat.of().formatHex(expectedBody)
                            + " (" + expected.nameWithCrc() + "), got " + describe(type, body));
                    continue;
                }
                if (received++ == 0) {
                    context = actualContext;
                }
                if (received == current.requests().size()) {
                    // Done before answering: a client that got the answer must see the exchange as done.
                    synchronized (script) {
                        script.poll();
                    }
                    for (VppTranscript.Frame answer : current.answers()) {
                        byte[] recorded = answer.index() == 1 ? handshakeReply : answer.body();
                        write(withContext(typesById.get(answer.messageId()), recorded, context));
                    }
                    current = null;
                }
            }
        } catch (IOException e) {
            // The client or the test closed the connection: the replay is over.
        }
    }

    private static String describe(VppMessageType<?> type, byte[] body) {
        return (type == null ? "unknown message" : type.nameWithCrc()) + " " + HexFormat.of().formatHex(body);
    }

    /** {@code body} with its context (if its type has one) set to {@code context}. */
    private static byte[] withContext(VppMessageType<?> type, byte[] body, int context) {
        int offset = type == null ? -1 : type.header().contextOffset();
        if (offset < 0) {
            return body;
        }
        byte[] copy = body.clone();
        ByteBuffer.wrap(copy).putInt(offset, context);
        return copy;
    }

    private void write(byte[] body) throws IOException {
        ByteBuffer frame = ByteBuffer.allocate(HEADER_SIZE + body.length);
        frame.putLong(0).putInt(body.length).putInt(0).put(body).flip();
        synchronized (this) {
            while (frame.hasRemaining()) {
                client.write(frame);
            }
        }
    }

    private static byte[] read(SocketChannel channel) throws IOException {
        ByteBuffer header = ByteBuffer.allocate(HEADER_SIZE);
        readFully(channel, header);
        ByteBuffer body = ByteBuffer.allocate(header.getInt(8));
        readFully(channel, body);
        return body.array();
    }

    private static void readFully(SocketChannel channel, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            if (channel.read(buffer) < 0) {
                throw new EOFException();
            }
        }
    }
}
