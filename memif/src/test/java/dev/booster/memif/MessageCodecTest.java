package dev.booster.memif;

import dev.booster.api.Secret;
import dev.booster.memif.MemifMessage.InterfaceMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MessageCodecTest {

    @Property
    void everyMessageSurvivesARoundTrip(@ForAll("messages") MemifMessage message) {
        byte[] bytes = MessageCodec.encode(message);
        assertEquals(MemifProtocol.MESSAGE_SIZE, bytes.length);
        assertEquals(message, MessageCodec.decode(bytes, bytes.length));
    }

    @Property
    void anyBytesDecodeToAMessageOrARefusal(@ForAll @Size(max = 200) byte[] bytes, @ForAll @IntRange(max = 200) int length) {
        byte[] buffer = Arrays.copyOf(bytes, Math.max(bytes.length, MemifProtocol.MESSAGE_SIZE));
        int used = Math.min(length, buffer.length);
        try {
            MemifMessage message = MessageCodec.decode(buffer, used);
            assertEquals(MemifProtocol.MESSAGE_SIZE, used, "only 128-byte messages decode");
            assertEquals(message, MessageCodec.decode(MessageCodec.encode(message), MemifProtocol.MESSAGE_SIZE));
        } catch (MemifProtocolException refused) {
            // the reason goes back in DISCONNECT; anything else escaping would be a bug
        }
    }

    @Property
    void textIsCutToItsFieldAtACharacterBoundary(@ForAll("text") String text) {
        MemifMessage.Disconnect disconnect = new MemifMessage.Disconnect(0, text);
        byte[] utf8 = disconnect.reason().getBytes(StandardCharsets.UTF_8);
        assertEquals(true, utf8.length <= MemifProtocol.DISCONNECT_REASON_SIZE - 1);
        assertEquals(true, text.startsWith(disconnect.reason()));
    }

    @Example
    void helloBytesSitWhereTheHeaderSays() {
        byte[] bytes = MessageCodec.encode(new MemifMessage.Hello("dpdk", 0x0200, 0x0200, 255, 3, 4, 14));
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.nativeOrder());
        assertEquals(2, b.getShort(0), "type");
        assertArrayEquals("dpdk\0".getBytes(StandardCharsets.US_ASCII), Arrays.copyOfRange(bytes, 2, 7));
        assertEquals(0x0200, b.getShort(2 + 32));
        assertEquals(0x0200, b.getShort(2 + 34));
        assertEquals(255, b.getShort(2 + 36));
        assertEquals(3, b.getShort(2 + 38));
        assertEquals(4, b.getShort(2 + 40));
        assertEquals(14, bytes[2 + 42]);
        assertEquals(0, bytes[2 + 43], "nothing after the struct");
    }

    @Example
    void initAndAddRingBytesSitWhereTheHeaderSays() {
        byte[] init = MessageCodec.encode(new MemifMessage.Init(0x0200, 0xDEADBEEFL, InterfaceMode.IP,
                Optional.of(Secret.ofString("abc")), "app"));
        ByteBuffer i = ByteBuffer.wrap(init).order(ByteOrder.nativeOrder());
        assertEquals(3, i.getShort(0));
        assertEquals(0x0200, i.getShort(2));
        assertEquals(0xDEADBEEF, i.getInt(4));
        assertEquals(1, init[8], "mode IP");
        assertArrayEquals("abc\0".getBytes(StandardCharsets.US_ASCII), Arrays.copyOfRange(init, 9, 13));
        assertArrayEquals("app\0".getBytes(StandardCharsets.US_ASCII), Arrays.copyOfRange(init, 33, 37));

        byte[] ring = MessageCodec.encode(new MemifMessage.AddRing(true, 2, 1, 0x12345678L, 10, 0));
        ByteBuffer r = ByteBuffer.wrap(ring).order(ByteOrder.nativeOrder());
        assertEquals(5, r.getShort(0));
        assertEquals(1, r.getShort(2), "flags: S2M");
        assertEquals(2, r.getShort(4));
        assertEquals(1, r.getShort(6));
        assertEquals(0x12345678, r.getInt(8));
        assertEquals(10, ring[12]);
        assertEquals(0, r.getShort(13));
    }

    @Example
    void refusalsSayWhatIsWrong() {
        byte[] bytes = new byte[MemifProtocol.MESSAGE_SIZE];
        assertEquals("message is 12 bytes; memif messages are 128",
                assertThrows(MemifProtocolException.class, () -> MessageCodec.decode(bytes, 12)).getMessage());
        assertEquals("unknown message type 0",
                assertThrows(MemifProtocolException.class, () -> MessageCodec.decode(bytes, 128)).getMessage());
        bytes[0] = MessageCodec.TYPE_INIT;
        bytes[8] = 7;
        assertEquals("INIT has unknown interface mode 7",
                assertThrows(MemifProtocolException.class, () -> MessageCodec.decode(bytes, 128)).getMessage());
        Arrays.fill(bytes, (byte) 0);
        bytes[0] = MessageCodec.TYPE_ADD_RING;
        bytes[2] = 6;
        assertEquals("ADD_RING has unknown flags 0x6",
                assertThrows(MemifProtocolException.class, () -> MessageCodec.decode(bytes, 128)).getMessage());
    }

    @Example
    void aSecretOfTwentyFourBytesFillsTheFieldWithoutANul() {
        Secret secret = Secret.ofString("x".repeat(24));
        MemifMessage.Init init = new MemifMessage.Init(0x0200, 0, InterfaceMode.ETHERNET, Optional.of(secret), "n");
        assertEquals(init, MessageCodec.decode(MessageCodec.encode(init), 128));
        assertThrows(IllegalArgumentException.class,
                () -> new MemifMessage.Init(0x0200, 0, InterfaceMode.ETHERNET, Optional.of(Secret.ofString("x".repeat(25))), "n"));
        assertThrows(IllegalArgumentException.class,
                () -> new MemifMessage.Init(0x0200, 0, InterfaceMode.ETHERNET, Optional.of(Secret.ofBytes(new byte[] {1, 0, 2})), "n"));
    }

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.strings().alpha().numeric().withChars(" -_.:äöü€中").ofMaxLength(120);
    }

    @Provide
    Arbitrary<MemifMessage> messages() {
        Arbitrary<String> name = text();
        Arbitrary<Integer> u16 = Arbitraries.integers().between(0, 0xFFFF);
        Arbitrary<Integer> u8 = Arbitraries.integers().between(0, 0xFF);
        Arbitrary<Long> u32 = Arbitraries.longs().between(0, 0xFFFF_FFFFL);
        Arbitrary<Optional<Secret>> secret = Arbitraries.strings().alpha().numeric().ofMinLength(1).ofMaxLength(24)
                .map(s -> Optional.of(Secret.ofString(s))).injectNull(0.3).map(o -> o == null ? Optional.<Secret>empty() : o);
        Arbitrary<MemifMessage> hello = Combinators.combine(name, u16, u16, u16, u16, u16, u8)
                .as(MemifMessage.Hello::new);
        Arbitrary<MemifMessage> init = Combinators.combine(u16, u32, Arbitraries.of(InterfaceMode.class), secret, name)
                .as(MemifMessage.Init::new);
        Arbitrary<MemifMessage> addRegion = Combinators.combine(u16, Arbitraries.longs().between(0, Long.MAX_VALUE))
                .as(MemifMessage.AddRegion::new);
        Arbitrary<MemifMessage> addRing = Combinators.combine(Arbitraries.of(true, false), u16, u16, u32, u8, u16)
                .as(MemifMessage.AddRing::new);
        Arbitrary<MemifMessage> connect = name.map(MemifMessage.Connect::new);
        Arbitrary<MemifMessage> connected = name.map(MemifMessage.Connected::new);
        Arbitrary<MemifMessage> disconnect = Combinators.combine(u32, name).as(MemifMessage.Disconnect::new);
        return Arbitraries.oneOf(Arbitraries.just(new MemifMessage.Ack()), hello, init, addRegion, addRing, connect, connected, disconnect);
    }
}
