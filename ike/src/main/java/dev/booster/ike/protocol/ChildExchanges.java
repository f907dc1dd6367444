package dev.booster.ike.protocol;

import dev.booster.api.net.IpAddress;
import dev.booster.ike.ChildSa;
import dev.booster.ike.DhGroup;
import dev.booster.ike.EspProposal;
import dev.booster.ike.IkeException;
import dev.booster.ike.IkeFailure;
import dev.booster.ike.TrafficSelector;
import dev.booster.ike.crypto.ChildKeys;
import dev.booster.ike.crypto.DiffieHellman;
import dev.booster.ike.crypto.InvalidKeyExchangeException;
import dev.booster.ike.message.ExchangeType;
import dev.booster.ike.message.IkeMessage;
import dev.booster.ike.message.NotifyType;
import dev.booster.ike.message.Octets;
import dev.booster.ike.message.Payload;
import dev.booster.ike.message.Proposal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Child SAs (RFC 7296 §1.3, §2.8, §2.17): negotiation in IKE_AUTH and CREATE_CHILD_SA, key derivation, make-before-break
 * rekeying in both roles, deletion, and their timers.
 */
final class ChildExchanges {
    private static final System.Logger LOG = System.getLogger("dev.booster.ike");
    private static final int MAX_REKEY_RETRIES = 5;

    private ChildExchanges() {
    }

    /** The responder's side of a Child SA negotiation: the answer's payloads, the new Child SA or why there is none. */
    record Negotiated(List<Payload> answer, ChildSaState state, IkeFailure failure) {
    }

    static Octets spiOctets(int spi) {
        return Octets.of(new byte[]{(byte) (spi >>> 24), (byte) (spi >>> 16), (byte) (spi >>> 8), (byte) spi});
    }

    static int spiValue(Octets spi) {
        return (spi.get(0) << 24) | (spi.get(1) << 16) | (spi.get(2) << 8) | spi.get(3);
    }

    /**
     * Answers a Child SA request (in IKE_AUTH, or CREATE_CHILD_SA when {@code createChildSa}: then the nonce is part of
     * the answer and PFS key exchange applies).
     */
    static Negotiated negotiateAsResponder(IkeSa sa, List<Payload> request, byte[] ni, byte[] nr, boolean createChildSa, int reqid) {
        String peer = sa.peer.name();
        Optional<Payload.SecurityAssociation> saPayload = IkeMessage.first(request, Payload.SecurityAssociation.class);
        Optional<Payload.TrafficSelectors> tsi = selectors(request, true);
        Optional<Payload.TrafficSelectors> tsr = selectors(request, false);
        if (saPayload.isEmpty() || tsi.isEmpty() || tsr.isEmpty()) {
            return refused(NotifyType.NO_PROPOSAL_CHOSEN, new IkeFailure(peer, IkeFailure.Reason.PROTOCOL_ERROR,
                    "the Child SA request lacks SA, TSi or TSr: " + IkeMessage.summary(request)));
        }
        Optional<Proposals.Selected<Proposals.EspChoice>> selected = Proposals.selectEsp(saPayload.get().proposals(), sa.peer.espProposals(), createChildSa);
        if (selected.isEmpty()) {
            return refused(NotifyType.NO_PROPOSAL_CHOSEN, new IkeFailure(peer, IkeFailure.Reason.NO_PROPOSAL_CHOSEN, "the peer offered ESP "
                    + Proposals.describeOffer(saPayload.get().proposals()) + ", we accept " + sa.peer.espProposals() + ": configure a proposal both sides share"));
        }
        List<TrafficSelector> remote = narrow(tsi.get().selectors(), sa.peer.remoteTs());
        List<TrafficSelector> local = narrow(tsr.get().selectors(), sa.peer.localTs());
        if (remote.isEmpty() || local.isEmpty()) {
            return refused(NotifyType.TS_UNACCEPTABLE, new IkeFailure(peer, IkeFailure.Reason.TS_UNACCEPTABLE, "the peer's TSi "
                    + tsi.get().selectors() + " / TSr " + tsr.get().selectors() + " do not overlap our remoteTs " + sa.peer.remoteTs()
                    + " / localTs " + sa.peer.localTs()));
        }
        Proposals.EspChoice choice = selected.get().choice();
        byte[] gir = null;
        Payload.KeyExchange ourKe = null;
        if (choice.dhGroup().isPresent()) {
            DhGroup group = choice.dhGroup().get();
            Optional<Payload.KeyExchange> ke = IkeMessage.first(request, Payload.KeyExchange.class);
            if (ke.isEmpty() || ke.get().dhGroup() != group.transformId()) {
                int id = group.transformId();
                return new Negotiated(List.of(Payload.Notify.of(NotifyType.INVALID_KE_PAYLOAD, Octets.of(new byte[]{(byte) (id >>> 8), (byte) id}))), null, null);
            }
            DiffieHellman dh = DiffieHellman.generate(group, sa.host.random());
            try {
                gir = dh.sharedSecret(ke.get().data().toByteArray());
            } catch (InvalidKeyExchangeException e) {
                return refused(NotifyType.INVALID_SYNTAX, new IkeFailure(peer, IkeFailure.Reason.PROTOCOL_ERROR, e.getMessage()));
            }
            ourKe = new Payload.KeyExchange(group.transformId(), Octets.of(dh.publicValue()));
        }
        int inSpi = sa.host.newChildSpi();
        int outSpi = spiValue(selected.get().offered().spi());
        ChildSaState state = build(sa, reqid, choice, inSpi, outSpi, gir, ni, nr, false, local, remote);
        if (gir != null) Arrays.fill(gir, (byte) 0);
        List<Payload> answer = new ArrayList<>();
        answer.add(new Payload.SecurityAssociation(List.of(choice.toProposal(selected.get().offered().number(), spiOctets(inSpi)))));
        if (createChildSa) answer.add(new Payload.Nonce(Octets.of(nr)));
        if (ourKe != null) answer.add(ourKe);
        answer.add(new Payload.TrafficSelectors(true, remote));
        answer.add(new Payload.TrafficSelectors(false, local));
        return new Negotiated(answer, state, null);
    }

    private static Negotiated refused(NotifyType notify, IkeFailure failure) {
        LOG.log(WARNING, "peer " + failure.peer() + ": Child SA refused: " + failure.detail());
        return new Negotiated(List.of(Payload.Notify.of(notify)), null, failure);
    }

    /** The initiator's check of a Child SA answer: within our offer and our selectors. Empty when it is not. */
    static Optional<ChildSaState> acceptAsInitiator(IkeSa sa, List<Payload> response, int inSpi, byte[] ni, byte[] nr, DiffieHellman dh,
                                                    int reqid, boolean createChildSa) {
        Optional<Payload.SecurityAssociation> saPayload = IkeMessage.first(response, Payload.SecurityAssociation.class);
        Optional<Payload.TrafficSelectors> tsi = selectors(response, true);
        Optional<Payload.TrafficSelectors> tsr = selectors(response, false);
        if (saPayload.isEmpty() || tsi.isEmpty() || tsr.isEmpty()) return Optional.empty();
        Optional<Proposals.EspChoice> choice = Proposals.acceptedEsp(saPayload.get().proposals(), sa.peer.espProposals(), createChildSa);
        if (choice.isEmpty()) return Optional.empty();
        byte[] gir = null;
        if (choice.get().dhGroup().isPresent()) {
            Optional<Payload.KeyExchange> ke = IkeMessage.first(response, Payload.KeyExchange.class);
            if (dh == null || ke.isEmpty() || choice.get().dhGroup().get() != dh.group() || ke.get().dhGroup() != dh.group().transformId()) return Optional.empty();
            try {
                gir = dh.sharedSecret(ke.get().data().toByteArray());
            } catch (InvalidKeyExchangeException e) {
                LOG.log(WARNING, sa + ": " + e.getMessage());
                return Optional.empty();
            }
        }
        List<TrafficSelector> local = tsi.get().selectors();
        List<TrafficSelector> remote = tsr.get().selectors();
        if (!within(local, sa.peer.localTs()) || !within(remote, sa.peer.remoteTs())) return Optional.empty();
        int outSpi = spiValue(saPayload.get().proposals().getFirst().spi());
        ChildSaState state = build(sa, reqid, choice.get(), inSpi, outSpi, gir, ni, nr, true, local, remote);
        if (gir != null) Arrays.fill(gir, (byte) 0);
        return Optional.of(state);
    }

    /** KEYMAT split into the two directions; the side that started the exchange sends with the initiator-to-responder key. */
    private static ChildSaState build(IkeSa sa, int reqid, Proposals.EspChoice choice, int inSpi, int outSpi, byte[] gir, byte[] ni, byte[] nr,
                                      boolean weInitiated, List<TrafficSelector> localTs, List<TrafficSelector> remoteTs) {
        int keyBytes = choice.keyBits() / 8;
        ChildKeys keys = ChildKeys.derive(sa.prf, sa.keys.skD(), gir, ni, nr, keyBytes + 4, 0);
        byte[] outKey = weInitiated ? keys.initiatorToResponderEncryption() : keys.responderToInitiatorEncryption();
        byte[] inKey = weInitiated ? keys.responderToInitiatorEncryption() : keys.initiatorToResponderEncryption();
        Duration lifetime = sa.peer.lifetimes().childHardLifetime();
        IpAddress local = sa.peer.localAddress().orElseThrow();
        IpAddress remote = sa.peer.remoteAddress();
        Optional<ChildSa.UdpEncapsulation> encapIn = Optional.empty();
        Optional<ChildSa.UdpEncapsulation> encapOut = Optional.empty();
        if (sa.natDetected) {
            int ourPort = sa.host.localAddress(sa.peer, true).getPort();
            int theirPort = sa.natT ? sa.remote.getPort() : sa.peer.remoteNatTPort();
            encapIn = Optional.of(new ChildSa.UdpEncapsulation(theirPort, ourPort));
            encapOut = Optional.of(new ChildSa.UdpEncapsulation(ourPort, theirPort));
        }
        ChildSa in = new ChildSa(sa.peer.name(), reqid, inSpi, ChildSa.Direction.IN, ChildSa.AES_GCM_16, choice.keyBits(),
                Arrays.copyOf(inKey, keyBytes), Arrays.copyOfRange(inKey, keyBytes, keyBytes + 4), choice.esn(), remote, local, localTs, remoteTs,
                lifetime, encapIn);
        ChildSa out = new ChildSa(sa.peer.name(), reqid, outSpi, ChildSa.Direction.OUT, ChildSa.AES_GCM_16, choice.keyBits(),
                Arrays.copyOf(outKey, keyBytes), Arrays.copyOfRange(outKey, keyBytes, keyBytes + 4), choice.esn(), local, remote, localTs, remoteTs,
                lifetime, encapOut);
        Arrays.fill(inKey, (byte) 0);
        Arrays.fill(outKey, (byte) 0);
        return new ChildSaState(sa, in, out, choice);
    }

    /** Adds the Child SA to its IKE SA and starts its rekey and hard-lifetime timers. */
    static void activate(IkeSa sa, ChildSaState child) {
        child.owner = sa;
        sa.children.add(child);
        SaHost host = sa.host;
        child.rekeyTimer = host.schedule(sa.jittered(sa.peer.lifetimes().childRekey()), () -> {
            if (child.phase == ChildSaState.Phase.ACTIVE && child.owner.isEstablished()) {
                LOG.log(INFO, child.owner + ": " + child + " reached its rekey time");
                child.owner.enqueue(new Rekey(child, new CompletableFuture<>()));
            }
        });
        child.expiryTimer = host.schedule(sa.peer.lifetimes().childHardLifetime(), () -> {
            if (child.owner.children.contains(child)) {
                LOG.log(WARNING, child.owner + ": " + child + " reached its hard lifetime without a rekey; deleting it");
                delete(child.owner, child);
            }
        });
        LOG.log(INFO, sa + ": " + child + " installed, " + child.in.localTs() + " === " + child.in.remoteTs());
    }

    /** Removes the Child SA here and from the dataplane (through the listener). */
    static void remove(IkeSa sa, ChildSaState child) {
        if (!sa.children.remove(child)) return;
        child.cancelTimers();
        sa.host.childSaListener().deleted(child.in, child.out);
        sa.host.releaseChildSpi(child.in.spi());
        LOG.log(INFO, sa + ": " + child + " deleted");
    }

    /** Sends a Delete for {@code child} when the window is free and removes it once answered. */
    static void delete(IkeSa sa, ChildSaState child) {
        sa.enqueue(new IkeSa.Action() {
            @Override
            public void start(IkeSa current) {
                if (!current.children.contains(child)) return;
                child.phase = ChildSaState.Phase.DELETING;
                child.cancelTimers();
                current.sendRequest(ExchangeType.INFORMATIONAL, List.of(new Payload.Delete(Proposal.PROTOCOL_ESP, 4, List.of(spiOctets(child.in.spi())))),
                        (header, payloads, raw) -> remove(current, child), failure -> {
                        });
            }

            @Override
            public void abort(IkeFailure failure) {
            }
        });
    }

    /** The peer deleted Child SAs by their SPIs (its inbound, our outbound); returns our inbound SPIs of those removed. */
    static List<Octets> onDelete(IkeSa sa, List<Octets> spis) {
        List<Octets> ours = new ArrayList<>();
        for (Octets spi : spis) {
            if (spi.length() != 4) continue;
            int value = spiValue(spi);
            Optional<ChildSaState> child = sa.children.stream().filter(c -> c.out.spi() == value).findFirst();
            if (child.isEmpty()) {
                LOG.log(DEBUG, () -> sa + ": peer deletes unknown Child SA " + spi);
                continue;
            }
            if (child.get().phase == ChildSaState.Phase.REPLACED) switchOutbound(child.get());
            remove(sa, child.get());
            ours.add(spiOctets(child.get().in.spi()));
        }
        return ours;
    }

    private static void switchOutbound(ChildSaState old) {
        ChildSaState replacement = old.replacement;
        if (replacement == null) return;
        old.replacement = null;
        old.owner.host.childSaListener().outboundSwitched(old.out, replacement.out);
    }

    /** A CREATE_CHILD_SA request that is not an IKE SA rekey: a Child SA rekey (REKEY_SA) or a new Child SA. */
    static IkeSa.Reply onRequest(IkeSa sa, List<Payload> payloads) {
        Optional<Payload.Nonce> nonce = IkeMessage.first(payloads, Payload.Nonce.class);
        if (nonce.isEmpty()) return IkeSa.Reply.of(Payload.Notify.of(NotifyType.INVALID_SYNTAX));
        byte[] ni = nonce.get().data().toByteArray();
        byte[] nr = SaSetup.random(sa, SaSetup.NONCE_LENGTH);
        Optional<Payload.Notify> rekey = SaSetup.findNotify(payloads, NotifyType.REKEY_SA);
        if (rekey.isEmpty()) {
            Negotiated fresh = negotiateAsResponder(sa, payloads, ni, nr, true, sa.host.newReqid());
            if (fresh.state() != null) {
                activate(sa, fresh.state());
                sa.host.childSaListener().installed(fresh.state().in, fresh.state().out);
            }
            return IkeSa.Reply.of(fresh.answer());
        }
        Octets oldSpi = rekey.get().spi();
        Optional<ChildSaState> old = oldSpi.length() != 4 ? Optional.empty()
                : sa.children.stream().filter(c -> c.out.spi() == spiValue(oldSpi)).findFirst();
        if (old.isEmpty()) {
            return IkeSa.Reply.of(new Payload.Notify(Proposal.PROTOCOL_ESP, oldSpi, NotifyType.CHILD_SA_NOT_FOUND.code(), Octets.EMPTY));
        }
        ChildSaState child = old.get();
        if (child.phase != ChildSaState.Phase.ACTIVE) {
            // Colliding with our own rekey or delete of it: the peer retries later (RFC 7296 §2.25 allows TEMPORARY_FAILURE).
            LOG.log(INFO, sa + ": peer rekeys " + child + " while it is " + child.phase + "; answering TEMPORARY_FAILURE");
            return IkeSa.Reply.of(Payload.Notify.of(NotifyType.TEMPORARY_FAILURE));
        }
        Negotiated fresh = negotiateAsResponder(sa, payloads, ni, nr, true, child.reqid());
        if (fresh.state() == null) return IkeSa.Reply.of(fresh.answer());
        activate(sa, fresh.state());
        sa.host.childSaListener().inboundAdded(fresh.state().in);
        child.phase = ChildSaState.Phase.REPLACED;
        child.replacement = fresh.state();
        child.cancelTimers();
        child.replacedTimer = sa.host.schedule(sa.host.settings().halfOpenTimeout(), () -> {
            if (child.phase == ChildSaState.Phase.REPLACED && child.owner.children.contains(child)) {
                LOG.log(WARNING, child.owner + ": the peer rekeyed " + child + " but never deleted it; deleting it ourselves");
                switchOutbound(child);
                delete(child.owner, child);
            }
        });
        LOG.log(INFO, sa + ": peer rekeys " + child + " with " + fresh.state());
        return IkeSa.Reply.of(fresh.answer());
    }

    /** Starts a rekey of the Child SA with {@code reqid} (the first one when 0). */
    static CompletableFuture<Void> rekeyOnRequest(IkeSa sa, int reqid) {
        CompletableFuture<Void> result = new CompletableFuture<>();
        Optional<ChildSaState> child = sa.children.stream()
                .filter(c -> c.phase == ChildSaState.Phase.ACTIVE && (reqid == 0 || c.reqid() == reqid)).findFirst();
        if (child.isEmpty()) {
            result.completeExceptionally(new IkeException(new IkeFailure(sa.peer.name(), IkeFailure.Reason.CLOSED,
                    "no active Child SA" + (reqid == 0 ? "" : " with reqid " + reqid) + " to rekey")));
            return result;
        }
        sa.enqueue(new Rekey(child.get(), result));
        return result;
    }

    /** Our rekey of one Child SA: CREATE_CHILD_SA with REKEY_SA, install the new pair, switch, delete the old. */
    private static final class Rekey implements IkeSa.Action {
        private final ChildSaState child;
        private final CompletableFuture<Void> result;
        private DhGroup pfsGroup;
        private int retries;

        Rekey(ChildSaState child, CompletableFuture<Void> result) {
            this.child = child;
            this.result = result;
            this.pfsGroup = child.owner.peer.espProposals().stream().map(EspProposal::pfsGroup).flatMap(Optional::stream).findFirst().orElse(null);
        }

        @Override
        public void start(IkeSa sa) {
            if (!sa.children.contains(child) || child.phase != ChildSaState.Phase.ACTIVE) {
                if (child.phase == ChildSaState.Phase.REPLACED || !sa.children.contains(child)) {
                    result.complete(null); // the peer rekeyed or deleted it meanwhile
                } else {
                    result.completeExceptionally(new IkeException(new IkeFailure(sa.peer.name(), IkeFailure.Reason.CLOSED, child + " cannot be rekeyed now")));
                }
                return;
            }
            child.phase = ChildSaState.Phase.REKEYING;
            int newInSpi = sa.host.newChildSpi();
            byte[] ni = SaSetup.random(sa, SaSetup.NONCE_LENGTH);
            DiffieHellman dh = pfsGroup == null ? null : DiffieHellman.generate(pfsGroup, sa.host.random());
            List<Payload> payloads = new ArrayList<>();
            payloads.add(new Payload.Notify(Proposal.PROTOCOL_ESP, spiOctets(child.in.spi()), NotifyType.REKEY_SA.code(), Octets.EMPTY));
            payloads.add(new Payload.SecurityAssociation(Proposals.espOffer(sa.peer.espProposals(), spiOctets(newInSpi), true)));
            payloads.add(new Payload.Nonce(Octets.of(ni)));
            if (dh != null) payloads.add(new Payload.KeyExchange(dh.group().transformId(), Octets.of(dh.publicValue())));
            payloads.add(new Payload.TrafficSelectors(true, child.in.localTs()));
            payloads.add(new Payload.TrafficSelectors(false, child.in.remoteTs()));
            LOG.log(INFO, sa + ": rekeying " + child);
            sa.sendRequest(ExchangeType.CREATE_CHILD_SA, payloads, (header, answer, raw) -> onResponse(sa, answer, newInSpi, ni, dh), failure -> {
                sa.host.releaseChildSpi(newInSpi);
                result.completeExceptionally(new IkeException(failure));
            });
        }

        private void onResponse(IkeSa sa, List<Payload> answer, int newInSpi, byte[] ni, DiffieHellman dh) {
            Optional<Payload.Notify> error = SaSetup.firstError(answer);
            if (error.isPresent()) {
                sa.host.releaseChildSpi(newInSpi);
                child.phase = ChildSaState.Phase.ACTIVE;
                Payload.Notify notify = error.get();
                if (notify.is(NotifyType.TEMPORARY_FAILURE) && retries++ < MAX_REKEY_RETRIES) {
                    Duration wait = sa.host.settings().retransmitTimeout().multipliedBy(1 + sa.host.random().nextInt(4));
                    LOG.log(INFO, sa + ": peer is busy with " + child + " (TEMPORARY_FAILURE); retrying the rekey in " + wait);
                    sa.host.schedule(wait, () -> child.owner.enqueue(this));
                    return;
                }
                if (notify.is(NotifyType.INVALID_KE_PAYLOAD) && notify.data().length() == 2 && retries++ < MAX_REKEY_RETRIES) {
                    int wanted = (notify.data().get(0) << 8) | notify.data().get(1);
                    Optional<DhGroup> group = DhGroup.byTransformId(wanted)
                            .filter(g -> sa.peer.espProposals().stream().anyMatch(p -> p.pfsGroup().equals(Optional.of(g))));
                    if (group.isPresent()) {
                        pfsGroup = group.get();
                        sa.enqueue(this);
                        return;
                    }
                }
                fail(new IkeFailure(sa.peer.name(), SaSetup.reasonOf(notify), "the peer refused to rekey " + child + " with "
                        + NotifyType.name(notify.notifyType()) + SaSetup.hint(notify)));
                return;
            }
            Optional<Payload.Nonce> nonce = IkeMessage.first(answer, Payload.Nonce.class);
            Optional<ChildSaState> fresh = nonce.isEmpty() ? Optional.empty()
                    : acceptAsInitiator(sa, answer, newInSpi, ni, nonce.get().data().toByteArray(), dh, child.reqid(), true);
            if (fresh.isEmpty()) {
                sa.host.releaseChildSpi(newInSpi);
                child.phase = ChildSaState.Phase.ACTIVE;
                fail(new IkeFailure(sa.peer.name(), IkeFailure.Reason.PROTOCOL_ERROR, "the peer's rekey answer is not within what we offered: "
                        + IkeMessage.summary(answer)));
                return;
            }
            ChildSaState replacement = fresh.get();
            activate(sa, replacement);
            sa.host.childSaListener().inboundAdded(replacement.in);
            sa.host.childSaListener().outboundSwitched(child.out, replacement.out);
            child.phase = ChildSaState.Phase.DELETING;
            child.cancelTimers();
            sa.sendRequest(ExchangeType.INFORMATIONAL, List.of(new Payload.Delete(Proposal.PROTOCOL_ESP, 4, List.of(spiOctets(child.in.spi())))),
                    (header, payloads, raw) -> {
                        remove(sa, child);
                        result.complete(null);
                    },
                    failure -> result.completeExceptionally(new IkeException(failure)));
        }

        private void fail(IkeFailure failure) {
            LOG.log(WARNING, failure.toString());
            result.completeExceptionally(new IkeException(failure));
        }

        @Override
        public void abort(IkeFailure failure) {
            result.completeExceptionally(new IkeException(failure));
        }
    }

    private static Optional<Payload.TrafficSelectors> selectors(List<Payload> payloads, boolean initiator) {
        return IkeMessage.all(payloads, Payload.TrafficSelectors.class).stream().filter(ts -> ts.initiator() == initiator).findFirst();
    }

    /** The responder's narrowing (RFC 7296 §2.9): what the peer offered, cut to what we allow. */
    static List<TrafficSelector> narrow(List<TrafficSelector> offered, List<TrafficSelector> ours) {
        List<TrafficSelector> result = new ArrayList<>();
        for (TrafficSelector selector : offered) {
            for (TrafficSelector allowed : ours) {
                selector.intersect(allowed).filter(s -> !result.contains(s)).ifPresent(result::add);
            }
        }
        return result;
    }

    private static boolean within(List<TrafficSelector> answered, List<TrafficSelector> ours) {
        return !answered.isEmpty() && answered.stream().allMatch(a -> ours.stream().anyMatch(o -> o.contains(a)));
    }
}
