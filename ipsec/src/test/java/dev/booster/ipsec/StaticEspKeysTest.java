package dev.booster.ipsec;

import dev.booster.api.Secret;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.tunnel.Encapsulation;
import dev.booster.api.tunnel.KeyExchange;
import dev.booster.api.tunnel.Protection;
import dev.booster.api.tunnel.TunnelSpec;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/** The static SAs two nodes derive from one shared key: each node's outbound is the other's inbound, never shared. */
class StaticEspKeysTest {

    static final Secret KEY = Secret.ofHex("000102030405060708090a0b0c0d0e0f10111213");

    static TunnelSpec spec(String local, String remote) {
        return new TunnelSpec("peer", IpAddress.parse(local), IpAddress.parse(remote),
                List.of(IpPrefix.parse("10.0.0.0/24")), Encapsulation.IPIP, 0, Protection.IPSEC_ESP_AES_GCM_128,
                KeyExchange.STATIC, Optional.of(KEY));
    }

    @Test
    void mirroredSpecsGiveTheSameSasTheOtherWayRoundAndTheDirectionsDiffer() {
        TunnelSpec a = spec("192.0.2.1", "192.0.2.2");
        TunnelSpec b = spec("192.0.2.2", "192.0.2.1");
        assertSame(StaticEspKeys.outbound(a), StaticEspKeys.inbound(b));
        assertSame(StaticEspKeys.inbound(a), StaticEspKeys.outbound(b));
        SecurityAssociation out = StaticEspKeys.outbound(a);
        SecurityAssociation in = StaticEspKeys.inbound(a);
        assertNotEquals(out.spi(), in.spi());
        assertFalse(java.util.Arrays.equals(out.key(), in.key()), "no key is used in both directions");
        assertEquals(0x100, out.spi() & 0x100, "never a reserved SPI");
        assertEquals(EspAlgorithm.AES_GCM_16_128, out.algorithm());
    }

    /** RFC 5869's first SHA-256 test vector would need its own salt; this pins the expand step's length handling. */
    @Test
    void hkdfGivesAsManyBytesAsAskedAndAPrefixOfALongerOutput() {
        byte[] ikm = new byte[22];
        byte[] info = "i".getBytes();
        byte[] long_ = StaticEspKeys.hkdf(ikm, info, 42);
        byte[] short_ = StaticEspKeys.hkdf(ikm, info, 20);
        assertEquals(42, long_.length);
        assertArrayEquals(java.util.Arrays.copyOf(long_, 20), short_);
    }

    private static void assertSame(SecurityAssociation x, SecurityAssociation y) {
        assertEquals(x.spi(), y.spi());
        assertArrayEquals(x.key(), y.key());
        assertArrayEquals(x.salt(), y.salt());
        assertEquals(x.tunnel(), y.tunnel());
    }
}
