package dev.booster.ike.protocol;

import dev.booster.ike.Identity;
import dev.booster.ike.IkeFailure;
import dev.booster.ike.IkeProposal;
import dev.booster.ike.IkeSaInfo;
import dev.booster.ike.PeerConfig;
import dev.booster.ike.crypto.IkeSaKeys;
import dev.booster.ike.crypto.IntegrityCheckFailedException;
import dev.booster.ike.crypto.Prf;
import dev.booster.ike.crypto.SkCipher;
import dev.booster.ike.crypto.SkCodec;
import dev.booster.ike.message.ExchangeType;
import dev.booster.ike.message.IkeHeader;
import dev.booster.ike.message.IkeMessage;
import dev.booster.ike.message.MessageCodec;
import dev.booster.ike.message.NotifyType;
import dev.booster.ike.message.Octets;
import dev.booster.ike.message.Payload;
import dev.booster.ike.message.Proposal;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * One IKE SA and its Child SAs: the message windows of both directions (size 1, RFC 7296 §2.3), retransmission,
 * the queue of exchanges waiting their turn, timers, and teardown. The exchanges themselves live in
 * {@link SaSetup}, {@link ChildExchanges} and {@link IkeRekey}. Runs only on the daemon's thread.
 */
public final class IkeSa {
    private static final System.Logger LOG = System.getLogger("dev.booster.ike");

    enum State { CONNECTING, ESTABLISHED, REKEYED, DELETING, DEAD }

    /** Handles the response to one of our requests. */
    interface ResponseHandler {
        void handle(IkeHeader header, List<Payload> payloads, byte[] raw);
    }

    /** An exchange waiting for the request window; started when its turn comes, or aborted when the SA goes. */
    interface Action {
        void start(IkeSa sa);

        void abort(IkeFailure failure);
    }

    /** Our answer to a request, and what to do once it is sent. */
    record Reply(List<Payload> payloads, Runnable afterSend) {
        static Reply of(List<Payload> payloads) {
            return new Reply(payloads, () -> {
            });
        }

        static Reply of(Payload... payloads) {
            return of(List.of(payloads));
        }
    }

    private static final class Outstanding {
        final int messageId;
        final int exchangeType;
        final byte[] datagram;
        final ResponseHandler onResponse;
        final java.util.function.Consumer<IkeFailure> onFailure;
        int transmissions;
        SaHost.Cancellable timer;

        Outstanding(int messageId, int exchangeType, byte[] datagram, ResponseHandler onResponse, java.util.function.Consumer<IkeFailure> onFailure) {
            this.messageId = messageId;
            this.exchangeType = exchangeType;
            this.datagram = datagram;
            this.onResponse = onResponse;
            this.onFailure = onFailure;
        }
    }

    final SaHost host;
    final PeerConfig peer;
    /** Whether this side is the original initiator of this IKE SA (sets the I flag). */
    final boolean initiator;
    /** Where the peer is; its port changes when the SA floats to NAT-T. */
    InetSocketAddress remote;
    /** Messages go through the NAT-T socket (port 4500, non-ESP marker). */
    boolean natT;
    /** NAT detection found a translation (or the peer faked one to force it): ESP must travel in UDP (RFC 3948). */
    boolean natDetected;
    long spiI;
    long spiR;
    State state = State.CONNECTING;
    IkeProposal proposal;
    Prf prf;
    IkeSaKeys keys;
    private SkCipher outCipher;
    private SkCipher inCipher;
    Instant established;
    final List<ChildSaState> children = new ArrayList<>();
    final CompletableFuture<IkeSaInfo> setupResult = new CompletableFuture<>();
    /** What IKE_AUTH needs from IKE_SA_INIT (nonces, the messages as sent); dropped once the SA is up. */
    SaSetup.InitData initData;
    /** Set while we rekey this IKE SA, so a colliding rekey from the peer is told to wait. */
    boolean rekeyingIke;

    private int nextMessageId;
    private Outstanding outstanding;
    private final Deque<Action> queue = new ArrayDeque<>();
    private int expectedRequestId;
    private byte[] lastResponse;
    private int lastResponseId = -1;
    private long lastHeardNanos;
    private SaHost.Cancellable rekeyTimer;
    private SaHost.Cancellable expiryTimer;
    private SaHost.Cancellable dpdTimer;
    private SaHost.Cancellable halfOpenTimer;

    IkeSa(SaHost host, PeerConfig peer, InetSocketAddress remote, boolean initiator, long spiI, long spiR) {
        this.host = host;
        this.peer = peer;
        this.initiator = initiator;
        this.remote = remote;
        this.spiI = spiI;
        this.spiR = spiR;
        this.lastHeardNanos = host.nanoTime();
    }

    // ---- entry points for the daemon ----

    /** Starts IKE_SA_INIT towards {@code peer}; {@link #setupResult()} completes when IKE_AUTH did. */
    public static IkeSa initiate(SaHost host, PeerConfig peer) {
        return SaSetup.initiate(host, peer);
    }

    /** Answers an IKE_SA_INIT request; returns the new half-open SA, or empty when it was refused. */
    public static Optional<IkeSa> respond(SaHost host, PeerConfig peer, InetSocketAddress from, boolean viaNatT, IkeMessage request, byte[] raw) {
        return SaSetup.respond(host, peer, from, viaNatT, request, raw);
    }

    public CompletableFuture<IkeSaInfo> setupResult() {
        return setupResult;
    }

    /** Our SPI: the one the peer's messages carry for us. */
    public long localSpi() {
        return initiator ? spiI : spiR;
    }

    public boolean isInitiator() {
        return initiator;
    }

    public long initiatorSpi() {
        return spiI;
    }

    public String peerName() {
        return peer.name();
    }

    public InetSocketAddress remote() {
        return remote;
    }

    public boolean isEstablished() {
        return state == State.ESTABLISHED;
    }

    public boolean isAlive() {
        return state != State.DEAD;
    }

    /** Whether a duplicate IKE_SA_INIT request may be answered from this half-open SA's cache. */
    public boolean answersInitRetransmit(long initiatorSpi, InetSocketAddress from) {
        return !initiator && spiI == initiatorSpi && remote.equals(from) && lastResponseId == 0;
    }

    public boolean natT() {
        return natT;
    }

    public void resendInitResponse() {
        host.send(lastResponse, remote, natT);
    }

    byte[] lastResponse() {
        return lastResponse;
    }

    boolean windowBusy() {
        return outstanding != null;
    }

    public IkeSaInfo info() {
        return new IkeSaInfo(peer.name(), spiI, spiR, initiator, proposal, localId(), peer.remoteId(), established,
                children.stream().filter(c -> c.phase != ChildSaState.Phase.DELETING).map(ChildSaState::info).toList());
    }

    /** Rekeys the Child SA with {@code reqid} (any Child SA when 0); completes when the old one is deleted. */
    public CompletableFuture<Void> rekeyChild(int reqid) {
        return ChildExchanges.rekeyOnRequest(this, reqid);
    }

    public CompletableFuture<IkeSaInfo> rekeyIke() {
        return IkeRekey.start(this);
    }

    /** An empty INFORMATIONAL (RFC 7296 §2.4); completes with the round trip time when the peer answered. */
    public CompletableFuture<Duration> checkLiveness() {
        CompletableFuture<Duration> result = new CompletableFuture<>();
        enqueue(new Action() {
            @Override
            public void start(IkeSa sa) {
                long sent = host.nanoTime();
                sa.sendRequest(ExchangeType.INFORMATIONAL, List.of(),
                        (h, payloads, raw) -> result.complete(Duration.ofNanos(host.nanoTime() - sent)),
                        failure -> result.completeExceptionally(new dev.booster.ike.IkeException(failure)));
            }

            @Override
            public void abort(IkeFailure failure) {
                result.completeExceptionally(new dev.booster.ike.IkeException(failure));
            }
        });
        return result;
    }

    /** Deletes the IKE SA and with it every Child SA; completes when the peer confirmed (or did not answer). */
    public CompletableFuture<Void> delete(String why) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        if (state != State.ESTABLISHED) {
            destroy(new IkeFailure(peer.name(), IkeFailure.Reason.CLOSED, why));
            result.complete(null);
            return result;
        }
        state = State.DELETING;
        abortQueued(new IkeFailure(peer.name(), IkeFailure.Reason.CLOSED, "the IKE SA is being deleted"));
        Runnable send = () -> sendRequest(ExchangeType.INFORMATIONAL, List.of(new Payload.Delete(Proposal.PROTOCOL_IKE, 0, List.of())),
                (h, payloads, raw) -> {
                    destroy(new IkeFailure(peer.name(), IkeFailure.Reason.CLOSED, why));
                    result.complete(null);
                },
                failure -> result.complete(null));
        if (outstanding == null) {
            send.run();
        } else {
            // The window is busy; the Delete goes out as soon as the current exchange ends.
            queue.addFirst(new Action() {
                @Override
                public void start(IkeSa sa) {
                    send.run();
                }

                @Override
                public void abort(IkeFailure failure) {
                    result.complete(null);
                }
            });
        }
        return result;
    }

    /** Daemon shutdown: one Delete without waiting for an answer, then local teardown. */
    public void shutdown() {
        if (state == State.ESTABLISHED || state == State.REKEYED) {
            sendOneShot(ExchangeType.INFORMATIONAL, List.of(new Payload.Delete(Proposal.PROTOCOL_IKE, 0, List.of())));
        }
        destroy(new IkeFailure(peer.name(), IkeFailure.Reason.CLOSED, "the IKE daemon was closed"));
    }

    /** A message for this SA: checks it, decrypts it, then handles it as a response or a request. */
    public void receive(IkeMessage message, byte[] raw, InetSocketAddress from, boolean viaNatT) {
        if (state == State.DEAD) return;
        IkeHeader header = message.header();
        lastHeardNanos = host.nanoTime();
        this.lastFrom = from;
        this.lastViaNatT = viaNatT;
        if (header.isResponse()) {
            receiveResponse(message, raw);
        } else {
            receiveRequest(message, raw);
        }
    }

    private InetSocketAddress lastFrom;
    private boolean lastViaNatT;

    /** After a message proved itself (it decrypted): the peer floated to NAT-T, or its NAT moved it (RFC 7296 §2.23). */
    private void follow() {
        if (lastViaNatT && (!natT || !remote.equals(lastFrom))) {
            LOG.log(DEBUG, () -> this + ": peer now at " + lastFrom + " (NAT-T)");
            natT = true;
            remote = lastFrom;
        }
    }

    // ---- the request window ----

    void enqueue(Action action) {
        if (state == State.DEAD) {
            action.abort(new IkeFailure(peer.name(), IkeFailure.Reason.CLOSED, "the IKE SA is gone"));
            return;
        }
        queue.addLast(action);
        startNext();
    }

    private void startNext() {
        while (outstanding == null && (state == State.ESTABLISHED || state == State.DELETING) && !queue.isEmpty()) {
            queue.pollFirst().start(this);
        }
    }

    /** Sends a request now; the window must be free. */
    void sendRequest(int exchangeType, List<Payload> payloads, ResponseHandler onResponse, java.util.function.Consumer<IkeFailure> onFailure) {
        if (outstanding != null) throw new IllegalStateException("request window of " + this + " is busy");
        int messageId = nextMessageId++;
        IkeHeader header = IkeHeader.of(spiI, spiR, exchangeType, initiator, false, messageId);
        byte[] datagram = exchangeType == ExchangeType.IKE_SA_INIT ? MessageCodec.encode(header, payloads) : SkCodec.encode(header, payloads, outCipher);
        LOG.log(DEBUG, () -> this + ": sending " + header + " " + IkeMessage.summary(payloads));
        outstanding = new Outstanding(messageId, exchangeType, datagram, onResponse, onFailure);
        transmit(outstanding);
    }

    /** IKE_SA_INIT again with message ID 0 (after COOKIE or INVALID_KE_PAYLOAD); returns the bytes sent. */
    byte[] resendInit(List<Payload> payloads, ResponseHandler onResponse, java.util.function.Consumer<IkeFailure> onFailure) {
        nextMessageId = 0;
        outstanding = null;
        sendRequest(ExchangeType.IKE_SA_INIT, payloads, onResponse, onFailure);
        return outstanding.datagram;
    }

    private void transmit(Outstanding request) {
        host.send(request.datagram, remote, natT);
        Duration wait = host.settings().retransmitDelay(request.transmissions);
        request.transmissions++;
        request.timer = host.schedule(wait, () -> retransmit(request));
    }

    private void retransmit(Outstanding request) {
        if (outstanding != request || state == State.DEAD) return;
        if (request.transmissions > host.settings().retransmitTries()) {
            outstanding = null;
            IkeFailure failure = new IkeFailure(peer.name(), IkeFailure.Reason.PEER_UNREACHABLE, "no answer from " + remote + " to "
                    + ExchangeType.name(request.exchangeType) + " request " + request.messageId + " after " + request.transmissions
                    + " transmissions; is the peer up and is UDP " + remote.getPort() + " open?");
            LOG.log(WARNING, this + ": " + failure.detail());
            request.onFailure.accept(failure);
            destroy(failure);
            return;
        }
        LOG.log(DEBUG, () -> this + ": retransmitting " + ExchangeType.name(request.exchangeType) + " request " + request.messageId
                + " (" + request.transmissions + ")");
        transmit(request);
    }

    private void receiveResponse(IkeMessage message, byte[] raw) {
        IkeHeader header = message.header();
        Outstanding request = outstanding;
        if (request == null || header.messageId() != request.messageId || header.exchangeType() != request.exchangeType) {
            LOG.log(DEBUG, () -> this + ": dropping unexpected " + header);
            host.dropped(false);
            return;
        }
        if (header.fromOriginalInitiator() == initiator) {
            LOG.log(DEBUG, () -> this + ": dropping " + header + " with a wrong I flag");
            return;
        }
        List<Payload> payloads;
        if (header.exchangeType() == ExchangeType.IKE_SA_INIT) {
            payloads = message.payloads();
        } else {
            Optional<List<Payload>> opened = open(message, raw);
            if (opened.isEmpty()) return;
            payloads = opened.get();
            follow();
        }
        LOG.log(DEBUG, () -> this + ": received " + header + " " + IkeMessage.summary(payloads));
        request.timer.cancel();
        outstanding = null;
        request.onResponse.handle(header, payloads, raw);
        startNext();
    }

    private void receiveRequest(IkeMessage message, byte[] raw) {
        IkeHeader header = message.header();
        if (header.fromOriginalInitiator() == initiator) {
            LOG.log(DEBUG, () -> this + ": dropping " + header + " with a wrong I flag");
            return;
        }
        int id = header.messageId();
        if (header.exchangeType() == ExchangeType.IKE_SA_INIT) return; // answered by the daemon from the cache
        if (id == lastResponseId && lastResponse != null) {
            if (open(message, raw).isPresent()) {
                LOG.log(DEBUG, () -> this + ": retransmitted request " + Integer.toUnsignedString(id) + ", resending our response");
                host.send(lastResponse, remote, natT);
            }
            return;
        }
        if (id != expectedRequestId) {
            LOG.log(DEBUG, () -> this + ": dropping " + header + ", expected request " + Integer.toUnsignedString(expectedRequestId));
            host.dropped(false);
            return;
        }
        Optional<List<Payload>> opened = open(message, raw);
        if (opened.isEmpty()) return;
        follow();
        List<Payload> payloads = opened.get();
        LOG.log(DEBUG, () -> this + ": received " + header + " " + IkeMessage.summary(payloads));
        Reply reply = unsupportedCritical(payloads).orElseGet(() -> switch (header.exchangeType()) {
            case ExchangeType.IKE_AUTH -> SaSetup.onAuthRequest(this, payloads);
            case ExchangeType.CREATE_CHILD_SA -> state == State.ESTABLISHED ? createChildRequest(payloads) : null;
            case ExchangeType.INFORMATIONAL -> informational(payloads);
            default -> null;
        });
        if (reply == null) {
            LOG.log(DEBUG, () -> this + ": ignoring " + header + " in state " + state);
            return;
        }
        sendResponse(header.exchangeType(), id, reply.payloads());
        expectedRequestId = id + 1;
        reply.afterSend().run();
        startNext();
    }

    private Reply createChildRequest(List<Payload> payloads) {
        boolean rekeysIke = IkeMessage.first(payloads, Payload.SecurityAssociation.class)
                .map(sa -> sa.proposals().stream().anyMatch(p -> p.protocolId() == Proposal.PROTOCOL_IKE)).orElse(false);
        return rekeysIke ? IkeRekey.onRequest(this, payloads) : ChildExchanges.onRequest(this, payloads);
    }

    private Optional<Reply> unsupportedCritical(List<Payload> payloads) {
        for (Payload payload : payloads) {
            if (payload instanceof Payload.Unknown unknown && unknown.critical()) {
                return Optional.of(Reply.of(Payload.Notify.of(NotifyType.UNSUPPORTED_CRITICAL_PAYLOAD, Octets.of(new byte[]{(byte) unknown.type()}))));
            }
        }
        return Optional.empty();
    }

    void sendResponse(int exchangeType, int messageId, List<Payload> payloads) {
        IkeHeader header = IkeHeader.of(spiI, spiR, exchangeType, initiator, true, messageId);
        byte[] datagram = exchangeType == ExchangeType.IKE_SA_INIT ? MessageCodec.encode(header, payloads) : SkCodec.encode(header, payloads, outCipher);
        LOG.log(DEBUG, () -> this + ": sending " + header + " " + IkeMessage.summary(payloads));
        lastResponse = datagram;
        lastResponseId = messageId;
        host.send(datagram, remote, natT);
    }

    /** A request sent once, outside the window, whose answer nobody waits for (shutdown, failed authentication). */
    void sendOneShot(int exchangeType, List<Payload> payloads) {
        if (outCipher == null) return;
        IkeHeader header = IkeHeader.of(spiI, spiR, exchangeType, initiator, false, nextMessageId++);
        host.send(SkCodec.encode(header, payloads, outCipher), remote, natT);
    }

    private Optional<List<Payload>> open(IkeMessage message, byte[] raw) {
        if (inCipher == null) {
            LOG.log(DEBUG, () -> this + ": dropping " + message.header() + ": no keys yet");
            return Optional.empty();
        }
        try {
            return Optional.of(SkCodec.decode(raw, message, inCipher));
        } catch (IntegrityCheckFailedException | dev.booster.ike.message.MalformedMessageException e) {
            LOG.log(WARNING, this + ": dropping " + message.header() + ": " + e.getMessage());
            host.dropped(e instanceof IntegrityCheckFailedException);
            return Optional.empty();
        }
    }

    // ---- INFORMATIONAL requests ----

    private Reply informational(List<Payload> payloads) {
        if (state == State.CONNECTING) return null;
        List<Payload> answer = new ArrayList<>();
        for (Payload.Delete delete : IkeMessage.all(payloads, Payload.Delete.class)) {
            if (delete.protocolId() == Proposal.PROTOCOL_IKE) {
                LOG.log(INFO, this + ": peer deleted the IKE SA");
                return new Reply(List.of(), () -> destroy(new IkeFailure(peer.name(), IkeFailure.Reason.CLOSED, "the peer deleted the IKE SA")));
            }
            if (delete.protocolId() == Proposal.PROTOCOL_ESP) {
                List<Octets> ours = ChildExchanges.onDelete(this, delete.spis());
                if (!ours.isEmpty()) answer.add(new Payload.Delete(Proposal.PROTOCOL_ESP, 4, ours));
            }
        }
        for (Payload.Notify notify : IkeMessage.all(payloads, Payload.Notify.class)) {
            LOG.log(notify.isError() ? WARNING : DEBUG, () -> this + ": peer notifies " + NotifyType.name(notify.notifyType()));
        }
        return Reply.of(answer);
    }

    // ---- state changes ----

    void installKeys(IkeProposal suite, IkeSaKeys derived) {
        this.proposal = suite;
        this.prf = new Prf(suite.prf());
        this.keys = derived;
        this.outCipher = derived.cipher(suite, initiator, host.random());
        this.inCipher = derived.cipher(suite, !initiator, host.random());
    }

    /** A responder after its IKE_SA_INIT response: waits for IKE_AUTH (message 1), not forever. */
    void startHalfOpen() {
        expectedRequestId = 1;
        halfOpenTimer = host.schedule(host.settings().halfOpenTimeout(), () -> {
            if (state == State.CONNECTING) {
                destroy(new IkeFailure(peer.name(), IkeFailure.Reason.PEER_UNREACHABLE, "IKE_AUTH never came after IKE_SA_INIT"));
            }
        });
    }

    /** The IKE SA is up: timers start, listeners hear of it. */
    void markEstablished() {
        startLife();
        initData = null;
        IkeSaInfo info = info();
        LOG.log(INFO, this + ": IKE SA established with " + peer.remoteId() + " " + proposal + " " + info.childSas());
        host.eventListener().established(info);
        setupResult.complete(info);
    }

    /** Established: the lifetime and liveness timers run from now. */
    void startLife() {
        state = State.ESTABLISHED;
        established = Instant.now();
        if (halfOpenTimer != null) halfOpenTimer.cancel();
        scheduleLifetime();
        scheduleDpd();
    }

    private void scheduleLifetime() {
        Duration rekey = jittered(peer.lifetimes().ikeRekey());
        rekeyTimer = host.schedule(rekey, () -> {
            if (state == State.ESTABLISHED) {
                IkeRekey.start(this).exceptionally(e -> null);
            }
        });
        expiryTimer = host.schedule(peer.lifetimes().ikeRekey().plus(peer.lifetimes().overtime()), () -> {
            if (state == State.ESTABLISHED) {
                LOG.log(WARNING, this + ": IKE SA reached its hard lifetime without a rekey; deleting it");
                delete("the IKE SA reached its hard lifetime");
            }
        });
    }

    Duration jittered(Duration base) {
        double cut = peer.lifetimes().jitter() * host.random().nextDouble();
        return Duration.ofNanos((long) (base.toNanos() * (1 - cut)));
    }

    private void scheduleDpd() {
        Duration delay = peer.dpdDelay();
        if (delay.isZero()) return;
        dpdTimer = host.schedule(delay, () -> {
            if (state != State.ESTABLISHED) return;
            if (host.nanoTime() - lastHeardNanos >= delay.toNanos() && outstanding == null && queue.isEmpty()) {
                LOG.log(DEBUG, () -> this + ": nothing heard for " + delay + ", checking liveness");
                checkLiveness().exceptionally(e -> null);
            }
            scheduleDpd();
        });
    }

    /** Stops the timers of an SA that a rekey replaced; its Child SAs already moved to the new one. */
    void retire() {
        state = State.REKEYED;
        cancelTimers();
    }

    /** Moves waiting exchanges to the IKE SA that replaces this one. */
    void handOverQueue(IkeSa successor) {
        while (!queue.isEmpty()) successor.queue.addLast(queue.pollFirst());
        successor.startNext();
    }

    private void abortQueued(IkeFailure failure) {
        while (!queue.isEmpty()) queue.pollFirst().abort(failure);
    }

    private void cancelTimers() {
        for (SaHost.Cancellable timer : new SaHost.Cancellable[]{rekeyTimer, expiryTimer, dpdTimer, halfOpenTimer}) {
            if (timer != null) timer.cancel();
        }
    }

    /** Ends the SA here: its Child SAs are deleted from the dataplane, waiting work fails, listeners hear why. */
    void destroy(IkeFailure why) {
        if (state == State.DEAD) return;
        State previous = state;
        IkeSaInfo info = proposal == null ? null : info();
        state = State.DEAD;
        cancelTimers();
        if (outstanding != null) {
            outstanding.timer.cancel();
            Outstanding request = outstanding;
            outstanding = null;
            request.onFailure.accept(why);
        }
        abortQueued(why);
        for (ChildSaState child : List.copyOf(children)) ChildExchanges.remove(this, child);
        host.unregister(this);
        if (keys != null) keys.destroy();
        if (previous == State.REKEYED) {
            LOG.log(DEBUG, () -> this + ": replaced IKE SA removed");
        } else if (established != null) {
            LOG.log(INFO, this + ": IKE SA closed: " + why.detail());
            host.eventListener().closed(info, why);
        } else {
            reportFailure(why);
        }
        setupResult.completeExceptionally(new dev.booster.ike.IkeException(why));
    }

    /** Tells the listener once that setting up failed. */
    void reportFailure(IkeFailure failure) {
        if (setupResult.isDone()) return;
        LOG.log(WARNING, this + ": " + failure.reason() + ": " + failure.detail());
        host.eventListener().failed(failure);
        setupResult.completeExceptionally(new dev.booster.ike.IkeException(failure));
    }

    Identity localId() {
        return peer.localId().orElseThrow();
    }

    static java.net.InetAddress toInet(dev.booster.api.net.IpAddress address) {
        try {
            return java.net.InetAddress.getByAddress(address.toBytes());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(address + " is not an IP address", e);
        }
    }

    @Override
    public String toString() {
        return peer.name() + "[" + String.format("%016x_i %016x_r", spiI, spiR) + "]";
    }
}
