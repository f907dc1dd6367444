package dev.booster.vpp.api;

import dev.booster.vpp.api.codec.VppDecoded;
import dev.booster.vpp.api.codec.VppDumpRequest;
import dev.booster.vpp.api.codec.VppMessage;
import dev.booster.vpp.api.codec.VppMessageHeader;
import dev.booster.vpp.api.codec.VppMessageType;
import dev.booster.vpp.api.codec.VppRequest;
import dev.booster.vpp.binapi.AclAddReplace;
import dev.booster.vpp.binapi.AclAddReplaceReply;
import dev.booster.vpp.binapi.AfPacketCreateV3;
import dev.booster.vpp.binapi.AfPacketCreateV3Reply;
import dev.booster.vpp.binapi.AfPacketDelete;
import dev.booster.vpp.binapi.AfPacketDeleteReply;
import dev.booster.vpp.binapi.DeleteLoopback;
import dev.booster.vpp.binapi.DeleteLoopbackReply;
import dev.booster.vpp.binapi.MemifDelete;
import dev.booster.vpp.binapi.MemifDeleteReply;
import dev.booster.vpp.binapi.SwInterfaceDetails;
import dev.booster.vpp.binapi.SwInterfaceDump;
import dev.booster.vpp.binapi.TapDeleteV2;
import dev.booster.vpp.binapi.TapDeleteV2Reply;
import dev.booster.vpp.binapi.CliInband;
import dev.booster.vpp.binapi.CliInbandReply;
import dev.booster.vpp.binapi.ControlPing;
import dev.booster.vpp.binapi.ControlPingReply;
import dev.booster.vpp.binapi.CreateLoopbackInstance;
import dev.booster.vpp.binapi.CreateLoopbackInstanceReply;
import dev.booster.vpp.binapi.MemclntKeepaliveReply;
import dev.booster.vpp.binapi.MemifCreateV2;
import dev.booster.vpp.binapi.MemifCreateV2Reply;
import dev.booster.vpp.binapi.MemifSocketFilenameAddDelV2;
import dev.booster.vpp.binapi.MemifSocketFilenameAddDelV2Reply;
import dev.booster.vpp.binapi.MessageTableEntry;
import dev.booster.vpp.binapi.SockclntCreate;
import dev.booster.vpp.binapi.SockclntCreateReply;
import dev.booster.vpp.binapi.SockclntDelete;
import dev.booster.vpp.binapi.SockclntDeleteReply;
import dev.booster.vpp.binapi.TapCreateV3;
import dev.booster.vpp.binapi.TapCreateV3Reply;
import dev.booster.vpp.binapi.VppBinapi;

import java.io.EOFException;
import java.io.IOException;
import java.lang.reflect.RecordComponent;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A scripted, in-process stand-in for VPP on a Unix socket, since no VPP runs where the tests do. It speaks the
 * socket API (framing, {@code sockclnt_create} with a message table numbering every generated message, contexts,
 * dumps ended by {@code control_ping}), decodes every request into its record (so tests compare the exact messages
 * and fields the backend sent), and answers as VPP does for what the backend uses: new interfaces get the next
 * sw_if_index, new ACLs and memif sockets the next index, {@code cli_inband "show interface"} prints VPP's table
 * with the counters a test set, {@code sw_interface_dump} lists the interfaces made and not deleted, deleting an
 * interface that is not there fails as VPP does (-2), anything else gets its reply with retval 0. A test can make the next request of a kind
 * fail with a retval (e.g. -11 for a tap without /dev/vhost-net), and stop and restart the server as a VPP restart
 * does: the connection drops and the new VPP has none of the old one's objects.
 */
public final class FakeVppServer implements AutoCloseable {

    private static final int HEADER_SIZE = 16;
    /** The client's own housekeeping, left out of {@link #requests()}. */
    private static final Set<String> HOUSEKEEPING = Set.of(SockclntCreate.TYPE.name(), SockclntDelete.TYPE.name(),
            ControlPing.TYPE.name(), MemclntKeepaliveReply.TYPE.name());

    private final Path socket;
    private final Map<Integer, VppMessageType<?>> typesById = new HashMap<>();
    private final Map<VppMessageType<?>, Integer> idsByType = new HashMap<>();
    private final List<MessageTableEntry> table = new ArrayList<>();
    private final List<VppMessage> requests = java.util.Collections.synchronizedList(new ArrayList<>());
    private final List<String> problems = java.util.Collections.synchronizedList(new ArrayList<>());
    private final Map<String, Integer> refusals = new ConcurrentHashMap<>();
    private final Map<Integer, Map<String, Long>> counters = new ConcurrentHashMap<>();
    /** {@code show errors}' lines: "node\treason\tseverity" to count, in the order set. */
    private final Map<String, Long> errors = java.util.Collections.synchronizedMap(new java.util.LinkedHashMap<>());
    private final Map<Integer, String> interfaceNames = new TreeMap<>();
    private volatile ServerSocketChannel server;
    private volatile SocketChannel client;
    private Thread thread;
    private int nextSwIfIndex;
    private long nextAclIndex;
    private long nextMemifSocketId;
    /** cnat translations by what VPP keys them by (VIP address, port, protocol), as their ids. */
    private final Map<List<Object>, Long> cnatTranslations = new java.util.HashMap<>();
    private long nextCnatTranslationId;
    private int connections;

    private FakeVppServer(Path socket, java.util.function.Predicate<VppMessageType<?>> offered) {
        this.socket = socket;
        int next = 1;
        for (VppMessageType<?> type : VppBinapi.messages()) {
            int assigned;
            if (type.equals(SockclntCreate.TYPE)) {
                assigned = VppApiClient.SOCKCLNT_CREATE_ID;
            } else if (type.equals(SockclntCreateReply.TYPE)) {
                assigned = VppApiClient.SOCKCLNT_CREATE_REPLY_ID;
            } else {
                if (next == VppApiClient.SOCKCLNT_CREATE_ID) next = VppApiClient.SOCKCLNT_CREATE_REPLY_ID + 1;
                assigned = next++;
            }
            typesById.put(assigned, type);
            idsByType.put(type, assigned);
            if (offered.test(type)) table.add(new MessageTableEntry(assigned, type.nameWithCrc()));
        }
    }

    /** A fake VPP listening on {@code directory/api.sock}. */
    public static FakeVppServer start(Path directory) {
        return start(directory, type -> true);
    }

    /** A fake VPP whose table lists only the messages {@code offered} accepts (a plugin not loaded, another version). */
    public static FakeVppServer start(Path directory, java.util.function.Predicate<VppMessageType<?>> offered) {
        FakeVppServer fake = new FakeVppServer(directory.resolve("api.sock"), offered);
        fake.listen();
        return fake;
    }

    public Path socket() {
        return socket;
    }

    /** Every request the client sent (decoded), in order, except the handshake, goodbye, control_ping and keepalive. */
    public List<VppMessage> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** What the fake could not make sense of (it then drops the connection); empty when all went well. */
    public List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    public void clearRequests() {
        requests.clear();
    }

    /** The next request of {@code type} is answered with {@code retval} (and its other fields zero). */
    public void refuseNext(VppMessageType<?> type, int retval) {
        refusals.put(type.name(), retval);
    }

    /** Sets a counter {@code show interface} prints for {@code swIfIndex} ("rx packets", "tx bytes", "drops"...). */
    public void setCounter(int swIfIndex, String counter, long value) {
        counters.computeIfAbsent(swIfIndex, i -> new ConcurrentHashMap<>()).put(counter, value);
    }

    /** Sets an error counter {@code show errors} prints: {@code node} counted {@code reason} {@code count} times. */
    public void setError(String node, String reason, String severity, long count) {
        errors.put(node + "\t" + reason + "\t" + severity, count);
    }

    /** Sends {@code event} (a message without context, e.g. {@code sw_interface_event}) to the connected client. */
    public <E extends VppMessage> void sendEvent(VppMessageType<E> type, E event) throws IOException {
        byte[] body = type.encode(event, new VppMessageHeader(idsByType.get(type), 1, 0));
        ByteBuffer frame = ByteBuffer.allocate(HEADER_SIZE + body.length);
        frame.putLong(0).putInt(body.length).putInt(0).put(body).flip();
        synchronized (this) {
            while (frame.hasRemaining()) client.write(frame);
        }
    }

    /** How many clients have connected so far. */
    /** How many cnat translations VPP has now. */
    public synchronized int cnatTranslations() {
        return cnatTranslations.size();
    }

    public synchronized int connections() {
        return connections;
    }

    /** Stops as VPP does: the client's connection drops and the socket goes away. */
    public void stop() throws IOException {
        ServerSocketChannel listening = server;
        if (listening != null) listening.close();
        SocketChannel current = client;
        if (current != null) current.close();
        try {
            if (thread != null) thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Files.deleteIfExists(socket);
    }

    /** Starts again after {@link #stop}, as a restarted VPP: no interface, ACL or memif socket of the old one. */
    public void restart() {
        listen();
    }

    @Override
    public void close() throws IOException {
        stop();
    }

    private synchronized void listen() {
        nextSwIfIndex = 1; // 0 is local0
        nextAclIndex = 0;
        nextMemifSocketId = 1; // 0 is VPP's default socket
        cnatTranslations.clear();
        nextCnatTranslationId = 0;
        interfaceNames.clear();
        interfaceNames.put(0, "local0");
        counters.clear();
        errors.clear();
        try {
            ServerSocketChannel channel = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
            channel.bind(UnixDomainSocketAddress.of(socket));
            server = channel;
        } catch (IOException e) {
            throw new IllegalStateException("cannot listen on " + socket, e);
        }
        thread = Thread.ofPlatform().daemon().name("fake-vpp").start(this::serve);
    }

    private void serve() {
        try {
            while (true) {
                SocketChannel accepted = server.accept();
                synchronized (this) {
                    connections++;
                }
                client = accepted;
                try {
                    while (true) handle(read(accepted));
                } catch (IOException clientLeft) {
                    accepted.close();
                } catch (RuntimeException e) {
                    problems.add(e.toString());
                    accepted.close();
                }
            }
        } catch (IOException stopped) {
            // stop(): the server socket is closed
        }
    }

    private void handle(byte[] body) throws IOException {
        int id = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
        VppMessageType<?> type = typesById.get(id);
        if (type == null) throw new IllegalStateException("the client sent unknown message id " + id);
        VppDecoded<?> decoded = type.decode(body);
        VppMessage message = decoded.message();
        int context = decoded.header().context();
        if (!HOUSEKEEPING.contains(type.name())) requests.add(message);
        if (message instanceof MemclntKeepaliveReply) return;
        if (message instanceof VppDumpRequest<?> dump) {
            for (VppMessage details : details(message)) send(dump.detailsType(), details, context);
            return;
        }
        if (message instanceof VppRequest<?> request) {
            send(request.replyType(), reply(type, request), context);
        }
    }

    private synchronized VppMessage reply(VppMessageType<?> type, VppRequest<?> request) {
        Integer refusal = refusals.remove(type.name());
        if (refusal != null) return defaults(request.replyType(), refusal);
        return switch (request) {
            case SockclntCreate _ -> new SockclntCreateReply(0, 1, table);
            case SockclntDelete _ -> new SockclntDeleteReply(0);
            case ControlPing _ -> new ControlPingReply(0, 1, 4242);
            case AfPacketCreateV3 create -> new AfPacketCreateV3Reply(0, newInterface("host-" + create.hostIfName()));
            case TapCreateV3 create -> new TapCreateV3Reply(0, newInterface("tap" + create.id()));
            case MemifCreateV2 create -> new MemifCreateV2Reply(0, newInterface("memif" + create.socketId() + "/"
                    + create.id()));
            case CreateLoopbackInstance _ -> new CreateLoopbackInstanceReply(0, newInterface("loop" + nextSwIfIndex));
            case MemifSocketFilenameAddDelV2 add when add.isAdd() ->
                    new MemifSocketFilenameAddDelV2Reply(0, nextMemifSocketId++);
            case AclAddReplace add -> new AclAddReplaceReply(add.aclIndex() == 0xffff_ffffL ? nextAclIndex++
                    : add.aclIndex(), 0);
            case CliInband cli when cli.cmd().equals("show interface") -> new CliInbandReply(0, showInterface());
            case CliInband cli when cli.cmd().equals("show errors") -> new CliInbandReply(0, showErrors());
            case DeleteLoopback delete -> forget(delete.swIfIndex(), DeleteLoopbackReply.TYPE);
            case AfPacketDelete delete -> forget(interfaceNames.entrySet().stream()
                    .filter(e -> e.getValue().equals("host-" + delete.hostIfName())).mapToLong(Map.Entry::getKey)
                    .findFirst().orElse(-1), AfPacketDeleteReply.TYPE);
            case TapDeleteV2 delete -> forget(delete.swIfIndex(), TapDeleteV2Reply.TYPE);
            case MemifDelete delete -> forget(delete.swIfIndex(), MemifDeleteReply.TYPE);
            case dev.booster.vpp.binapi.IpipAddTunnel _ ->
                    new dev.booster.vpp.binapi.IpipAddTunnelReply(0, newInterface("ipip" + nextSwIfIndex));
            case dev.booster.vpp.binapi.IpipDelTunnel delete ->
                    forget(delete.swIfIndex(), dev.booster.vpp.binapi.IpipDelTunnelReply.TYPE);
            // As VPP: a translation for a VIP and protocol it has is updated in place and keeps its id.
            case dev.booster.vpp.binapi.CnatTranslationUpdate update -> new dev.booster.vpp.binapi.CnatTranslationUpdateReply(0,
                    cnatTranslations.computeIfAbsent(List.of(update.translation().vip().addr(),
                            update.translation().vip().port(), update.translation().ipProto()),
                            vip -> nextCnatTranslationId++));
            case dev.booster.vpp.binapi.CnatTranslationDel delete -> defaults(
                    dev.booster.vpp.binapi.CnatTranslationDelReply.TYPE,
                    cnatTranslations.values().remove(delete.id()) ? 0 : -6); // VNET_API_ERROR_NO_SUCH_ENTRY
            default -> defaults(request.replyType(), 0);
        };
    }

    /** {@code sw_interface_dump}: the interfaces made so far (index and name); other dumps: nothing. */
    private synchronized List<VppMessage> details(VppMessage dump) {
        if (!(dump instanceof SwInterfaceDump)) return List.of();
        List<VppMessage> details = new ArrayList<>();
        interfaceNames.forEach((index, name) -> details.add(SwInterfaceDetails.builder().swIfIndex(index)
                .interfaceName(name).build()));
        return details;
    }

    /** Deletes interface {@code swIfIndex}; VPP's "invalid sw_if_index" (-2) when there is none. */
    private VppMessage forget(long swIfIndex, VppMessageType<?> replyType) {
        return defaults(replyType, interfaceNames.remove((int) swIfIndex) == null ? -2 : 0);
    }

    private long newInterface(String name) {
        int index = nextSwIfIndex++;
        interfaceNames.put(index, name);
        return index;
    }

    /** VPP's {@code show interface} table for the interfaces made so far and the counters a test set. */
    private String showInterface() {
        StringBuilder out = new StringBuilder(String.format("%31s%12s%8s%26s%12s%15s%n", "Name", "Idx", "State",
                "MTU (L3/IP4/IP6/MPLS)", "Counter", "Count"));
        for (Map.Entry<Integer, String> e : interfaceNames.entrySet()) {
            Map<String, Long> mine = counters.getOrDefault(e.getKey(), Map.of());
            List<String> lines = new ArrayList<>();
            for (String counter : List.of("rx packets", "rx bytes", "tx packets", "tx bytes", "drops", "ip4", "ip6")) {
                Long value = mine.get(counter);
                if (value != null) lines.add(String.format("%-16s%16d", counter, value));
            }
            out.append(String.format("%-32s%3d%8s%20s%7s", e.getKey() == 0 ? "local0" : e.getValue(), e.getKey(),
                    e.getKey() == 0 ? "down" : "up", e.getKey() == 0 ? "0/0/0/0" : "9000/0/0/0", ""));
            out.append(lines.isEmpty() ? "" : lines.getFirst()).append('\n');
            for (String line : lines.subList(Math.min(1, lines.size()), lines.size())) {
                out.append(" ".repeat(70)).append(line).append('\n');
            }
        }
        return out.toString();
    }

    /** VPP's {@code show errors} table (as v26.06 prints it) of the counters a test set. */
    private String showErrors() {
        StringBuilder out = new StringBuilder(String.format("%8s%19s%30s%21s %n", "Count", "Node", "Reason", "Severity"));
        synchronized (errors) {
            errors.forEach((key, count) -> {
                String[] parts = key.split("\t");
                out.append(String.format("%10d %24s %32s %14s  %n", count, parts[0], parts[1], parts[2]));
            });
        }
        return out.toString();
    }

    /** A reply of {@code type} with {@code retval} and every other field zero, empty or false. */
    private static VppMessage defaults(VppMessageType<?> type, int retval) {
        RecordComponent[] components = type.javaClass().getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] classes = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            Class<?> c = components[i].getType();
            classes[i] = c;
            values[i] = components[i].getName().equals("retval") ? (Object) retval
                    : c == int.class ? (Object) 0 : c == long.class ? (Object) 0L : c == boolean.class ? (Object) false
                    : c == String.class ? "" : c == List.class ? List.of() : null;
            if (values[i] == null) {
                throw new IllegalStateException("the fake VPP cannot make a default " + type.name() + ": field "
                        + components[i].getName() + " is a " + c.getSimpleName() + "; answer it with answer()");
            }
        }
        try {
            return (VppMessage) type.javaClass().getDeclaredConstructor(classes).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    private <T extends VppMessage> void send(VppMessageType<T> type, VppMessage message, int context) throws IOException {
        byte[] body = type.encode((T) message, new VppMessageHeader(idsByType.get(type), 0, context));
        ByteBuffer frame = ByteBuffer.allocate(HEADER_SIZE + body.length);
        frame.putLong(0).putInt(body.length).putInt(0).put(body).flip();
        synchronized (this) {
            while (frame.hasRemaining()) client.write(frame);
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
            if (channel.read(buffer) < 0) throw new EOFException();
        }
    }

    /** Waits until {@code condition} holds, for up to {@code timeout}. */
    public static boolean await(java.util.function.BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }
}
