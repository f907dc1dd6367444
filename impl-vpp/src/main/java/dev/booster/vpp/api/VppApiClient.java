package dev.booster.vpp.api;

import dev.booster.vpp.api.codec.VppDecodeException;
import dev.booster.vpp.api.codec.VppDecoded;
import dev.booster.vpp.api.codec.VppDumpRequest;
import dev.booster.vpp.api.codec.VppMessage;
import dev.booster.vpp.api.codec.VppMessageHeader;
import dev.booster.vpp.api.codec.VppMessageType;
import dev.booster.vpp.api.codec.VppRequest;
import dev.booster.vpp.api.codec.VppRetval;
import dev.booster.vpp.api.codec.VppStreamRequest;
import dev.booster.vpp.binapi.ControlPing;
import dev.booster.vpp.binapi.ControlPingReply;
import dev.booster.vpp.binapi.MemclntKeepalive;
import dev.booster.vpp.binapi.MemclntKeepaliveReply;
import dev.booster.vpp.binapi.ShowVersion;
import dev.booster.vpp.binapi.ShowVersionReply;
import dev.booster.vpp.binapi.SockclntCreate;
import dev.booster.vpp.binapi.SockclntCreateReply;
import dev.booster.vpp.binapi.SockclntDelete;
import dev.booster.vpp.binapi.SockclntDeleteReply;
import dev.booster.vpp.binapi.VppBinapi;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A client of VPP's binary API over its Unix socket, in plain Java: the {@code sockclnt_create} handshake (whose
 * reply numbers VPP's messages), requests matched to replies by context, dumps ended by {@code control_ping},
 * cursor streams, events, and answers to VPP's {@code memclnt_keepalive}. Thread-safe; one reader thread per
 * connection, events are delivered in order on another.
 *
 * <pre>{@code
 * try (VppApiClient vpp = VppApiClient.connect(VppClientOptions.builder().require(SwInterfaceDump.TYPE).build())) {
 *     String version = vpp.call(new ShowVersion()).version();
 *     List<SwInterfaceDetails> interfaces = vpp.dump(SwInterfaceDump.builder().build());
 * }
 * }</pre>
 *
 * At connect the client compares the CRCs of the messages it is told are needed with VPP's table and fails with a
 * {@link VppVersionSkewException} naming every one that differs, rather than sending bytes VPP would misread.
 */
public final class VppApiClient implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(VppApiClient.class.getName());

    /**
     * VPP registers memclnt's messages before any other, so the handshake, sent before VPP's numbering is known,
     * uses the fixed ids 15 and 16 (as govpp does); the reply's table confirms them.
     */
    static final int SOCKCLNT_CREATE_ID = 15;
    static final int SOCKCLNT_CREATE_REPLY_ID = 16;

    /** What the client itself sends or answers, required of every VPP. */
    static final List<VppMessageType<?>> CLIENT_MESSAGES = List.of(SockclntCreate.TYPE, SockclntCreateReply.TYPE,
            SockclntDelete.TYPE, SockclntDeleteReply.TYPE, ControlPing.TYPE, ControlPingReply.TYPE,
            MemclntKeepalive.TYPE, MemclntKeepaliveReply.TYPE);

    private static final Duration GOODBYE_TIMEOUT = Duration.ofSeconds(2);

    private final VppClientOptions options;
    private final VppSocketTransport transport;
    private final Map<String, VppMessageType<?>> knownMessages = new HashMap<>();
    private final Map<Integer, PendingCall<?>> pending = new ConcurrentHashMap<>();
    private final AtomicInteger nextContext = new AtomicInteger(1);
    private final Map<VppMessageType<?>, List<Consumer<VppMessage>>> listeners = new ConcurrentHashMap<>();
    private final ExecutorService eventDelivery;
    private final CompletableFuture<Void> disconnected = new CompletableFuture<>();
    private final Thread reader;
    private volatile MessageTable table;
    private volatile int clientIndex;
    private volatile boolean closing;

    private VppApiClient(VppClientOptions options, VppSocketTransport transport) {
        this.options = options;
        this.transport = transport;
        for (VppMessageType<?> type : options.knownMessages()) {
            knownMessages.put(type.nameWithCrc(), type);
        }
        CLIENT_MESSAGES.forEach(type -> knownMessages.putIfAbsent(type.nameWithCrc(), type));
        this.eventDelivery = Executors.newSingleThreadExecutor(runnable ->
                Thread.ofPlatform().daemon().name("vpp-api-events").unstarted(runnable));
        this.reader = Thread.ofPlatform().daemon().name("vpp-api-reader " + transport.socket())
                .unstarted(this::readLoop);
    }

    /**
     * Connects, registers with VPP and checks the required messages' CRCs.
     *
     * @throws VppVersionSkewException a required message is missing from VPP or has another CRC
     * @throws VppApiException         the socket cannot be opened, or VPP does not complete the handshake
     */
    public static VppApiClient connect(VppClientOptions options) {
        VppApiClient client = new VppApiClient(options, VppSocketTransport.connect(options.socket()));
        try {
            client.reader.start();
            client.handshake();
            client.checkVersions();
            return client;
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
    }

    private void handshake() {
        PendingCall.Reply<SockclntCreateReply> call = new PendingCall.Reply<>(SockclntCreate.TYPE.name(),
                SockclntCreateReply.TYPE);
        int context = register(call);
        write(SockclntCreate.TYPE, new SockclntCreate(options.clientName()),
                new VppMessageHeader(SOCKCLNT_CREATE_ID, 0, context));
        SockclntCreateReply reply = await(call.future, "the sockclnt_create handshake on " + transport.socket());
        if (reply.response() != 0) {
            throw new VppApiException("VPP refused to register client '" + options.clientName()
                    + "': sockclnt_create_reply.response = " + reply.response());
        }
        Map<String, Integer> ids = new HashMap<>();
        reply.messageTable().forEach(entry -> ids.put(entry.name(), entry.index()));
        MessageTable received = new MessageTable(ids);
        if (received.idOf(SockclntCreateReply.TYPE).orElse(-1) != SOCKCLNT_CREATE_REPLY_ID) {
            throw new VppApiException("VPP's table does not number sockclnt_create_reply_"
                    + SockclntCreateReply.TYPE.crc() + " " + SOCKCLNT_CREATE_REPLY_ID + ": this is not the"
                    + " socket API this client speaks");
        }
        clientIndex = (int) reply.index();
        table = received;
    }

    private void checkVersions() {
        Set<VppMessageType<?>> needed = new LinkedHashSet<>(CLIENT_MESSAGES);
        for (VppMessageType<?> type : options.requiredMessages()) {
            needed.add(type);
            needed.addAll(type.answers().get());
        }
        List<MessageMismatch> mismatches = new ArrayList<>();
        for (VppMessageType<?> type : needed) {
            if (table.idOf(type).isEmpty()) {
                mismatches.add(new MessageMismatch(type.name(), type.crc(), table.crcOf(type.name())));
            }
        }
        if (!mismatches.isEmpty()) {
            mismatches.sort(Comparator.comparing(MessageMismatch::name));
            throw new VppVersionSkewException(mismatches, vppVersion(), VppBinapi.API_VERSION);
        }
    }

    /** VPP's version for an error message, when show_version itself is still the one Booster knows. */
    private Optional<String> vppVersion() {
        if (table.idOf(ShowVersion.TYPE).isEmpty() || table.idOf(ShowVersionReply.TYPE).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(call(new ShowVersion()).version());
        } catch (VppApiException e) {
            return Optional.empty();
        }
    }

    // ------------------------------------------------------------------------------------------ requests

    /**
     * Sends {@code request} and waits for its reply.
     *
     * @throws VppRetvalException  the reply's {@code retval} is not 0 (the exception holds the reply)
     * @throws VppTimeoutException no reply within the request timeout
     */
    public <R extends VppMessage> R call(VppRequest<R> request) {
        R reply = await(callUnchecked(request), request.messageType().name());
        return checkRetval(request.messageType().name(), reply);
    }

    /** {@link #call} without waiting; the future fails as {@code call} would throw. */
    public <R extends VppMessage> CompletableFuture<R> callAsync(VppRequest<R> request) {
        String name = request.messageType().name();
        return callUnchecked(request).thenApply(reply -> checkRetval(name, reply));
    }

    private <R extends VppMessage> CompletableFuture<R> callUnchecked(VppRequest<R> request) {
        PendingCall.Reply<R> call = new PendingCall.Reply<>(request.messageType().name(), request.replyType());
        sendUnder(register(call), request);
        return call.future;
    }

    /** Sends a {@code *_dump} and a {@code control_ping} under one context and collects the details until its reply. */
    public <D extends VppMessage> List<D> dump(VppDumpRequest<D> request) {
        return await(dumpAsync(request), request.messageType().name());
    }

    public <D extends VppMessage> CompletableFuture<List<D>> dumpAsync(VppDumpRequest<D> request) {
        PendingCall.Dump<D> call = new PendingCall.Dump<>(request.messageType().name(), request.detailsType());
        int context = register(call);
        sendUnder(context, request);
        sendUnder(context, new ControlPing());
        return call.future;
    }

    /** Sends a cursor {@code *_get} and collects the details until its reply. */
    public <R extends VppMessage, D extends VppMessage> VppStreamReply<R, D> stream(VppStreamRequest<R, D> request) {
        String name = request.messageType().name();
        PendingCall.Stream<R, D> call = new PendingCall.Stream<>(name, request.replyType(), request.detailsType());
        sendUnder(register(call), request);
        VppStreamReply<R, D> result = await(call.future, name);
        checkRetval(name, result.reply());
        return result;
    }

    /** Sends a message nothing answers (context 0). */
    public void send(VppMessage message) {
        sendUnder(0, message);
    }

    /**
     * Delivers every {@code type} message VPP sends (an event: it carries no context), in order, on the client's
     * event thread. VPP only sends most events after a {@code want_*} request.
     */
    @SuppressWarnings("unchecked")
    public <E extends VppMessage> VppSubscription subscribe(VppMessageType<E> type, Consumer<? super E> listener) {
        if (type.header().hasContext()) {
            throw new IllegalArgumentException(type.nameWithCrc() + " carries a context: it answers a request and"
                    + " is never delivered as an event");
        }
        idOf(type);
        Consumer<VppMessage> delivery = message -> listener.accept((E) message);
        List<Consumer<VppMessage>> forType = listeners.computeIfAbsent(type, t -> new CopyOnWriteArrayList<>());
        forType.add(delivery);
        return () -> forType.remove(delivery);
    }

    /** VPP's message table, from the handshake. */
    public MessageTable messageTable() {
        return table;
    }

    /** Whether the running VPP has exactly this message (name and CRC). */
    public boolean supports(VppMessageType<?> type) {
        return table.idOf(type).isPresent();
    }

    /** The index VPP gave this client ({@code client_index} of its requests). */
    public int clientIndex() {
        return clientIndex;
    }

    /**
     * Completes when the connection ends: normally after {@link #close}, exceptionally with a
     * {@link VppConnectionClosedException} when VPP went away (stopped or restarted).
     */
    public CompletableFuture<Void> whenDisconnected() {
        return disconnected.copy();
    }

    /** Says goodbye to VPP ({@code sockclnt_delete}, briefly awaited) and closes the socket. Idempotent. */
    @Override
    public void close() {
        if (closing) {
            return;
        }
        closing = true;
        if (table != null && reader.isAlive()) {
            try {
                PendingCall.Reply<SockclntDeleteReply> call = new PendingCall.Reply<>(SockclntDelete.TYPE.name(),
                        SockclntDeleteReply.TYPE);
                sendUnder(register(call), new SockclntDelete(Integer.toUnsignedLong(clientIndex)));
                call.future.get(GOODBYE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (VppApiException | ExecutionException | TimeoutException e) {
                LOG.log(System.Logger.Level.DEBUG, "sockclnt_delete got no answer; closing anyway", e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        transport.close();
        try {
            reader.join(GOODBYE_TIMEOUT.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        failPending(new VppConnectionClosedException("the VPP API client was closed"));
        eventDelivery.shutdown();
        disconnected.complete(null);
    }

    // ------------------------------------------------------------------------------------------ plumbing

    private int register(PendingCall<?> call) {
        if (closing && !call.request.equals(SockclntDelete.TYPE.name())) {
            throw new VppConnectionClosedException("the VPP API client is closed");
        }
        while (true) {
            int context = nextContext.getAndIncrement();
            if (context != 0 && pending.putIfAbsent(context, call) == null) {
                call.future.orTimeout(options.requestTimeout().toMillis(), TimeUnit.MILLISECONDS)
                        .whenComplete((result, failure) -> pending.remove(context, call));
                if (disconnected.isDone() && !closing) {
                    call.fail(new VppConnectionClosedException("the connection to VPP is lost"));
                }
                return context;
            }
        }
    }

    private void sendUnder(int context, VppMessage message) {
        VppMessageType<?> type = message.messageType();
        try {
            write(type, message, new VppMessageHeader(idOf(type), clientIndex, context));
        } catch (RuntimeException e) {
            PendingCall<?> call = pending.remove(context);
            if (call != null) {
                call.fail(e);
            }
            throw e;
        }
    }

    private int idOf(VppMessageType<?> type) {
        OptionalInt id = table.idOf(type);
        if (id.isEmpty()) {
            throw new VppApiException("cannot send " + type.nameWithCrc() + ": "
                    + new MessageMismatch(type.name(), type.crc(), table.crcOf(type.name())));
        }
        return id.getAsInt();
    }

    @SuppressWarnings("unchecked")
    private <T extends VppMessage> void write(VppMessageType<T> type, VppMessage message, VppMessageHeader header) {
        byte[] body = type.encode((T) message, header);
        try {
            transport.write(body);
        } catch (IOException e) {
            throw new VppConnectionClosedException("cannot send " + type.name() + " to VPP (" + transport.socket()
                    + "): " + e.getMessage(), e);
        }
    }

    private <T> T await(CompletableFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VppApiException("interrupted while waiting for VPP's answer to " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof TimeoutException) {
                throw new VppTimeoutException("VPP did not answer " + what + " within " + options.requestTimeout()
                        + " (" + transport.socket() + ")");
            }
            if (cause instanceof VppApiException apiException) {
                throw apiException;
            }
            throw new VppApiException(what + " failed: " + cause, cause);
        }
    }

    private static <R extends VppMessage> R checkRetval(String request, R reply) {
        if (reply instanceof VppRetval withRetval && withRetval.retval() != 0) {
            throw new VppRetvalException(request, withRetval.retval(), reply);
        }
        return reply;
    }

    private void readLoop() {
        try {
            while (true) {
                dispatch(transport.read());
            }
        } catch (IOException | RuntimeException e) {
            connectionEnded(e);
        }
    }

    private void dispatch(byte[] body) {
        int id = ((body[0] & 0xff) << 8) | (body[1] & 0xff);
        Optional<String> nameWithCrc = table == null
                ? Optional.of(id == SOCKCLNT_CREATE_REPLY_ID ? SockclntCreateReply.TYPE.nameWithCrc()
                : "(unnumbered: the handshake is not done)")
                : table.nameWithCrcOf(id);
        VppMessageType<?> type = nameWithCrc.map(knownMessages::get).orElse(null);
        if (type == null) {
            undecodable(id, nameWithCrc.orElse("(not in VPP's table)"), body);
        } else if (type.equals(MemclntKeepalive.TYPE)) {
            answerKeepalive(body);
        } else if (type.header().hasContext()) {
            PendingCall<?> call = pending.get(type.contextOf(body));
            if (call == null) {
                LOG.log(System.Logger.Level.DEBUG, "dropping " + type.nameWithCrc() + ": no request waits for"
                        + " context " + type.contextOf(body) + " (timed out?)");
                return;
            }
            try {
                call.offer(type, type.decode(body).message());
            } catch (VppDecodeException e) {
                call.fail(e);
            }
        } else {
            deliverEvent(type, body);
        }
    }

    /** A message this build has no codec for: fail the request it answers, if any (replies have the context at 2). */
    private void undecodable(int id, String nameWithCrc, byte[] body) {
        int context = body.length >= 6 ? ((body[2] & 0xff) << 24) | ((body[3] & 0xff) << 16)
                | ((body[4] & 0xff) << 8) | (body[5] & 0xff) : 0;
        PendingCall<?> call = context == 0 ? null : pending.get(context);
        String problem = "VPP sent message id " + id + " = " + nameWithCrc + ", which this client has no codec for"
                + " (add its .api.json to impl-vpp's vpp.api.files)";
        if (call != null) {
            call.fail(new VppApiException(call.request + ": " + problem));
        } else {
            LOG.log(System.Logger.Level.DEBUG, "dropping: " + problem);
        }
    }

    private void answerKeepalive(byte[] body) {
        int context = MemclntKeepalive.TYPE.contextOf(body);
        try {
            write(MemclntKeepaliveReply.TYPE, new MemclntKeepaliveReply(0),
                    new VppMessageHeader(idOf(MemclntKeepaliveReply.TYPE), 0, context));
        } catch (VppApiException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot answer VPP's keepalive", e);
        }
    }

    private void deliverEvent(VppMessageType<?> type, byte[] body) {
        List<Consumer<VppMessage>> forType = listeners.get(type);
        if (forType == null || forType.isEmpty()) {
            return;
        }
        VppDecoded<?> event;
        try {
            event = type.decode(body);
        } catch (VppDecodeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot decode event " + type.nameWithCrc(), e);
            return;
        }
        for (Consumer<VppMessage> listener : forType) {
            eventDelivery.execute(() -> {
                try {
                    listener.accept(event.message());
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.WARNING, "listener of " + type.name() + " failed", e);
                }
            });
        }
    }

    private void connectionEnded(Exception cause) {
        VppConnectionClosedException closed = new VppConnectionClosedException(closing
                ? "the VPP API client was closed"
                : "lost VPP's API socket " + transport.socket() + " (VPP stopped or restarted?): "
                + cause.getMessage(), cause);
        failPending(closed);
        if (!closing) {
            LOG.log(System.Logger.Level.WARNING, closed.getMessage());
            transport.close();
            disconnected.completeExceptionally(closed);
            eventDelivery.shutdown();
        }
    }

    private void failPending(VppApiException cause) {
        for (PendingCall<?> call : List.copyOf(pending.values())) {
            call.fail(cause);
        }
    }
}
