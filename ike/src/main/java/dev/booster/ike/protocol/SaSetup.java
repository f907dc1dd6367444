package dev.booster.ike.protocol;

import dev.booster.ike.DhGroup;
import dev.booster.ike.Identity;
import dev.booster.ike.IkeFailure;
import dev.booster.ike.IkeProposal;
import dev.booster.ike.PeerConfig;
import dev.booster.ike.crypto.DiffieHellman;
import dev.booster.ike.crypto.IkeSaKeys;
import dev.booster.ike.crypto.InvalidKeyExchangeException;
import dev.booster.ike.crypto.Prf;
import dev.booster.ike.crypto.PskAuth;
import dev.booster.ike.message.ExchangeType;
import dev.booster.ike.message.IkeHeader;
import dev.booster.ike.message.IkeMessage;
import dev.booster.ike.message.MessageCodec;
import dev.booster.ike.message.NotifyType;
import dev.booster.ike.message.Octets;
import dev.booster.ike.message.Payload;
import dev.booster.ike.message.Proposal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

import static java.lang.System.Logger.Level.DEBUG;
import static java.lang.System.Logger.Level.INFO;

/** IKE_SA_INIT and IKE_AUTH (RFC 7296 §1.2, §2.15) in both roles, with the first Child SA. */
final class SaSetup {
    private static final System.Logger LOG = System.getLogger("dev.booster.ike");
    static final int NONCE_LENGTH = 32;
    private static final int MAX_INIT_RETRIES = 3;

    private SaSetup() {
    }

    /** What IKE_AUTH signs and derives from: both nonces and both IKE_SA_INIT messages as they were sent. */
    static final class InitData {
        byte[] ni;
        byte[] nr;
        byte[] initRequest;
        byte[] initResponse;
    }

    // ---- initiator ----

    static IkeSa initiate(dev.booster.ike.protocol.SaHost host, PeerConfig peer) {
        IkeSa sa = new IkeSa(host, peer, new java.net.InetSocketAddress(IkeSa.toInet(peer.remoteAddress()), peer.remotePort()), true, host.newIkeSpi(), 0);
        host.register(sa);
        new Initiator(sa).sendInit();
        return sa;
    }

    private static final class Initiator {
        private final IkeSa sa;
        private DiffieHellman dh;
        private Octets cookie;
        private int retries;
        private int childSpi;

        Initiator(IkeSa sa) {
            this.sa = sa;
            sa.initData = new InitData();
            sa.initData.ni = random(sa, NONCE_LENGTH);
            this.dh = DiffieHellman.generate(sa.peer.ikeProposals().getFirst().dhGroup(), sa.host.random());
        }

        void sendInit() {
            List<Payload> payloads = new ArrayList<>();
            if (cookie != null) payloads.add(Payload.Notify.of(NotifyType.COOKIE, cookie));
            payloads.add(new Payload.SecurityAssociation(Proposals.ikeOffer(sa.peer.ikeProposals(), Octets.EMPTY)));
            payloads.add(new Payload.KeyExchange(dh.group().transformId(), Octets.of(dh.publicValue())));
            payloads.add(new Payload.Nonce(Octets.of(sa.initData.ni)));
            if (sa.host.hasNatT()) payloads.addAll(NatDetection.notifies(sa.spiI, 0, sa.host.localAddress(sa.peer, false), sa.remote));
            LOG.log(INFO, sa + ": initiating IKE SA to " + sa.remote + " offering " + sa.peer.ikeProposals());
            sa.initData.initRequest = sa.resendInit(payloads, this::onInitResponse, failure -> {
            });
        }

        private void onInitResponse(IkeHeader header, List<Payload> payloads, byte[] raw) {
            Optional<Payload.Notify> error = firstError(payloads);
            Optional<Payload.Notify> cookieNotify = findNotify(payloads, NotifyType.COOKIE);
            if (cookieNotify.isPresent() && retries++ < MAX_INIT_RETRIES) {
                LOG.log(DEBUG, () -> sa + ": peer asks for a cookie");
                cookie = cookieNotify.get().data();
                sendInit();
                return;
            }
            if (error.isPresent()) {
                Payload.Notify notify = error.get();
                if (notify.is(NotifyType.INVALID_KE_PAYLOAD) && notify.data().length() == 2 && retries++ < MAX_INIT_RETRIES) {
                    int wanted = (notify.data().get(0) << 8) | notify.data().get(1);
                    Optional<DhGroup> group = DhGroup.byTransformId(wanted).filter(g -> sa.peer.ikeProposals().stream().anyMatch(p -> p.dhGroup() == g));
                    if (group.isPresent() && group.get() != dh.group()) {
                        LOG.log(INFO, sa + ": peer wants key exchange group " + group.get() + ", retrying with it");
                        dh = DiffieHellman.generate(group.get(), sa.host.random());
                        sendInit();
                        return;
                    }
                    fail(IkeFailure.Reason.NO_PROPOSAL_CHOSEN, "the peer wants key exchange group " + wanted + ", which we do not offer: add it to ikeProposals");
                    return;
                }
                if (notify.is(NotifyType.NO_PROPOSAL_CHOSEN)) {
                    fail(IkeFailure.Reason.NO_PROPOSAL_CHOSEN, "the peer accepts none of our IKE proposals " + sa.peer.ikeProposals()
                            + " (NO_PROPOSAL_CHOSEN): configure a proposal both sides share");
                    return;
                }
                fail(IkeFailure.Reason.PEER_ERROR, "the peer answered IKE_SA_INIT with " + NotifyType.name(notify.notifyType()));
                return;
            }
            Optional<Payload.SecurityAssociation> saPayload = IkeMessage.first(payloads, Payload.SecurityAssociation.class);
            Optional<Payload.KeyExchange> ke = IkeMessage.first(payloads, Payload.KeyExchange.class);
            Optional<Payload.Nonce> nonce = IkeMessage.first(payloads, Payload.Nonce.class);
            if (saPayload.isEmpty() || ke.isEmpty() || nonce.isEmpty() || header.responderSpi() == 0) {
                fail(IkeFailure.Reason.PROTOCOL_ERROR, "IKE_SA_INIT response lacks SA, KE, nonce or responder SPI: " + IkeMessage.summary(payloads));
                return;
            }
            Optional<IkeProposal> suite = Proposals.acceptedIke(saPayload.get().proposals(), sa.peer.ikeProposals());
            if (suite.isEmpty() || suite.get().dhGroup() != dh.group() || ke.get().dhGroup() != dh.group().transformId()) {
                fail(IkeFailure.Reason.PROTOCOL_ERROR, "the peer chose " + Proposals.describeOffer(saPayload.get().proposals())
                        + ", which is not what we offered with key exchange group " + dh.group());
                return;
            }
            byte[] gir;
            try {
                gir = dh.sharedSecret(ke.get().data().toByteArray());
            } catch (InvalidKeyExchangeException e) {
                fail(IkeFailure.Reason.PROTOCOL_ERROR, e.getMessage());
                return;
            }
            InitData init = sa.initData;
            init.nr = nonce.get().data().toByteArray();
            init.initResponse = Arrays.copyOf(raw, header.length());
            sa.spiR = header.responderSpi();
            if (NatDetection.translated(payloads, sa.spiI, sa.spiR, sa.remote, sa.host.localAddress(sa.peer, false))) {
                // RFC 7296 §2.23: the initiator moves to port 4500 for IKE_AUTH; ESP will go in UDP.
                sa.natDetected = true;
                sa.natT = true;
                sa.remote = new java.net.InetSocketAddress(sa.remote.getAddress(), sa.peer.remoteNatTPort());
                LOG.log(INFO, sa + ": NAT detected, continuing on " + sa.remote + " with UDP-encapsulated ESP");
            }
            Prf prf = new Prf(suite.get().prf());
            byte[] skeyseed = IkeSaKeys.skeyseed(prf, init.ni, init.nr, gir);
            sa.installKeys(suite.get(), IkeSaKeys.derive(suite.get(), skeyseed, init.ni, init.nr, sa.spiI, sa.spiR));
            Arrays.fill(gir, (byte) 0);
            Arrays.fill(skeyseed, (byte) 0);
            LOG.log(DEBUG, () -> sa + ": selected " + suite.get());
            sendAuth();
        }

        private void sendAuth() {
            InitData init = sa.initData;
            childSpi = sa.host.newChildSpi();
            Payload.Identification idi = identification(sa.localId(), true);
            byte[] auth = sa.peer.psk().apply(psk -> PskAuth.compute(sa.prf, psk, init.initRequest, init.nr, sa.keys.skPi(), idBody(idi)));
            List<Payload> payloads = new ArrayList<>();
            payloads.add(idi);
            if (sa.host.sasOfPeer(sa.peer.name()).stream().noneMatch(other -> other != sa && other.isEstablished())) {
                payloads.add(Payload.Notify.of(NotifyType.INITIAL_CONTACT));
            }
            payloads.add(new Payload.Authentication(Payload.Authentication.SHARED_KEY_MIC, Octets.of(auth)));
            payloads.add(new Payload.SecurityAssociation(Proposals.espOffer(sa.peer.espProposals(), ChildExchanges.spiOctets(childSpi), false)));
            payloads.add(new Payload.TrafficSelectors(true, sa.peer.localTs()));
            payloads.add(new Payload.TrafficSelectors(false, sa.peer.remoteTs()));
            sa.sendRequest(ExchangeType.IKE_AUTH, payloads, this::onAuthResponse, failure -> sa.host.releaseChildSpi(childSpi));
        }

        private void onAuthResponse(IkeHeader header, List<Payload> payloads, byte[] raw) {
            InitData init = sa.initData;
            if (findNotify(payloads, NotifyType.AUTHENTICATION_FAILED).isPresent()) {
                sa.host.releaseChildSpi(childSpi);
                fail(IkeFailure.Reason.AUTHENTICATION_FAILED, "the peer refused our authentication (AUTHENTICATION_FAILED): its pre-shared key "
                        + "or the identity it expects from us (we are " + sa.localId() + ") differs from ours");
                return;
            }
            Optional<Payload.Identification> idr = IkeMessage.all(payloads, Payload.Identification.class).stream().filter(id -> !id.initiator()).findFirst();
            Optional<Payload.Authentication> auth = IkeMessage.first(payloads, Payload.Authentication.class);
            if (idr.isEmpty() || auth.isEmpty()) {
                sa.host.releaseChildSpi(childSpi);
                Optional<Payload.Notify> error = firstError(payloads);
                fail(error.isPresent() ? IkeFailure.Reason.PEER_ERROR : IkeFailure.Reason.PROTOCOL_ERROR, "the IKE_AUTH response holds no IDr and AUTH: "
                        + IkeMessage.summary(payloads));
                return;
            }
            Optional<Identity> who = Identity.fromPayload(idr.get().idType(), idr.get().data().toByteArray());
            if (who.isEmpty() || !who.get().equals(sa.peer.remoteId())) {
                refuse("the peer identifies as " + who.map(Identity::toString).orElse("an unsupported ID type " + idr.get().idType())
                        + ", but remoteId is " + sa.peer.remoteId() + ": set remoteId to the peer's identity");
                return;
            }
            byte[] expected = sa.peer.psk().apply(psk -> PskAuth.compute(sa.prf, psk, init.initResponse, init.ni, sa.keys.skPr(), idBody(idr.get())));
            if (auth.get().method() != Payload.Authentication.SHARED_KEY_MIC || !PskAuth.verify(expected, auth.get().data().toByteArray())) {
                refuse("the peer's AUTH payload does not verify: the pre-shared keys of both sides differ");
                return;
            }
            Optional<Payload.Notify> childError = firstError(payloads);
            Optional<IkeFailure> childFailure = childError.map(n -> new IkeFailure(sa.peer.name(), reasonOf(n),
                    "the peer refused our Child SA with " + NotifyType.name(n.notifyType()) + hint(n)));
            if (childFailure.isEmpty()) {
                Optional<ChildSaState> child = ChildExchanges.acceptAsInitiator(sa, payloads, childSpi, init.ni, init.nr, null, sa.host.newReqid(), false);
                if (child.isPresent()) {
                    ChildExchanges.activate(sa, child.get());
                    sa.host.childSaListener().installed(child.get().in, child.get().out);
                } else {
                    childFailure = Optional.of(new IkeFailure(sa.peer.name(), IkeFailure.Reason.PROTOCOL_ERROR,
                            "the peer's Child SA answer is not within what we offered: " + IkeMessage.summary(payloads)));
                }
            }
            if (childFailure.isPresent()) {
                sa.host.releaseChildSpi(childSpi);
                sa.reportFailure(childFailure.get());
                sa.startLife();
                sa.delete("its first Child SA could not be set up");
                return;
            }
            sa.markEstablished();
        }

        /** Our side refuses the peer after IKE_AUTH: tell the peer (once) and drop the SA. */
        private void refuse(String detail) {
            sa.host.releaseChildSpi(childSpi);
            sa.sendOneShot(ExchangeType.INFORMATIONAL, List.of(new Payload.Delete(Proposal.PROTOCOL_IKE, 0, List.of())));
            fail(IkeFailure.Reason.AUTHENTICATION_FAILED, detail);
        }

        private void fail(IkeFailure.Reason reason, String detail) {
            sa.destroy(new IkeFailure(sa.peer.name(), reason, detail));
        }
    }

    // ---- responder ----

    static Optional<IkeSa> respond(SaHost host, PeerConfig peer, java.net.InetSocketAddress from, boolean viaNatT, IkeMessage request, byte[] raw) {
        IkeHeader header = request.header();
        List<Payload> payloads = request.payloads();
        Optional<Payload.SecurityAssociation> saPayload = IkeMessage.first(payloads, Payload.SecurityAssociation.class);
        Optional<Payload.KeyExchange> ke = IkeMessage.first(payloads, Payload.KeyExchange.class);
        Optional<Payload.Nonce> nonce = IkeMessage.first(payloads, Payload.Nonce.class);
        if (saPayload.isEmpty() || ke.isEmpty() || nonce.isEmpty()) {
            LOG.log(DEBUG, () -> "dropping IKE_SA_INIT from " + from + " without SA, KE or nonce");
            return Optional.empty();
        }
        Optional<Proposals.Selected<IkeProposal>> selected = Proposals.selectIke(saPayload.get().proposals(), peer.ikeProposals());
        if (selected.isEmpty()) {
            refuseInit(host, header, from, viaNatT, Payload.Notify.of(NotifyType.NO_PROPOSAL_CHOSEN));
            IkeFailure failure = new IkeFailure(peer.name(), IkeFailure.Reason.NO_PROPOSAL_CHOSEN, "the peer offered "
                    + Proposals.describeOffer(saPayload.get().proposals()) + ", we accept " + peer.ikeProposals() + ": configure a proposal both sides share");
            LOG.log(System.Logger.Level.WARNING, "IKE_SA_INIT from " + peer.name() + ": " + failure.detail());
            host.eventListener().failed(failure);
            return Optional.empty();
        }
        IkeProposal suite = selected.get().choice();
        if (ke.get().dhGroup() != suite.dhGroup().transformId()) {
            LOG.log(DEBUG, () -> peer.name() + ": asking for key exchange group " + suite.dhGroup() + " instead of " + ke.get().dhGroup());
            int group = suite.dhGroup().transformId();
            refuseInit(host, header, from, viaNatT, Payload.Notify.of(NotifyType.INVALID_KE_PAYLOAD, Octets.of(new byte[]{(byte) (group >>> 8), (byte) group})));
            return Optional.empty();
        }
        DiffieHellman dh = DiffieHellman.generate(suite.dhGroup(), host.random());
        byte[] gir;
        try {
            gir = dh.sharedSecret(ke.get().data().toByteArray());
        } catch (InvalidKeyExchangeException e) {
            refuseInit(host, header, from, viaNatT, Payload.Notify.of(NotifyType.INVALID_SYNTAX));
            host.eventListener().failed(new IkeFailure(peer.name(), IkeFailure.Reason.PROTOCOL_ERROR, e.getMessage()));
            return Optional.empty();
        }
        IkeSa sa = new IkeSa(host, peer, from, false, header.initiatorSpi(), host.newIkeSpi());
        sa.natT = viaNatT;
        boolean natD = NatDetection.offered(payloads) && host.hasNatT();
        sa.natDetected = natD && NatDetection.translated(payloads, sa.spiI, 0, from, host.localAddress(peer, viaNatT));
        InitData init = new InitData();
        sa.initData = init;
        init.ni = nonce.get().data().toByteArray();
        init.nr = random(sa, NONCE_LENGTH);
        init.initRequest = Arrays.copyOf(raw, header.length());
        Prf prf = new Prf(suite.prf());
        byte[] skeyseed = IkeSaKeys.skeyseed(prf, init.ni, init.nr, gir);
        sa.installKeys(suite, IkeSaKeys.derive(suite, skeyseed, init.ni, init.nr, sa.spiI, sa.spiR));
        Arrays.fill(gir, (byte) 0);
        Arrays.fill(skeyseed, (byte) 0);
        List<Payload> answer = new ArrayList<>(List.of(
                new Payload.SecurityAssociation(List.of(Proposals.ike(suite, selected.get().offered().number(), Octets.EMPTY))),
                new Payload.KeyExchange(suite.dhGroup().transformId(), Octets.of(dh.publicValue())),
                new Payload.Nonce(Octets.of(init.nr))));
        if (natD) answer.addAll(NatDetection.notifies(sa.spiI, sa.spiR, host.localAddress(peer, viaNatT), from));
        if (sa.natDetected) LOG.log(INFO, sa + ": NAT detected; ESP will be UDP-encapsulated once the peer moves to NAT-T");
        sa.sendResponse(ExchangeType.IKE_SA_INIT, 0, answer);
        init.initResponse = sa.lastResponse();
        sa.startHalfOpen();
        host.register(sa);
        LOG.log(INFO, sa + ": " + peer.name() + " is initiating an IKE SA, selected " + suite);
        return Optional.of(sa);
    }

    private static void refuseInit(SaHost host, IkeHeader request, java.net.InetSocketAddress to, boolean viaNatT, Payload.Notify notify) {
        IkeHeader header = IkeHeader.of(request.initiatorSpi(), 0, ExchangeType.IKE_SA_INIT, false, true, 0);
        host.send(MessageCodec.encode(header, List.of(notify)), to, viaNatT);
    }

    /** The peer's IKE_AUTH request, on the responder's half-open SA. */
    static IkeSa.Reply onAuthRequest(IkeSa sa, List<Payload> payloads) {
        if (sa.state != IkeSa.State.CONNECTING || sa.initiator || sa.initData == null) return null;
        InitData init = sa.initData;
        Optional<Payload.Identification> idi = IkeMessage.all(payloads, Payload.Identification.class).stream().filter(Payload.Identification::initiator).findFirst();
        Optional<Payload.Authentication> auth = IkeMessage.first(payloads, Payload.Authentication.class);
        if (idi.isEmpty() || auth.isEmpty()) {
            return refuseAuth(sa, IkeFailure.Reason.PROTOCOL_ERROR, "IKE_AUTH request without IDi and AUTH: " + IkeMessage.summary(payloads));
        }
        Optional<Identity> who = Identity.fromPayload(idi.get().idType(), idi.get().data().toByteArray());
        if (who.isEmpty() || !who.get().equals(sa.peer.remoteId())) {
            return refuseAuth(sa, IkeFailure.Reason.AUTHENTICATION_FAILED, "the peer identifies as "
                    + who.map(Identity::toString).orElse("an unsupported ID type " + idi.get().idType()) + ", but remoteId is " + sa.peer.remoteId()
                    + ": set remoteId to the peer's identity");
        }
        if (auth.get().method() != Payload.Authentication.SHARED_KEY_MIC) {
            return refuseAuth(sa, IkeFailure.Reason.AUTHENTICATION_FAILED, "the peer authenticates with method " + auth.get().method()
                    + "; Booster does pre-shared keys (2) only");
        }
        byte[] expected = sa.peer.psk().apply(psk -> PskAuth.compute(sa.prf, psk, init.initRequest, init.nr, sa.keys.skPi(), idBody(idi.get())));
        if (!PskAuth.verify(expected, auth.get().data().toByteArray())) {
            return refuseAuth(sa, IkeFailure.Reason.AUTHENTICATION_FAILED, "the peer's AUTH payload does not verify: the pre-shared keys of both sides differ");
        }
        Payload.Identification idr = identification(sa.localId(), false);
        byte[] ourAuth = sa.peer.psk().apply(psk -> PskAuth.compute(sa.prf, psk, init.initResponse, init.ni, sa.keys.skPr(), idBody(idr)));
        List<Payload> answer = new ArrayList<>(List.of(idr, new Payload.Authentication(Payload.Authentication.SHARED_KEY_MIC, Octets.of(ourAuth))));
        ChildExchanges.Negotiated child = ChildExchanges.negotiateAsResponder(sa, payloads, init.ni, init.nr, false, sa.host.newReqid());
        answer.addAll(child.answer());
        if (child.state() != null) {
            ChildExchanges.activate(sa, child.state());
            sa.host.childSaListener().installed(child.state().in, child.state().out);
        }
        boolean initialContact = findNotify(payloads, NotifyType.INITIAL_CONTACT).isPresent();
        return new IkeSa.Reply(answer, () -> {
            sa.markEstablished();
            if (child.failure() != null) sa.host.eventListener().failed(child.failure());
            if (initialContact) {
                for (IkeSa other : sa.host.sasOfPeer(sa.peer.name())) {
                    if (other != sa) other.destroy(new IkeFailure(sa.peer.name(), IkeFailure.Reason.CLOSED, "the peer sent INITIAL_CONTACT: it restarted"));
                }
            }
        });
    }

    private static IkeSa.Reply refuseAuth(IkeSa sa, IkeFailure.Reason reason, String detail) {
        return new IkeSa.Reply(List.of(Payload.Notify.of(NotifyType.AUTHENTICATION_FAILED)),
                () -> sa.destroy(new IkeFailure(sa.peer.name(), reason, detail)));
    }

    // ---- shared ----

    static Payload.Identification identification(Identity identity, boolean initiator) {
        return new Payload.Identification(initiator, identity.type().code(), Octets.of(identity.toBytes()));
    }

    /** ID payload body as AUTH signs it: ID type, three reserved bytes, the data (RFC 7296 §2.15). */
    static byte[] idBody(Payload.Identification id) {
        byte[] body = new byte[4 + id.data().length()];
        body[0] = (byte) id.idType();
        id.data().copyTo(body, 4);
        return body;
    }

    static Optional<Payload.Notify> firstError(List<Payload> payloads) {
        return IkeMessage.all(payloads, Payload.Notify.class).stream().filter(Payload.Notify::isError).findFirst();
    }

    static Optional<Payload.Notify> findNotify(List<Payload> payloads, NotifyType type) {
        return IkeMessage.all(payloads, Payload.Notify.class).stream().filter(n -> n.is(type)).findFirst();
    }

    static IkeFailure.Reason reasonOf(Payload.Notify notify) {
        if (notify.is(NotifyType.NO_PROPOSAL_CHOSEN)) return IkeFailure.Reason.NO_PROPOSAL_CHOSEN;
        if (notify.is(NotifyType.TS_UNACCEPTABLE)) return IkeFailure.Reason.TS_UNACCEPTABLE;
        if (notify.is(NotifyType.AUTHENTICATION_FAILED)) return IkeFailure.Reason.AUTHENTICATION_FAILED;
        return IkeFailure.Reason.PEER_ERROR;
    }

    static String hint(Payload.Notify notify) {
        if (notify.is(NotifyType.NO_PROPOSAL_CHOSEN)) {
            return ": the peer accepts none of our ESP proposals (or could not install the SA); configure a proposal both sides share";
        }
        if (notify.is(NotifyType.TS_UNACCEPTABLE)) return ": the traffic selectors (pod CIDRs) of both sides do not overlap";
        return "";
    }

    static byte[] random(IkeSa sa, int length) {
        byte[] bytes = new byte[length];
        sa.host.random().nextBytes(bytes);
        return bytes;
    }
}
