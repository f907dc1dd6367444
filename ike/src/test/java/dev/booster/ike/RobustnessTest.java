package dev.booster.ike;

import dev.booster.api.Secret;
import dev.booster.api.net.IpAddress;
import dev.booster.ike.message.ExchangeType;
import dev.booster.ike.message.IkeHeader;
import dev.booster.ike.message.MessageCodec;
import dev.booster.ike.message.Octets;
import dev.booster.ike.message.Payload;
import dev.booster.ike.message.PayloadType;
import dev.booster.ike.testing.Recorder;
import dev.booster.ike.testing.Recorder.Closed;
import dev.booster.ike.testing.Recorder.Deleted;
import dev.booster.ike.testing.Recorder.Installed;
import dev.booster.ike.testing.UdpRelay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.booster.ike.LoopbackIkeTest.FAST;
import static dev.booster.ike.LoopbackIkeTest.PSK;
import static dev.booster.ike.LoopbackIkeTest.WAIT;
import static dev.booster.ike.LoopbackIkeTest.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the network does to IKE: garbage, forgeries, lost datagrams, a peer that goes away. */
class RobustnessTest {
    private final Recorder a = new Recorder();
    private final Recorder b = new Recorder();
    private IkeDaemon alice;
    private IkeDaemon bob;
    private UdpRelay relay;

    @AfterEach
    void close() throws IOException {
        if (alice != null) alice.close();
        if (bob != null) bob.close();
        if (relay != null) relay.close();
    }

    /** alice (127.0.0.1) and bob (127.0.0.2) talk through a relay on 127.0.0.3, so each knows the other by FQDN. */
    private void startThroughRelay(Duration dpd) throws IOException {
        relay = new UdpRelay(new InetSocketAddress("127.0.0.3", 0));
        alice = IkeDaemon.builder().settings(FAST).childSaListener(a).eventListener(a).bind(new InetSocketAddress("127.0.0.1", 0));
        bob = IkeDaemon.builder().settings(FAST).childSaListener(b).eventListener(b).bind(new InetSocketAddress("127.0.0.2", 0));
        relay.connect(alice.localAddress(), bob.localAddress());
        IpAddress relayAddress = IpAddress.parse("127.0.0.3");
        alice.addPeer(PeerConfig.builder("bob").remote(relayAddress, relay.address().getPort()).psk(PSK).dpdDelay(dpd)
                .localId(Identity.fqdn("alice.test")).remoteId(Identity.fqdn("bob.test"))
                .localTs(TrafficSelector.of("10.1.0.0/16")).remoteTs(TrafficSelector.of("10.2.0.0/16")).build());
        bob.addPeer(PeerConfig.builder("alice").remote(relayAddress, relay.address().getPort()).psk(PSK).dpdDelay(Duration.ZERO)
                .localId(Identity.fqdn("bob.test")).remoteId(Identity.fqdn("alice.test"))
                .localTs(TrafficSelector.of("10.2.0.0/16")).remoteTs(TrafficSelector.of("10.1.0.0/16")).build());
    }

    private static int exchange(byte[] datagram) {
        return datagram.length >= 28 ? datagram[18] & 0xff : -1;
    }

    private static boolean isResponse(byte[] datagram) {
        return datagram.length >= 28 && (datagram[19] & IkeHeader.FLAG_RESPONSE) != 0;
    }

    @Test
    void lostRequestsAndResponsesAreRetransmittedAndAnsweredFromTheCache() throws IOException {
        startThroughRelay(Duration.ZERO);
        AtomicInteger initRequests = new AtomicInteger();
        AtomicInteger authResponses = new AtomicInteger();
        relay.drop((fromAlice, datagram) ->
                fromAlice && exchange(datagram) == ExchangeType.IKE_SA_INIT && initRequests.incrementAndGet() <= 2
                        || !fromAlice && exchange(datagram) == ExchangeType.IKE_AUTH && isResponse(datagram) && authResponses.incrementAndGet() == 1);
        done(alice.initiate("bob"));
        assertEquals(3, relay.dropped());
        assertEquals(1, b.events(Installed.class).size(), "bob answered the retransmitted IKE_AUTH from its cache, not twice");
        done(alice.rekeyChildSa("bob"));
        assertEquals(List.of(), a.violations());
    }

    @Test
    void aPeerThatFallsSilentIsFoundDeadAndItsChildSasAreDeleted() throws IOException {
        startThroughRelay(Duration.ofMillis(300));
        done(alice.initiate("bob"));
        relay.drop((fromAlice, datagram) -> true);
        Closed closed = a.await(Closed.class, WAIT);
        assertEquals(IkeFailure.Reason.PEER_UNREACHABLE, closed.why().reason());
        a.await(Deleted.class, WAIT);
        assertEquals(List.of(), a.inbound());
        assertEquals(List.of(), a.outbound());
        assertEquals(List.of(), alice.ikeSas());
    }

    @Test
    void garbageAndForgeriesAreDroppedAndCountedWhileTheSaGoesOn() throws Exception {
        alice = IkeDaemon.builder().settings(FAST).childSaListener(a).eventListener(a).bind(new InetSocketAddress("127.0.0.1", 0));
        bob = IkeDaemon.builder().settings(FAST).childSaListener(b).eventListener(b).bind(new InetSocketAddress("127.0.0.2", 0));
        alice.addPeer(PeerConfig.builder("bob").remote(IpAddress.parse("127.0.0.2"), bob.localAddress().getPort()).psk(PSK)
                .localTs(TrafficSelector.of("10.1.0.0/16")).remoteTs(TrafficSelector.of("10.2.0.0/16")).build());
        bob.addPeer(PeerConfig.builder("alice").remote(IpAddress.parse("127.0.0.1"), alice.localAddress().getPort()).psk(Secret.ofString("correct horse battery staple"))
                .localTs(TrafficSelector.of("10.2.0.0/16")).remoteTs(TrafficSelector.of("10.1.0.0/16")).build());
        IkeSaInfo sa = done(alice.initiate("bob"));
        Random random = new Random(7);
        try (DatagramChannel attacker = DatagramChannel.open()) {
            attacker.bind(new InetSocketAddress("127.0.0.1", 0)); // the configured peer's address: its packets get the furthest
            for (int i = 0; i < 300; i++) {
                byte[] datagram = switch (i % 4) {
                    case 0 -> randomBytes(random, random.nextInt(120));
                    case 1 -> forgedSk(random, sa, random.nextInt(3) + ExchangeType.IKE_AUTH);
                    case 2 -> mutatedInit(random);
                    default -> truncated(random, forgedSk(random, sa, ExchangeType.INFORMATIONAL));
                };
                long before = bob.stats().received();
                attacker.send(ByteBuffer.wrap(datagram), bob.localAddress());
                // One at a time: this tests handling, not the socket buffer.
                Recorder.awaitTrue("bob reads datagram " + i, () -> bob.stats().received() > before, WAIT);
            }
        }
        IkeStats stats = bob.stats();
        assertEquals(0, stats.internalErrors(), "nothing reached the loop's last-resort handler: " + stats);
        assertTrue(stats.malformed() > 50, stats.toString());
        assertTrue(stats.undecryptable() > 25, "forged SK payloads fail the integrity check: " + stats);
        // The real SA is untouched.
        done(alice.checkLiveness("bob"));
        done(alice.rekeyChildSa("bob"));
        assertEquals(0, bob.stats().internalErrors());
    }

    private static byte[] randomBytes(Random random, int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    /** A well-formed message for the real IKE SA with an SK payload of random bytes: it must fail decryption. */
    private static byte[] forgedSk(Random random, IkeSaInfo sa, int exchange) {
        IkeHeader header = IkeHeader.of(sa.initiatorSpi(), sa.responderSpi(), exchange, true, false, random.nextInt(4));
        return MessageCodec.encode(header, List.of(new Payload.Encrypted(PayloadType.NONE, Octets.of(randomBytes(random, 24 + random.nextInt(80))))));
    }

    private static byte[] mutatedInit(Random random) {
        IkeHeader header = IkeHeader.of(random.nextLong(), 0, ExchangeType.IKE_SA_INIT, true, false, 0);
        byte[] datagram = MessageCodec.encode(header, List.of(new Payload.Nonce(Octets.of(randomBytes(random, 32))),
                new Payload.KeyExchange(31, Octets.of(randomBytes(random, 32)))));
        for (int i = 0; i < 3; i++) datagram[28 + random.nextInt(datagram.length - 28)] = (byte) random.nextInt();
        return datagram;
    }

    private static byte[] truncated(Random random, byte[] datagram) {
        return java.util.Arrays.copyOf(datagram, 1 + random.nextInt(datagram.length - 1));
    }
}
