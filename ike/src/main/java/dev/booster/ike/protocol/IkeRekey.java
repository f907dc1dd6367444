package dev.booster.ike.protocol;

import dev.booster.ike.DhGroup;
import dev.booster.ike.IkeException;
import dev.booster.ike.IkeFailure;
import dev.booster.ike.IkeProposal;
import dev.booster.ike.IkeSaInfo;
import dev.booster.ike.crypto.DiffieHellman;
import dev.booster.ike.crypto.IkeSaKeys;
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

import static java.lang.System.Logger.Level.INFO;
import static java.lang.System.Logger.Level.WARNING;

/**
 * Rekeying the IKE SA (RFC 7296 §1.3.2, §2.18): a CREATE_CHILD_SA on the old SA makes a new one with fresh SPIs and
 * keys from SKEYSEED = prf(SK_d (old), g^ir (new) | Ni | Nr); the Child SAs move over unchanged, then the old SA is
 * deleted. The side that starts the rekey is the original initiator of the new SA.
 */
final class IkeRekey {
    private static final System.Logger LOG = System.getLogger("dev.booster.ike");
    private static final int MAX_RETRIES = 5;

    private IkeRekey() {
    }

    static CompletableFuture<IkeSaInfo> start(IkeSa sa) {
        CompletableFuture<IkeSaInfo> result = new CompletableFuture<>();
        sa.enqueue(new Initiator(result, sa.proposal.dhGroup()));
        return result;
    }

    private static final class Initiator implements IkeSa.Action {
        private final CompletableFuture<IkeSaInfo> result;
        private DhGroup group;
        private int retries;

        Initiator(CompletableFuture<IkeSaInfo> result, DhGroup group) {
            this.result = result;
            this.group = group;
        }

        @Override
        public void start(IkeSa sa) {
            if (!sa.isEstablished()) {
                abort(new IkeFailure(sa.peer.name(), IkeFailure.Reason.CLOSED, "the IKE SA is not established"));
                return;
            }
            sa.rekeyingIke = true;
            long newSpi = sa.host.newIkeSpi();
            byte[] ni = SaSetup.random(sa, SaSetup.NONCE_LENGTH);
            DiffieHellman dh = DiffieHellman.generate(group, sa.host.random());
            // The current suite first: the peer already accepted it.
            List<IkeProposal> offer = new ArrayList<>(sa.peer.ikeProposals());
            offer.remove(sa.proposal);
            offer.addFirst(sa.proposal);
            offer.sort((a, b) -> Boolean.compare(b.dhGroup() == group, a.dhGroup() == group));
            List<Payload> payloads = List.of(
                    new Payload.SecurityAssociation(Proposals.ikeOffer(offer, spi8(newSpi))),
                    new Payload.Nonce(Octets.of(ni)),
                    new Payload.KeyExchange(group.transformId(), Octets.of(dh.publicValue())));
            LOG.log(INFO, sa + ": rekeying the IKE SA");
            sa.sendRequest(ExchangeType.CREATE_CHILD_SA, payloads, (header, answer, raw) -> onResponse(sa, answer, newSpi, ni, dh, offer), failure -> {
                sa.rekeyingIke = false;
                result.completeExceptionally(new IkeException(failure));
            });
        }

        private void onResponse(IkeSa sa, List<Payload> answer, long newSpiI, byte[] ni, DiffieHellman dh, List<IkeProposal> offer) {
            sa.rekeyingIke = false;
            Optional<Payload.Notify> error = SaSetup.firstError(answer);
            if (error.isPresent()) {
                Payload.Notify notify = error.get();
                if (notify.is(NotifyType.TEMPORARY_FAILURE) && retries++ < MAX_RETRIES) {
                    Duration wait = sa.host.settings().retransmitTimeout().multipliedBy(1 + sa.host.random().nextInt(4));
                    LOG.log(INFO, sa + ": peer is busy (TEMPORARY_FAILURE); retrying the IKE rekey in " + wait);
                    sa.host.schedule(wait, () -> sa.enqueue(this));
                    return;
                }
                if (notify.is(NotifyType.INVALID_KE_PAYLOAD) && notify.data().length() == 2 && retries++ < MAX_RETRIES) {
                    Optional<DhGroup> wanted = DhGroup.byTransformId((notify.data().get(0) << 8) | notify.data().get(1))
                            .filter(g -> sa.peer.ikeProposals().stream().anyMatch(p -> p.dhGroup() == g));
                    if (wanted.isPresent()) {
                        group = wanted.get();
                        sa.enqueue(this);
                        return;
                    }
                }
                fail(sa, SaSetup.reasonOf(notify), "the peer refused to rekey the IKE SA with " + NotifyType.name(notify.notifyType()));
                return;
            }
            Optional<Payload.SecurityAssociation> saPayload = IkeMessage.first(answer, Payload.SecurityAssociation.class);
            Optional<Payload.Nonce> nonce = IkeMessage.first(answer, Payload.Nonce.class);
            Optional<Payload.KeyExchange> ke = IkeMessage.first(answer, Payload.KeyExchange.class);
            if (saPayload.isEmpty() || nonce.isEmpty() || ke.isEmpty()) {
                fail(sa, IkeFailure.Reason.PROTOCOL_ERROR, "the IKE rekey answer lacks SA, nonce or KE: " + IkeMessage.summary(answer));
                return;
            }
            Optional<IkeProposal> suite = Proposals.acceptedIke(saPayload.get().proposals(), offer);
            Octets spi = saPayload.get().proposals().getFirst().spi();
            if (suite.isEmpty() || suite.get().dhGroup() != dh.group() || ke.get().dhGroup() != dh.group().transformId() || spi.length() != 8) {
                fail(sa, IkeFailure.Reason.PROTOCOL_ERROR, "the IKE rekey answer " + Proposals.describeOffer(saPayload.get().proposals())
                        + " is not what we offered");
                return;
            }
            byte[] gir;
            try {
                gir = dh.sharedSecret(ke.get().data().toByteArray());
            } catch (InvalidKeyExchangeException e) {
                fail(sa, IkeFailure.Reason.PROTOCOL_ERROR, e.getMessage());
                return;
            }
            byte[] nr = nonce.get().data().toByteArray();
            IkeSa fresh = successor(sa, true, newSpiI, spiValue(spi), suite.get(), gir, ni, nr);
            IkeSaInfo info = fresh.info();
            sa.sendRequest(ExchangeType.INFORMATIONAL, List.of(new Payload.Delete(Proposal.PROTOCOL_IKE, 0, List.of())),
                    (header, payloads, raw) -> sa.destroy(new IkeFailure(sa.peer.name(), IkeFailure.Reason.CLOSED, "replaced by a rekey")),
                    failure -> {
                    });
            result.complete(info);
        }

        private void fail(IkeSa sa, IkeFailure.Reason reason, String detail) {
            IkeFailure failure = new IkeFailure(sa.peer.name(), reason, detail);
            LOG.log(WARNING, sa + ": " + detail);
            result.completeExceptionally(new IkeException(failure));
        }

        @Override
        public void abort(IkeFailure failure) {
            result.completeExceptionally(new IkeException(failure));
        }
    }

    /** The peer's CREATE_CHILD_SA with an IKE proposal: answer it and switch to the new IKE SA once the answer is out. */
    static IkeSa.Reply onRequest(IkeSa sa, List<Payload> payloads) {
        if (sa.rekeyingIke || sa.windowBusy()) {
            // An exchange of ours is in flight on this SA; moving Child SAs under it would strand its answer.
            return IkeSa.Reply.of(Payload.Notify.of(NotifyType.TEMPORARY_FAILURE));
        }
        Optional<Payload.SecurityAssociation> saPayload = IkeMessage.first(payloads, Payload.SecurityAssociation.class);
        Optional<Payload.Nonce> nonce = IkeMessage.first(payloads, Payload.Nonce.class);
        Optional<Payload.KeyExchange> ke = IkeMessage.first(payloads, Payload.KeyExchange.class);
        if (saPayload.isEmpty() || nonce.isEmpty() || ke.isEmpty()) return IkeSa.Reply.of(Payload.Notify.of(NotifyType.INVALID_SYNTAX));
        Optional<Proposals.Selected<IkeProposal>> selected = Proposals.selectIke(saPayload.get().proposals(), sa.peer.ikeProposals());
        if (selected.isEmpty() || selected.get().offered().spi().length() != 8) {
            LOG.log(WARNING, sa + ": the peer's IKE rekey offers " + Proposals.describeOffer(saPayload.get().proposals()) + ", we accept " + sa.peer.ikeProposals());
            return IkeSa.Reply.of(Payload.Notify.of(NotifyType.NO_PROPOSAL_CHOSEN));
        }
        IkeProposal suite = selected.get().choice();
        int groupId = suite.dhGroup().transformId();
        if (ke.get().dhGroup() != groupId) {
            return IkeSa.Reply.of(Payload.Notify.of(NotifyType.INVALID_KE_PAYLOAD, Octets.of(new byte[]{(byte) (groupId >>> 8), (byte) groupId})));
        }
        DiffieHellman dh = DiffieHellman.generate(suite.dhGroup(), sa.host.random());
        byte[] gir;
        try {
            gir = dh.sharedSecret(ke.get().data().toByteArray());
        } catch (InvalidKeyExchangeException e) {
            LOG.log(WARNING, sa + ": " + e.getMessage());
            return IkeSa.Reply.of(Payload.Notify.of(NotifyType.INVALID_SYNTAX));
        }
        byte[] ni = nonce.get().data().toByteArray();
        byte[] nr = SaSetup.random(sa, SaSetup.NONCE_LENGTH);
        long newSpiR = sa.host.newIkeSpi();
        List<Payload> answer = List.of(
                new Payload.SecurityAssociation(List.of(Proposals.ike(suite, selected.get().offered().number(), spi8(newSpiR)))),
                new Payload.Nonce(Octets.of(nr)),
                new Payload.KeyExchange(groupId, Octets.of(dh.publicValue())));
        long newSpiI = spiValue(selected.get().offered().spi());
        return new IkeSa.Reply(answer, () -> {
            successor(sa, false, newSpiI, newSpiR, suite, gir, ni, nr);
            // The peer deletes the old SA next; if it never does, drop it quietly (its Child SAs have moved).
            sa.host.schedule(sa.host.settings().halfOpenTimeout(), () -> sa.destroy(new IkeFailure(sa.peer.name(), IkeFailure.Reason.CLOSED, "replaced by a rekey")));
        });
    }

    /** The new IKE SA: keys from the old SK_d, the Child SAs and waiting exchanges of the old one. */
    private static IkeSa successor(IkeSa old, boolean initiator, long spiI, long spiR, IkeProposal suite, byte[] gir, byte[] ni, byte[] nr) {
        // SKEYSEED uses the old SA's PRF: the rekey exchange belongs to the old SA (RFC 7296 §2.18).
        byte[] skeyseed = IkeSaKeys.rekeySkeyseed(old.prf, old.keys.skD(), gir, ni, nr);
        IkeSaInfo before = old.info();
        IkeSa fresh = new IkeSa(old.host, old.peer, old.remote, initiator, spiI, spiR);
        fresh.natT = old.natT;
        fresh.natDetected = old.natDetected;
        fresh.installKeys(suite, IkeSaKeys.derive(suite, skeyseed, ni, nr, spiI, spiR));
        Arrays.fill(skeyseed, (byte) 0);
        Arrays.fill(gir, (byte) 0);
        for (ChildSaState child : List.copyOf(old.children)) {
            child.owner = fresh;
            fresh.children.add(child);
        }
        old.children.clear();
        old.host.register(fresh);
        fresh.startLife();
        old.retire();
        old.handOverQueue(fresh);
        LOG.log(INFO, old + ": IKE SA rekeyed, continuing as " + fresh + " " + suite);
        old.host.eventListener().ikeSaRekeyed(before, fresh.info());
        return fresh;
    }

    private static Octets spi8(long spi) {
        byte[] bytes = new byte[8];
        for (int i = 0; i < 8; i++) bytes[i] = (byte) (spi >>> (56 - 8 * i));
        return Octets.of(bytes);
    }

    private static long spiValue(Octets spi) {
        long value = 0;
        for (int i = 0; i < 8; i++) value = (value << 8) | spi.get(i);
        return value;
    }
}
