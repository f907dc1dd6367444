package dev.booster.ike;

import dev.booster.api.Secret;
import dev.booster.api.net.IpAddress;
import dev.booster.ike.testing.Recorder;
import dev.booster.ike.testing.Recorder.Closed;
import dev.booster.ike.testing.Recorder.Deleted;
import dev.booster.ike.testing.Recorder.Established;
import dev.booster.ike.testing.Recorder.Failed;
import dev.booster.ike.testing.Recorder.IkeRekeyed;
import dev.booster.ike.testing.Recorder.InboundAdded;
import dev.booster.ike.testing.Recorder.Installed;
import dev.booster.ike.testing.Recorder.OutboundSwitched;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Two IKE daemons in one JVM on loopback: alice (127.0.0.1) and bob (127.0.0.2), every exchange end to end. */
class LoopbackIkeTest {
    static final IkeSettings FAST = new IkeSettings(Duration.ofMillis(200), 1.5, 3, Duration.ofSeconds(5));
    static final Duration WAIT = Duration.ofSeconds(10);
    static final Secret PSK = Secret.ofString("correct horse battery staple");

    private final Recorder a = new Recorder();
    private final Recorder b = new Recorder();
    private IkeDaemon alice;
    private IkeDaemon bob;

    @AfterEach
    void closeDaemons() {
        if (alice != null) alice.close();
        if (bob != null) bob.close();
    }

    void start(UnaryOperator<PeerConfig.Builder> aliceSide, UnaryOperator<PeerConfig.Builder> bobSide) {
        alice = IkeDaemon.builder().settings(FAST).childSaListener(a).eventListener(a).bind(new InetSocketAddress("127.0.0.1", 0));
        bob = IkeDaemon.builder().settings(FAST).childSaListener(b).eventListener(b).bind(new InetSocketAddress("127.0.0.2", 0));
        alice.addPeer(aliceSide.apply(PeerConfig.builder("bob").remote(IpAddress.parse("127.0.0.2"), bob.localAddress().getPort()).psk(PSK)
                .localTs(TrafficSelector.of("10.1.0.0/16")).remoteTs(TrafficSelector.of("10.2.0.0/16"))).build());
        bob.addPeer(bobSide.apply(PeerConfig.builder("alice").remote(IpAddress.parse("127.0.0.1"), alice.localAddress().getPort()).psk(PSK)
                .localTs(TrafficSelector.of("10.2.0.0/16")).remoteTs(TrafficSelector.of("10.1.0.0/16"))).build());
    }

    void start() {
        start(UnaryOperator.identity(), UnaryOperator.identity());
    }

    static <T> T done(CompletableFuture<T> future) {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause(), e.getCause());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static IkeFailure failureOf(CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        return assertInstanceOf(IkeException.class, e.getCause()).failure();
    }

    /** What one side encrypts with, the other decrypts with: same SPI, key, salt, suite; tunnel ends swapped. */
    static void assertSamePair(ChildSa out, ChildSa in) {
        assertEquals(ChildSa.Direction.OUT, out.direction());
        assertEquals(ChildSa.Direction.IN, in.direction());
        assertEquals(out.spiHex(), in.spiHex());
        assertArrayEquals(out.key(), in.key());
        assertArrayEquals(out.salt(), in.salt());
        assertEquals(out.keyBits(), in.keyBits());
        assertEquals(out.esn(), in.esn());
        assertEquals(out.source(), in.source());
        assertEquals(out.destination(), in.destination());
        assertEquals(out.localTs(), in.remoteTs());
        assertEquals(out.remoteTs(), in.localTs());
    }

    static Stream<IkeProposal> ikeSuites() {
        return Stream.of(IkeProposal.AES_GCM_16_256_SHA256_X25519, IkeProposal.AES_GCM_16_256_SHA256_ECP256, IkeProposal.AES_CBC_256_SHA256_MODP2048);
    }

    @ParameterizedTest
    @MethodSource("ikeSuites")
    void initiatorAndResponderAgreeOnTheChildSaKeys(IkeProposal suite) {
        start(p -> p.ikeProposals(suite), p -> p.ikeProposals(suite));
        IkeSaInfo sa = done(alice.initiate("bob"));
        assertEquals(suite, sa.proposal());
        assertTrue(sa.initiator());
        assertEquals(1, sa.childSas().size());

        Installed mine = a.await(Installed.class, WAIT);
        Installed theirs = b.await(Installed.class, WAIT);
        assertSamePair(mine.out(), theirs.in());
        assertSamePair(theirs.out(), mine.in());
        assertEquals(256, mine.out().keyBits(), "our first ESP proposal is AES-GCM-16-256");
        assertTrue(mine.out().esn(), "both sides allow ESN and prefer it");
        assertEquals(IpAddress.parse("127.0.0.1"), mine.out().source());
        assertEquals(IpAddress.parse("127.0.0.2"), mine.out().destination());
        assertEquals(List.of(TrafficSelector.of("10.1.0.0/16")), mine.out().localTs());
        assertEquals(List.of(TrafficSelector.of("10.2.0.0/16")), mine.out().remoteTs());
        assertNotEquals(mine.in().spi(), mine.out().spi());

        IkeSaInfo bobsView = b.await(Established.class, WAIT).sa();
        assertEquals(sa.initiatorSpi(), bobsView.initiatorSpi());
        assertEquals(sa.responderSpi(), bobsView.responderSpi());
        assertEquals(Identity.of(IpAddress.parse("127.0.0.1")), bobsView.remoteId());
        assertEquals(List.of(), a.violations());
        assertEquals(List.of(), b.violations());
    }

    @Test
    void espSuiteAndEsnFollowTheResponderAmongWhatBothAllow() {
        start(p -> p.espProposals(EspProposal.aesGcm16(256, EspProposal.Esn.ON), EspProposal.aesGcm16(128, EspProposal.Esn.EITHER)),
                p -> p.espProposals(EspProposal.aesGcm16(128, EspProposal.Esn.OFF)));
        done(alice.initiate("bob"));
        ChildSa out = a.await(Installed.class, WAIT).out();
        assertEquals(128, out.keyBits());
        assertEquals(false, out.esn());
        assertEquals(16, out.key().length);
        assertSamePair(out, b.await(Installed.class, WAIT).in());
    }

    @Test
    void aWrongKeyExchangeGroupIsCorrectedByInvalidKePayload() {
        start(p -> p.ikeProposals(IkeProposal.AES_GCM_16_256_SHA256_ECP256, IkeProposal.AES_GCM_16_256_SHA256_X25519),
                p -> p.ikeProposals(IkeProposal.AES_GCM_16_256_SHA256_X25519));
        assertEquals(DhGroup.CURVE25519, done(alice.initiate("bob")).proposal().dhGroup());
    }

    @Test
    void rekeyingAChildSaIsMakeBeforeBreakOnBothSides() {
        start();
        done(alice.initiate("bob"));
        Installed first = a.await(Installed.class, WAIT);
        Installed bobsFirst = b.await(Installed.class, WAIT);

        done(alice.rekeyChildSa("bob"));

        InboundAdded newIn = a.await(InboundAdded.class, WAIT);
        OutboundSwitched switched = a.await(OutboundSwitched.class, WAIT);
        Deleted old = a.await(Deleted.class, WAIT);
        List<Recorder.Event> order = a.events().stream().filter(e -> e instanceof InboundAdded || e instanceof OutboundSwitched || e instanceof Deleted).toList();
        assertEquals(List.of(newIn, switched, old), order, "install new inbound, switch outbound, delete old");
        assertEquals(first.out(), switched.oldOut());
        assertEquals(first.in(), old.in());
        assertEquals(first.in().reqid(), newIn.in().reqid(), "the reqid survives the rekey");

        // Bob switches when alice deletes the old pair: by then alice decrypts with the new inbound SA.
        InboundAdded bobsNewIn = b.await(InboundAdded.class, WAIT);
        OutboundSwitched bobsSwitch = b.await(OutboundSwitched.class, WAIT);
        Deleted bobsOld = b.await(Deleted.class, WAIT);
        assertEquals(bobsFirst.out(), bobsSwitch.oldOut());
        assertEquals(bobsFirst.in(), bobsOld.in());
        assertSamePair(switched.newOut(), bobsNewIn.in());
        assertSamePair(bobsSwitch.newOut(), newIn.in());
        assertNotEquals(first.out().spi(), switched.newOut().spi());
        assertEquals(1, a.inbound().size());
        assertEquals(1, b.outbound().size());
        assertEquals(List.of(), a.violations());
        assertEquals(List.of(), b.violations());
    }

    @Test
    void theResponderCanRekeyTheChildSaToo() {
        start();
        done(alice.initiate("bob"));
        done(bob.rekeyChildSa("alice"));
        OutboundSwitched bobs = b.await(OutboundSwitched.class, WAIT);
        assertSamePair(bobs.newOut(), a.await(InboundAdded.class, WAIT).in());
        assertSamePair(a.await(OutboundSwitched.class, WAIT).newOut(), b.await(InboundAdded.class, WAIT).in());
        Recorder.awaitTrue("both have one Child SA left", () -> a.inbound().size() == 1 && b.inbound().size() == 1, WAIT);
    }

    @Test
    void rekeyWithPerfectForwardSecrecyRunsAKeyExchange() {
        EspProposal pfs = EspProposal.AES_GCM_16_256.withPfs(DhGroup.CURVE25519);
        start(p -> p.espProposals(pfs), p -> p.espProposals(pfs));
        done(alice.initiate("bob"));
        done(alice.rekeyChildSa("bob"));
        assertSamePair(a.await(OutboundSwitched.class, WAIT).newOut(), b.await(InboundAdded.class, WAIT).in());
    }

    @Test
    void rekeyingTheIkeSaKeepsTheChildSasAndMovesToNewSpis() {
        start();
        IkeSaInfo before = done(alice.initiate("bob"));
        IkeSaInfo after = done(alice.rekeyIkeSa("bob"));
        assertNotEquals(before.initiatorSpi(), after.initiatorSpi());
        assertNotEquals(before.responderSpi(), after.responderSpi());
        assertEquals(before.childSas(), after.childSas(), "the Child SAs move over unchanged");
        IkeRekeyed bobsView = b.await(IkeRekeyed.class, WAIT);
        assertEquals(after.initiatorSpi(), bobsView.replacement().initiatorSpi());
        assertEquals(List.of(), a.events(Deleted.class));
        assertEquals(List.of(), b.events(Deleted.class));
        Recorder.awaitTrue("the old IKE SA is gone on both sides", () -> alice.ikeSas().size() == 1 && bob.ikeSas().size() == 1, WAIT);
        // The new SA works: liveness, a Child SA rekey (which uses the new SK_d on both sides), and from bob's side too.
        done(alice.checkLiveness("bob"));
        done(bob.checkLiveness("alice"));
        done(bob.rekeyChildSa("alice"));
        assertSamePair(b.await(OutboundSwitched.class, WAIT).newOut(), a.await(InboundAdded.class, WAIT).in());
        assertEquals(List.of(), a.events(Closed.class));
    }

    @Test
    void lifetimesRekeyChildAndIkeSasByThemselves() {
        Lifetimes quick = new Lifetimes(Duration.ofMillis(1500), Duration.ofMillis(700), Duration.ofSeconds(5), 0.2);
        start(p -> p.lifetimes(quick), p -> p.lifetimes(Lifetimes.DEFAULT));
        done(alice.initiate("bob"));
        b.await(IkeRekeyed.class, WAIT);
        Recorder.awaitTrue("two Child SA rekeys", () -> a.events(Deleted.class).size() >= 2, WAIT);
        assertEquals(1, a.outbound().size(), "always exactly one outbound SA");
        assertEquals(List.of(), a.events(Closed.class));
        assertEquals(List.of(), a.violations());
        assertEquals(List.of(), b.violations());
    }

    @Test
    void livenessCheckIsAnEmptyInformationalTheResponderAnswers() {
        start();
        done(alice.initiate("bob"));
        Duration rtt = done(alice.checkLiveness("bob"));
        assertTrue(rtt.compareTo(WAIT) < 0);
        done(bob.checkLiveness("alice"));
    }

    @Test
    void deletingTheIkeSaDeletesItsChildSasOnBothSides() {
        start();
        done(alice.initiate("bob"));
        done(alice.terminate("bob"));
        a.await(Deleted.class, WAIT);
        b.await(Deleted.class, WAIT);
        assertEquals(IkeFailure.Reason.CLOSED, b.await(Closed.class, WAIT).why().reason());
        Recorder.awaitTrue("no SA left", () -> alice.ikeSas().isEmpty() && bob.ikeSas().isEmpty(), WAIT);
        assertEquals(List.of(), a.inbound());
        assertEquals(List.of(), b.outbound());
    }

    @Test
    void aWrongPskFailsClearlyOnBothSidesAndLeavesNoSa() {
        start(UnaryOperator.identity(), p -> p.psk(Secret.ofString("another key")));
        IkeFailure failure = failureOf(alice.initiate("bob"));
        assertEquals(IkeFailure.Reason.AUTHENTICATION_FAILED, failure.reason());
        assertTrue(failure.detail().contains("pre-shared key"), failure.detail());
        Failed bobs = b.await(Failed.class, WAIT);
        assertEquals(IkeFailure.Reason.AUTHENTICATION_FAILED, bobs.failure().reason());
        assertTrue(bobs.failure().detail().contains("pre-shared keys of both sides differ"), bobs.failure().detail());
        assertEquals(List.of(), a.events(Installed.class));
        assertEquals(List.of(), b.events(Installed.class));
        assertEquals(List.of(), alice.ikeSas());
        assertEquals(List.of(), bob.ikeSas());
        assertTrue(!failure.toString().contains("correct horse") && !bobs.toString().contains("another key"), "the PSK never shows");
    }

    @Test
    void noCommonIkeProposalIsNoProposalChosen() {
        start(p -> p.ikeProposals(IkeProposal.AES_CBC_256_SHA256_MODP2048), p -> p.ikeProposals(IkeProposal.AES_GCM_16_256_SHA256_X25519));
        IkeFailure failure = failureOf(alice.initiate("bob"));
        assertEquals(IkeFailure.Reason.NO_PROPOSAL_CHOSEN, failure.reason());
        assertTrue(failure.detail().contains("aes256-sha256-prfsha256-modp2048"), failure.detail());
        assertEquals(IkeFailure.Reason.NO_PROPOSAL_CHOSEN, b.await(Failed.class, WAIT).failure().reason());
        assertEquals(List.of(), alice.ikeSas());
        assertEquals(List.of(), bob.ikeSas());
    }

    @Test
    void noCommonEspProposalFailsTheChildAndDeletesTheIkeSa() {
        start(p -> p.espProposals(EspProposal.AES_GCM_16_128), p -> p.espProposals(EspProposal.AES_GCM_16_256));
        IkeFailure failure = failureOf(alice.initiate("bob"));
        assertEquals(IkeFailure.Reason.NO_PROPOSAL_CHOSEN, failure.reason());
        assertEquals(IkeFailure.Reason.NO_PROPOSAL_CHOSEN, b.await(Failed.class, WAIT).failure().reason());
        Recorder.awaitTrue("no IKE SA left", () -> alice.ikeSas().isEmpty() && bob.ikeSas().isEmpty(), WAIT);
        assertEquals(List.of(), a.events(Installed.class));
        assertEquals(List.of(), b.events(Installed.class));
    }

    @Test
    void disjointTrafficSelectorsAreTsUnacceptable() {
        start(p -> p.remoteTs(TrafficSelector.of("10.9.0.0/16")), UnaryOperator.identity());
        assertEquals(IkeFailure.Reason.TS_UNACCEPTABLE, failureOf(alice.initiate("bob")).reason());
    }

    @Test
    void aPeerThatNeverAnswersIsUnreachableAfterTheRetransmissions() throws Exception {
        alice = IkeDaemon.builder().settings(FAST).eventListener(a).bind(new InetSocketAddress("127.0.0.1", 0));
        try (var silent = java.nio.channels.DatagramChannel.open()) {
            silent.bind(new InetSocketAddress("127.0.0.2", 0));
            alice.addPeer(PeerConfig.builder("bob").remote(IpAddress.parse("127.0.0.2"), ((InetSocketAddress) silent.getLocalAddress()).getPort())
                    .psk(PSK).localTs(TrafficSelector.of("10.1.0.0/16")).remoteTs(TrafficSelector.of("10.2.0.0/16")).build());
            long start = System.nanoTime();
            IkeFailure failure = failureOf(alice.initiate("bob"));
            assertEquals(IkeFailure.Reason.PEER_UNREACHABLE, failure.reason());
            assertTrue(failure.detail().contains("after 4 transmissions"), failure.detail());
            // 200 + 300 + 450 + 675 ms of backoff
            assertTrue(System.nanoTime() - start >= Duration.ofMillis(1500).toNanos());
        }
    }
}
