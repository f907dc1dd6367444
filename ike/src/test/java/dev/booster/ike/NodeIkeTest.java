package dev.booster.ike;

import dev.booster.api.Secret;
import dev.booster.api.net.IpAddress;
import dev.booster.ike.testing.Recorder;
import dev.booster.ike.testing.RecordingSink;
import dev.booster.ike.testing.RecordingSink.AddInbound;
import dev.booster.ike.testing.RecordingSink.Call;
import dev.booster.ike.testing.RecordingSink.RemoveInbound;
import dev.booster.ike.testing.RecordingSink.SetOutbound;
import dev.booster.ipsec.EspAlgorithm;
import dev.booster.ipsec.EspDecryptor;
import dev.booster.ipsec.EspEncryptor;
import dev.booster.ipsec.EspInbound;
import dev.booster.ipsec.SecurityAssociation;
import dev.booster.ipsec.UdpEncapsulation;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

import static dev.booster.ike.LoopbackIkeTest.FAST;
import static dev.booster.ike.LoopbackIkeTest.PSK;
import static dev.booster.ike.LoopbackIkeTest.WAIT;
import static dev.booster.ike.LoopbackIkeTest.done;
import static dev.booster.ike.LoopbackIkeTest.failureOf;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Two nodes' IKE on loopback (127.0.0.1 and 127.0.0.2), each tunnel bound to a recording {@link dev.booster.ipsec.EspSaSink}:
 * the SAs each sink gets pair up (one side's outbound is the other's inbound), encrypt on one side and decrypt on
 * the other, rekey make-before-break, go away on close; failures install nothing and leave no thread or socket.
 */
class NodeIkeTest {
    private final RecordingSink sinkA = new RecordingSink();
    private final RecordingSink sinkB = new RecordingSink();
    private final Recorder eventsA = new Recorder();
    private final Recorder eventsB = new Recorder();
    private NodeIke nodeA;
    private NodeIke nodeB;
    private TunnelKeying toB;
    private TunnelKeying toA;

    @AfterEach
    void close() {
        if (nodeA != null) nodeA.close();
        if (nodeB != null) nodeB.close();
    }

    private void start(UnaryOperator<PeerConfig.Builder> aSide, UnaryOperator<PeerConfig.Builder> bSide) {
        nodeA = NodeIke.bind(new InetSocketAddress("127.0.0.1", 0), FAST);
        nodeB = NodeIke.bind(new InetSocketAddress("127.0.0.2", 0), FAST);
        toB = nodeA.addPeer(aSide.apply(PeerConfig.builder("node-b").remote(IpAddress.parse("127.0.0.2"), nodeB.daemon().localAddress().getPort())
                .psk(PSK).localTs(TrafficSelector.of("10.1.0.0/16")).remoteTs(TrafficSelector.of("10.2.0.0/16"))).build(), sinkA, eventsA);
        toA = nodeB.addPeer(bSide.apply(PeerConfig.builder("node-a").remote(IpAddress.parse("127.0.0.1"), nodeA.daemon().localAddress().getPort())
                .psk(PSK).localTs(TrafficSelector.of("10.2.0.0/16")).remoteTs(TrafficSelector.of("10.1.0.0/16"))).build(), sinkB, eventsB);
    }

    @Test
    void bothSinksGetMatchingSasThatCarryTrafficAndRekeyMakeBeforeBreak() throws Exception {
        start(UnaryOperator.identity(), UnaryOperator.identity());
        done(toB.initiate());
        Recorder.awaitTrue("node B installed", () -> sinkB.calls().size() == 2, WAIT);

        SecurityAssociation aOut = assertInstalled(sinkA);
        SecurityAssociation bOut = assertInstalled(sinkB);
        SecurityAssociation aIn = sinkA.calls(AddInbound.class).getFirst().sa();
        SecurityAssociation bIn = sinkB.calls(AddInbound.class).getFirst().sa();
        assertEquals(aOut, bIn, "A encrypts with what B decrypts: B's SPI, same key, salt, ESN, A -> B");
        assertEquals(bOut, aIn);
        assertEquals(InetAddress.getByName("127.0.0.1"), aOut.tunnel().source());
        assertEquals(InetAddress.getByName("127.0.0.2"), aOut.tunnel().destination());
        assertEquals(EspAlgorithm.AES_GCM_16_256, aOut.algorithm(), "the first default proposal");
        assertTrue(aOut.extendedSequenceNumbers(), "both sides offer ESN; it wins");
        assertEquals(Optional.empty(), aOut.tunnel().udpEncapsulation(), "no NAT, no NAT-T socket: plain ESP");
        assertEquals(java.util.Set.of(aIn.spi()), toB.inboundSpis());
        assertCarriesTraffic(aOut, sinkB);
        assertCarriesTraffic(bOut, sinkA);

        done(toB.rekey());
        Recorder.awaitTrue("node B removed the old inbound SA", () -> sinkB.calls().size() == 5, WAIT);
        assertRekeyedMakeBeforeBreak(sinkA, aIn.spi());
        assertRekeyedMakeBeforeBreak(sinkB, bIn.spi());
        SecurityAssociation newAOut = sinkA.outbound();
        assertNotEquals(aOut.spi(), newAOut.spi());
        assertEquals(newAOut, sinkB.inbound().values().iterator().next());
        assertCarriesTraffic(newAOut, sinkB);
        assertCarriesTraffic(sinkB.outbound(), sinkA);

        int lastInboundA = sinkA.inbound().keySet().iterator().next();
        toB.close();
        assertEquals(new RemoveInbound(lastInboundA), sinkA.calls().getLast());
        assertEquals(java.util.Map.of(), sinkA.inbound());
        Recorder.awaitTrue("node B removed its inbound SA after A's Delete", () -> sinkB.inbound().isEmpty(), WAIT);
        assertEquals(List.of(), nodeA.daemon().ikeSas());
        assertEquals(List.of(), nodeA.tunnels());
        assertEquals(List.of(), sinkA.violations());
        assertEquals(List.of(), sinkB.violations());
        assertEquals(6, sinkA.calls().size(), "install 2, rekey 3, close 1: " + sinkA.calls());
    }

    @Test
    void aWrongPskInstallsNothingAndReportsWhy() {
        start(UnaryOperator.identity(), p -> p.psk(Secret.ofString("not the same key")));
        IkeFailure failure = failureOf(toB.initiate());
        assertEquals(IkeFailure.Reason.AUTHENTICATION_FAILED, failure.reason());
        Recorder.Failed reported = eventsB.await(Recorder.Failed.class, WAIT);
        assertTrue(reported.failure().detail().contains("pre-shared keys of both sides differ"), reported.failure().detail());
        assertEquals(List.of(), sinkA.calls());
        assertEquals(List.of(), sinkB.calls());
        assertNoThreadOrSocketLeftAfterClose();
    }

    @Test
    void noCommonEspProposalInstallsNothing() {
        start(p -> p.espProposals(EspProposal.AES_GCM_16_256), p -> p.espProposals(EspProposal.AES_GCM_16_128));
        IkeFailure failure = failureOf(toB.initiate());
        assertEquals(IkeFailure.Reason.NO_PROPOSAL_CHOSEN, failure.reason());
        assertEquals(List.of(), sinkA.calls());
        assertEquals(List.of(), sinkB.calls());
        assertNoThreadOrSocketLeftAfterClose();
    }

    @Test
    void aPeerIsKeyedOnceAndAClosedHandleRefusesWork() {
        start(UnaryOperator.identity(), UnaryOperator.identity());
        PeerConfig again = PeerConfig.builder("node-b").remote(IpAddress.parse("127.0.0.3")).psk(PSK)
                .localTs(TrafficSelector.of("10.1.0.0/16")).remoteTs(TrafficSelector.of("10.3.0.0/16")).build();
        assertEquals("peer node-b is keyed already: close its TunnelKeying first",
                assertThrows(IllegalArgumentException.class, () -> nodeA.addPeer(again, new RecordingSink())).getMessage());
        toB.close();
        toB.close();
        assertInstanceOf(IllegalStateException.class, assertThrows(java.util.concurrent.ExecutionException.class,
                () -> toB.initiate().get()).getCause());
        TunnelKeying renewed = nodeA.addPeer(again, new RecordingSink());
        assertEquals(List.of(renewed), nodeA.tunnels());
    }

    @Test
    void childSasBecomeEspSasWithOurSpiInboundAndUdpEncapsulationWhenNegotiated() throws Exception {
        byte[] key = new byte[16];
        key[0] = 7;
        ChildSa in = new ChildSa("node-b", 3, 0xc0ffee01, ChildSa.Direction.IN, ChildSa.AES_GCM_16, 128, key, new byte[]{1, 2, 3, 4}, false,
                IpAddress.parse("192.0.2.2"), IpAddress.parse("192.0.2.1"), List.of(TrafficSelector.of("10.1.0.0/16")),
                List.of(TrafficSelector.of("10.2.0.0/16")), Duration.ofHours(1), Optional.of(new ChildSa.UdpEncapsulation(4501, 4500)));
        SecurityAssociation sa = EspSaBinding.securityAssociation(in);
        assertEquals(0xc0ffee01, sa.spi());
        assertEquals(EspAlgorithm.AES_GCM_16_128, sa.algorithm());
        assertArrayEquals(key, sa.key());
        assertArrayEquals(new byte[]{1, 2, 3, 4}, sa.salt());
        assertFalse(sa.extendedSequenceNumbers());
        assertEquals(InetAddress.getByName("192.0.2.2"), sa.tunnel().source(), "an inbound SA comes from the peer");
        assertEquals(Optional.of(new UdpEncapsulation(4501, 4500)), sa.tunnel().udpEncapsulation());

        ChildSa other = new ChildSa("node-b", 3, 0xc0ffee01, ChildSa.Direction.IN, "AES-CBC", 128, key, new byte[4], false,
                IpAddress.parse("192.0.2.2"), IpAddress.parse("192.0.2.1"), List.of(TrafficSelector.of("10.1.0.0/16")),
                List.of(TrafficSelector.of("10.2.0.0/16")), Duration.ofHours(1), Optional.empty());
        assertEquals("Child SA c0ffee01 of peer node-b uses AES-CBC; the ESP dataplane implements only AES-GCM-16 (propose EspProposal.AES_GCM_16_*)",
                assertThrows(IllegalArgumentException.class, () -> EspSaBinding.securityAssociation(other)).getMessage());
    }

    @Test
    void neitherThePskNorAKeyShowsInTheLogOrInWhatTheSinkGot() {
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.logging.Logger logger = java.util.logging.Logger.getLogger("dev.booster.ike");
        java.util.logging.Level previous = logger.getLevel();
        java.util.logging.Handler capture = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                lines.add(record.getMessage() + (record.getThrown() == null ? "" : " " + record.getThrown()));
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        capture.setLevel(java.util.logging.Level.ALL);
        logger.setLevel(java.util.logging.Level.ALL);
        logger.addHandler(capture);
        try {
            start(UnaryOperator.identity(), UnaryOperator.identity());
            done(toB.initiate());
            done(toB.rekey());
            List<SecurityAssociation> sas = sinkA.calls().stream().map(call -> switch (call) {
                case AddInbound add -> add.sa();
                case SetOutbound set -> set.sa();
                case RemoveInbound ignored -> null;
            }).filter(java.util.Objects::nonNull).toList();
            toB.close();
            nodeA.close();
            nodeB.close();
            List<String> texts = new java.util.ArrayList<>(lines);
            sinkA.calls().forEach(call -> texts.add(call.toString()));
            assertTrue(texts.size() > 10, "the run logged: " + texts);
            String psk = PSK.apply(bytes -> new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            List<String> secrets = new java.util.ArrayList<>(List.of(psk));
            for (SecurityAssociation sa : sas) secrets.add(java.util.HexFormat.of().formatHex(sa.key()));
            for (String text : texts) {
                for (String secret : secrets) assertFalse(text.toLowerCase().contains(secret.toLowerCase()), "leaked in: " + text);
            }
        } finally {
            logger.removeHandler(capture);
            logger.setLevel(previous);
        }
    }

    private void assertNoThreadOrSocketLeftAfterClose() {
        InetSocketAddress a = nodeA.daemon().localAddress();
        InetSocketAddress b = nodeB.daemon().localAddress();
        nodeA.close();
        nodeB.close();
        nodeA = null;
        nodeB = null;
        assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(name -> name.equals("ike-" + a.getPort()) || name.equals("ike-" + b.getPort())).toList());
        for (InetSocketAddress address : List.of(a, b)) {
            try (DatagramChannel again = DatagramChannel.open()) {
                again.bind(address);
            } catch (java.io.IOException e) {
                throw new AssertionError("the IKE socket on " + address + " is still open: " + e);
            }
        }
    }

    /** addInbound then setOutbound, nothing else; returns the outbound SA. */
    private static SecurityAssociation assertInstalled(RecordingSink sink) {
        List<Call> calls = sink.calls();
        assertEquals(2, calls.size(), calls.toString());
        assertInstanceOf(AddInbound.class, calls.get(0));
        return assertInstanceOf(SetOutbound.class, calls.get(1)).sa();
    }

    /** After the first two calls: addInbound(new), setOutbound(new), removeInbound(old), in that order. */
    private static void assertRekeyedMakeBeforeBreak(RecordingSink sink, int oldInboundSpi) {
        List<Call> calls = sink.calls();
        assertEquals(5, calls.size(), calls.toString());
        assertInstanceOf(AddInbound.class, calls.get(2));
        assertInstanceOf(SetOutbound.class, calls.get(3));
        assertEquals(new RemoveInbound(oldInboundSpi), calls.get(4));
    }

    /** One inner IPv4 packet encrypted with {@code outbound} comes back out of the other sink's inbound SAs. */
    static void assertCarriesTraffic(SecurityAssociation outbound, RecordingSink receiver) {
        byte[] inner = new byte[60];
        new java.util.Random(outbound.spi()).nextBytes(inner);
        inner[0] = 0x45;
        inner[2] = 0;
        inner[3] = (byte) inner.length;
        try (Arena arena = Arena.ofConfined(); EspEncryptor encryptor = EspEncryptor.open(outbound)) {
            List<EspDecryptor> decryptors = receiver.inbound().values().stream().map(EspDecryptor::open).toList();
            try {
                MemorySegment buffer = arena.allocate(128 + inner.length + 64);
                MemorySegment.copy(inner, 0, buffer, ValueLayout.JAVA_BYTE, 128, inner.length);
                int outer = encryptor.encrypt(buffer, 128, inner.length, 128, 64);
                assertTrue(outer > 0);
                int ipHeader = encryptor.headerBytes() - dev.booster.ipsec.Esp.PAYLOAD_OFFSET;
                long esp = 128 - dev.booster.ipsec.Esp.PAYLOAD_OFFSET;
                int innerLength = EspInbound.of(decryptors).decrypt(buffer, esp, outer - ipHeader);
                assertEquals(inner.length, innerLength);
                assertArrayEquals(inner, buffer.asSlice(esp + dev.booster.ipsec.Esp.PAYLOAD_OFFSET, innerLength).toArray(ValueLayout.JAVA_BYTE));
            } finally {
                decryptors.forEach(EspDecryptor::close);
            }
        }
    }
}
