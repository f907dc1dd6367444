package dev.booster.ike.message;

import dev.booster.api.net.IpAddress;
import dev.booster.ike.TrafficSelector;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MessageCodecTest {

    /** charon 5.9.8's IKE_SA_INIT request: SA KE No N(NATD_S_IP) N(NATD_D_IP) N(FRAG_SUP) N(HASH_ALG) N(REDIR_SUP). */
    private static final byte[] CHARON_IKE_SA_INIT = HexFormat.of().parseHex(
            "b487bba96fad9fdc00000000000000002120220800000000000000e82200002800000024010100030300000c01000014"
            + "800e01000300000802000005000000080400001f28000028001f0000f3b0579eb1563e2b4f7209df8f9e4047b61fff2c"
            + "cd6c7974b29ea30dac641e3229000024f2f0d0e3027e96c2d0eab34d283cb5a38425a226f3428631e482c8e78ea9b9f7"
            + "2900001c0000400407b62465bb5403fb86b2e13bb442e0a0c3a5b2b62900001c0000400512c08fc7a32b95bdb574530a"
            + "38bb3491a35beb9e290000080000402e290000100000402f00020003000400050000000800004016");

    @Test
    void decodesCharonsIkeSaInitAndEncodesItBackByteForByte() {
        IkeMessage message = MessageCodec.decode(CHARON_IKE_SA_INIT);
        IkeHeader header = message.header();
        assertEquals(0xb487bba96fad9fdcL, header.initiatorSpi());
        assertEquals(0, header.responderSpi());
        assertEquals(ExchangeType.IKE_SA_INIT, header.exchangeType());
        assertTrue(header.fromOriginalInitiator());
        assertEquals(false, header.isResponse());
        assertEquals("[ SA KE No N(NAT_DETECTION_SOURCE_IP) N(NAT_DETECTION_DESTINATION_IP) N(status-16430) N(status-16431) N(status-16406) ]",
                IkeMessage.summary(message.payloads()));
        Proposal proposal = ((Payload.SecurityAssociation) message.payloads().getFirst()).proposals().getFirst();
        assertEquals(List.of(new Transform(Transform.ENCR, 20, 256), new Transform(Transform.PRF, 5), new Transform(Transform.DH, 31)),
                proposal.transforms());
        Payload.KeyExchange ke = message.first(Payload.KeyExchange.class).orElseThrow();
        assertEquals(31, ke.dhGroup());
        assertEquals(32, ke.data().length());
        assertArrayEquals(CHARON_IKE_SA_INIT, MessageCodec.encode(header, message.payloads()));
    }

    @Property(tries = 300)
    void everyMessageDecodesToWhatWasEncoded(@ForAll("headers") IkeHeader header, @ForAll("payloadLists") List<Payload> payloads) {
        byte[] bytes = MessageCodec.encode(header, payloads);
        IkeMessage decoded = MessageCodec.decode(bytes);
        assertEquals(payloads, decoded.payloads());
        assertEquals(header.initiatorSpi(), decoded.header().initiatorSpi());
        assertEquals(header.responderSpi(), decoded.header().responderSpi());
        assertEquals(header.exchangeType(), decoded.header().exchangeType());
        assertEquals(header.flags(), decoded.header().flags());
        assertEquals(header.messageId(), decoded.header().messageId());
        assertEquals(bytes.length, decoded.header().length());
    }

    /** The receive loop relies on this: whatever arrives, the decoder answers with a message or a MalformedMessageException. */
    @Property(tries = 500)
    void corruptedMessagesAreRefusedAsMalformedNeverWithAnotherException(@ForAll("headers") IkeHeader header,
                                                                       @ForAll("payloadLists") List<Payload> payloads,
                                                                       @ForAll @Size(min = 1, max = 6) List<@IntRange(min = 0, max = 100_000) Integer> positions,
                                                                       @ForAll @Size(min = 6, max = 6) byte[] values,
                                                                       @ForAll @IntRange(min = 0, max = 100_000) int cut) {
        byte[] bytes = MessageCodec.encode(header, payloads);
        for (int i = 0; i < positions.size(); i++) bytes[positions.get(i) % bytes.length] = values[i];
        int length = cut % 3 == 0 ? bytes.length : Math.max(0, bytes.length - cut % 40);
        byte[] datagram = Arrays.copyOf(bytes, length);
        if (length >= IkeHeader.SIZE) {
            // Make the header's length agree so the corruption reaches the payload parser too.
            datagram[24] = (byte) (length >>> 24);
            datagram[25] = (byte) (length >>> 16);
            datagram[26] = (byte) (length >>> 8);
            datagram[27] = (byte) length;
        }
        try {
            MessageCodec.decode(datagram);
        } catch (MalformedMessageException expected) {
            // refused with a reason: fine
        }
    }

    @Property(tries = 200)
    void randomBytesNeverEscapeAsAnotherException(@ForAll @Size(max = 200) byte[] garbage) {
        try {
            MessageCodec.decode(garbage);
        } catch (MalformedMessageException expected) {
            // fine
        }
    }

    @Test
    void aTruncatedPayloadIsRefusedWithItsName() {
        List<Payload> payloads = List.of(new Payload.Nonce(Octets.of(new byte[32])));
        byte[] bytes = MessageCodec.encode(IkeHeader.of(1, 0, ExchangeType.IKE_SA_INIT, true, false, 0), payloads);
        byte[] cut = Arrays.copyOf(bytes, bytes.length - 1);
        cut[27]--;
        MalformedMessageException e = assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(cut));
        assertTrue(e.getMessage().contains("No payload length"), e.getMessage());
        assertTrue(assertThrows(MalformedMessageException.class, () -> MessageCodec.decode(bytes, bytes.length - 1))
                .getMessage().contains("does not match"));
    }

    @Provide
    Arbitrary<IkeHeader> headers() {
        return Combinators.combine(Arbitraries.longs(), Arbitraries.longs(), Arbitraries.integers().between(34, 37),
                Arbitraries.of(0, IkeHeader.FLAG_INITIATOR, IkeHeader.FLAG_RESPONSE, IkeHeader.FLAG_INITIATOR | IkeHeader.FLAG_RESPONSE),
                Arbitraries.integers()).as((spiI, spiR, exchange, flags, id) -> new IkeHeader(spiI, spiR, 0, IkeHeader.VERSION_2_0, exchange, flags, id, 0));
    }

    @Provide
    Arbitrary<List<Payload>> payloadLists() {
        Arbitrary<List<Payload>> plain = Arbitraries.oneOf(List.of(sa(), ke(), id(), auth(), nonce(), notifyPayload(), delete(), vendor(), ts(), unknown()))
                .list().ofMaxSize(6);
        return Combinators.combine(plain, Arbitraries.integers().between(0, 3), octets(60))
                .as((list, encrypted, body) -> {
                    if (encrypted != 0) return list;
                    List<Payload> withSk = new ArrayList<>(list);
                    withSk.add(new Payload.Encrypted(PayloadType.IDI, body));
                    return withSk;
                });
    }

    private static Arbitrary<Octets> octets(int max) {
        return Arbitraries.bytes().array(byte[].class).ofMaxSize(max).map(Octets::of);
    }

    private static Arbitrary<Payload> sa() {
        Arbitrary<Octets> otherAttributes = Arbitraries.oneOf(List.of(Arbitraries.just(Octets.EMPTY),
                Arbitraries.integers().between(1, 13).map(type -> Octets.of(new byte[]{(byte) 0x80, type.byteValue(), 0, 7})),
                Arbitraries.integers().between(1, 13).map(type -> Octets.of(new byte[]{0, type.byteValue(), 0, 2, 9, 9}))));
        Arbitrary<Transform> transform = Combinators.combine(Arbitraries.integers().between(1, 5), Arbitraries.integers().between(0, 0xffff),
                Arbitraries.of(0, 128, 256, 0xffff), otherAttributes).as(Transform::new);
        Arbitrary<Proposal> proposal = Combinators.combine(Arbitraries.integers().between(1, 255), Arbitraries.integers().between(1, 3),
                Arbitraries.of(0, 4, 8).flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n)).map(Octets::of),
                transform.list().ofMaxSize(6)).as(Proposal::new);
        return proposal.list().ofMinSize(1).ofMaxSize(4).map(Payload.SecurityAssociation::new);
    }

    private static Arbitrary<Payload> ke() {
        return Combinators.combine(Arbitraries.integers().between(0, 0xffff), octets(64)).as(Payload.KeyExchange::new);
    }

    private static Arbitrary<Payload> id() {
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.integers().between(0, 255), octets(30)).as(Payload.Identification::new);
    }

    private static Arbitrary<Payload> auth() {
        return Combinators.combine(Arbitraries.integers().between(0, 255), octets(64)).as(Payload.Authentication::new);
    }

    private static Arbitrary<Payload> nonce() {
        return Arbitraries.bytes().array(byte[].class).ofMinSize(16).ofMaxSize(64).map(b -> new Payload.Nonce(Octets.of(b)));
    }

    private static Arbitrary<Payload> notifyPayload() {
        return Combinators.combine(Arbitraries.integers().between(0, 3), Arbitraries.of(0, 4, 8).flatMap(n -> Arbitraries.bytes().array(byte[].class).ofSize(n)).map(Octets::of),
                Arbitraries.integers().between(0, 0xffff), octets(40)).as(Payload.Notify::new);
    }

    private static Arbitrary<Payload> delete() {
        return Combinators.combine(Arbitraries.integers().between(1, 3), Arbitraries.bytes().array(byte[].class).ofSize(4).map(Octets::of).list().ofMaxSize(5))
                .as((protocol, spis) -> new Payload.Delete(protocol, protocol == 1 && spis.isEmpty() ? 0 : 4, spis));
    }

    private static Arbitrary<Payload> vendor() {
        return octets(40).map(Payload.VendorId::new);
    }

    private static Arbitrary<Payload> ts() {
        Arbitrary<TrafficSelector> v4 = Combinators.combine(Arbitraries.integers(), Arbitraries.integers(), Arbitraries.integers().between(0, 255),
                Arbitraries.integers().between(0, 0xffff), Arbitraries.integers().between(0, 0xffff)).as((a, b, protocol, p1, p2) -> {
                    long lo = Math.min(a & 0xffffffffL, b & 0xffffffffL);
                    long hi = Math.max(a & 0xffffffffL, b & 0xffffffffL);
                    return new TrafficSelector(v4(lo), v4(hi), protocol, Math.min(p1, p2), Math.max(p1, p2));
                });
        Arbitrary<TrafficSelector> v6 = Arbitraries.of("fd00::/64", "::/0", "2001:db8:1::/48").map(TrafficSelector::of);
        return Combinators.combine(Arbitraries.of(true, false), Arbitraries.oneOf(v4, v6).list().ofMaxSize(4)).as(Payload.TrafficSelectors::new);
    }

    private static IpAddress v4(long value) {
        return IpAddress.ofBytes(new byte[]{(byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value});
    }

    private static Arbitrary<Payload> unknown() {
        return Combinators.combine(Arbitraries.of(1, 2, 32, 37, 38, 47, 48, 49, 53, 200), Arbitraries.of(true, false), octets(40)).as(Payload.Unknown::new);
    }
}
