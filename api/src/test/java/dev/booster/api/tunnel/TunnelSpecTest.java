package dev.booster.api.tunnel;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.Secret;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TunnelSpecTest {
    private static final IpAddress LOCAL = IpAddress.parse("192.168.1.1");
    private static final IpAddress REMOTE = IpAddress.parse("192.168.1.2");
    private static final List<IpPrefix> PODS = List.of(IpPrefix.parse("10.2.0.0/24"));

    private static InvalidSpecException invalid(IpAddress remote, List<IpPrefix> pods, Encapsulation encapsulation, int vni,
                                                Protection protection, KeyExchange keys, Optional<Secret> key) {
        return assertThrows(InvalidSpecException.class, () -> new TunnelSpec("node-2", LOCAL, remote, pods, encapsulation, vni, protection, keys, key));
    }

    @Test
    void plainTunnelTakesDefaults() {
        TunnelSpec t = new TunnelSpec("node-2", LOCAL, REMOTE, PODS, null, 0, null, null, null);
        assertEquals(TunnelSpec.plain("node-2", LOCAL, REMOTE, PODS.getFirst()), t);
        assertEquals(Encapsulation.NONE, t.encapsulation());
        assertEquals(Protection.NONE, t.protection());
        assertEquals(KeyExchange.STATIC, t.keyExchange());
        assertEquals(Optional.empty(), t.key());
    }

    @Test
    void validationMessagesNameTheField() {
        InvalidSpecException e = invalid(IpAddress.parse("fd00::2"), PODS, Encapsulation.NONE, 0, Protection.NONE, KeyExchange.STATIC, Optional.empty());
        assertEquals("remoteAddress", e.field());
        assertEquals("remoteAddress: fd00::2 is not of the family of localAddress 192.168.1.1", e.getMessage());

        assertEquals("remotePodCidrs: needs at least one pod CIDR of the remote node",
                invalid(REMOTE, List.of(), Encapsulation.NONE, 0, Protection.NONE, KeyExchange.STATIC, Optional.empty()).getMessage());
        assertEquals("vni: 0 is out of range; use 1..16777215",
                invalid(REMOTE, PODS, Encapsulation.VXLAN, 0, Protection.NONE, KeyExchange.STATIC, Optional.empty()).getMessage());
        assertEquals("vni: 16777216 is out of range; use 1..16777215",
                invalid(REMOTE, PODS, Encapsulation.VXLAN, 1 << 24, Protection.NONE, KeyExchange.STATIC, Optional.empty()).getMessage());
        assertEquals("vni: is only for vxlan encapsulation",
                invalid(REMOTE, PODS, Encapsulation.IPIP, 7, Protection.NONE, KeyExchange.STATIC, Optional.empty()).getMessage());
        assertEquals("key: is set but protection is none; set a protection or drop the key",
                invalid(REMOTE, PODS, Encapsulation.NONE, 0, Protection.NONE, KeyExchange.STATIC, Optional.of(Secret.ofString("k"))).getMessage());
        assertEquals("key: is required for protection WIREGUARD",
                invalid(REMOTE, PODS, Encapsulation.NONE, 0, Protection.WIREGUARD, KeyExchange.STATIC, Optional.empty()).getMessage());
        assertEquals("key: static IPSEC_ESP_AES_GCM_256 needs 36 bytes (key + 4-byte salt), got 32",
                invalid(REMOTE, PODS, Encapsulation.NONE, 0, Protection.IPSEC_ESP_AES_GCM_256, KeyExchange.STATIC,
                        Optional.of(Secret.ofBytes(new byte[32]))).getMessage());
        assertEquals("remoteNode: is required",
                assertThrows(InvalidSpecException.class, () -> new TunnelSpec(" ", LOCAL, REMOTE, PODS, null, 0, null, null, null)).getMessage());
    }

    @Test
    void validProtectedTunnels() {
        new TunnelSpec("node-2", LOCAL, REMOTE, PODS, Encapsulation.VXLAN, 4096, Protection.IPSEC_ESP_AES_GCM_128, KeyExchange.STATIC,
                Optional.of(Secret.ofBytes(new byte[20])));
        new TunnelSpec("node-2", LOCAL, REMOTE, PODS, Encapsulation.IPIP, 0, Protection.IPSEC_ESP_AES_GCM_256, KeyExchange.IKEV2_PSK,
                Optional.of(Secret.ofString("a pre-shared key of any length")));
        TunnelSpec wg = new TunnelSpec("node-2", LOCAL, REMOTE, PODS, Encapsulation.NONE, 0, Protection.WIREGUARD, KeyExchange.STATIC,
                Optional.of(Secret.ofBytes(new byte[32])));
        assertFalse(wg.toString().contains("[0, 0"), "the key never shows in toString: " + wg);
    }
}
