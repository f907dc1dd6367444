package dev.booster.ike.protocol;

import dev.booster.ike.message.NotifyType;
import dev.booster.ike.message.Octets;
import dev.booster.ike.message.Payload;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NatDetectionTest {
    private static final long SPI_I = 0xb487bba96fad9fdcL;
    private static final long SPI_R = 0x57cdc0dab35c7259L;

    private static InetSocketAddress at(String address, int port) throws Exception {
        return new InetSocketAddress(InetAddress.getByName(address), port);
    }

    /** charon 5.9.8 logged these natd_hash values (level 4) for 192.0.2.1[500] ... 192.0.2.2[500]. */
    @Test
    void hashesMatchCharons() throws Exception {
        assertEquals(Octets.hex("12c08fc7a32b95bdb574530a38bb3491a35beb9e"), NatDetection.hash(SPI_I, 0, at("192.0.2.2", 500)));
        assertEquals(Octets.hex("fa74f2ab9a359a703fa221b1f733955d28602dcf"), NatDetection.hash(SPI_I, 0, at("192.0.2.1", 500)));
        assertEquals(Octets.hex("b79f1d1e694b932550b74ede2ef6f69f5ea82f2a"), NatDetection.hash(SPI_I, SPI_R, at("192.0.2.1", 500)));
    }

    @Test
    void aTranslatedSourceOrDestinationIsDetected() throws Exception {
        InetSocketAddress initiator = at("192.0.2.1", 500);
        InetSocketAddress responder = at("192.0.2.2", 500);
        List<Payload> untouched = NatDetection.notifies(SPI_I, 0, initiator, responder);
        assertFalse(NatDetection.translated(untouched, SPI_I, 0, initiator, responder));
        assertTrue(NatDetection.translated(untouched, SPI_I, 0, at("198.51.100.7", 4096), responder), "the initiator's source was rewritten");
        assertTrue(NatDetection.translated(untouched, SPI_I, 0, initiator, at("10.0.0.2", 500)), "the responder sits behind a NAT");
        List<Payload> none = List.of(Payload.Notify.of(NotifyType.INITIAL_CONTACT));
        assertFalse(NatDetection.translated(none, SPI_I, 0, initiator, responder), "a peer without NAT-T detects nothing");
    }
}
