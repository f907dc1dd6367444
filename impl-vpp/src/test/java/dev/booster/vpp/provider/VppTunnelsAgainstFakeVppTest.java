package dev.booster.vpp.provider;

import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.Secret;
import dev.booster.api.event.DataplaneEvent;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.tunnel.Encapsulation;
import dev.booster.api.tunnel.KeyExchange;
import dev.booster.api.tunnel.Protection;
import dev.booster.api.tunnel.TunnelSpec;
import dev.booster.vpp.api.codec.ByteArray;
import dev.booster.vpp.api.codec.VppMessage;
import dev.booster.vpp.binapi.AddressUnion;
import dev.booster.vpp.binapi.AfPacketCreateV3;
import dev.booster.vpp.binapi.AfPacketDelete;
import dev.booster.vpp.binapi.AfPacketFlags;
import dev.booster.vpp.binapi.AfPacketMode;
import dev.booster.vpp.binapi.FibPath;
import dev.booster.vpp.binapi.FibPathFlags;
import dev.booster.vpp.binapi.FibPathNh;
import dev.booster.vpp.binapi.FibPathNhProto;
import dev.booster.vpp.binapi.FibPathType;
import dev.booster.vpp.binapi.IpDscp;
import dev.booster.vpp.binapi.IpRoute;
import dev.booster.vpp.binapi.IpRouteAddDel;
import dev.booster.vpp.binapi.IpipAddTunnel;
import dev.booster.vpp.binapi.IpipDelTunnel;
import dev.booster.vpp.binapi.IpipTunnel;
import dev.booster.vpp.binapi.IpsecCryptoAlg;
import dev.booster.vpp.binapi.IpsecIntegAlg;
import dev.booster.vpp.binapi.IpsecProto;
import dev.booster.vpp.binapi.IpsecSadEntryAddV2;
import dev.booster.vpp.binapi.IpsecSadEntryDel;
import dev.booster.vpp.binapi.IpsecSadEntryV4;
import dev.booster.vpp.binapi.IpsecSadFlags;
import dev.booster.vpp.binapi.IpsecTunnelProtect;
import dev.booster.vpp.binapi.IpsecTunnelProtectDel;
import dev.booster.vpp.binapi.IpsecTunnelProtectUpdate;
import dev.booster.vpp.binapi.Key;
import dev.booster.vpp.binapi.MacAddress;
import dev.booster.vpp.binapi.SwInterfaceAddDelAddress;
import dev.booster.vpp.binapi.SwInterfaceIp6EnableDisable;
import dev.booster.vpp.binapi.SwInterfaceSetUnnumbered;
import dev.booster.vpp.binapi.Tunnel;
import dev.booster.vpp.binapi.TunnelEncapDecapFlags;
import dev.booster.vpp.binapi.TunnelMode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static dev.booster.vpp.provider.VppWire.NONE;
import static dev.booster.vpp.provider.VppWire.address;
import static dev.booster.vpp.provider.VppWire.prefix;
import static dev.booster.vpp.provider.VppWire.up;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tunnels on {@link dev.booster.vpp.api.FakeVppServer}: the exact messages for ipip with static ESP, plain ipip and
 * plain routes, that removing takes back exactly what was made, that a refusal part way leaves nothing behind, what is
 * refused before VPP is asked, and that a VPP restart brings the tunnels back.
 */
class VppTunnelsAgainstFakeVppTest {

    static final VppUplink UPLINK = new VppUplink("eth9", List.of(InterfaceAddress.parse("192.0.2.2/24")));
    /** 16 key bytes and a 4-byte salt. */
    static final Secret KEY = Secret.ofHex("000102030405060708090a0b0c0d0e0f10111213");
    static final long SA_OUT = VppTunnels.FIRST_SAD_ID;
    static final long SA_IN = VppTunnels.FIRST_SAD_ID + 1;

    @TempDir
    Path directory;

    private FakeVppFixture fake;

    @BeforeEach
    void open() {
        fake = new FakeVppFixture(directory, UPLINK);
    }

    @AfterEach
    void close() throws Exception {
        fake.close();
    }

    static TunnelSpec spec(Encapsulation encapsulation, Protection protection, String local, String remote) {
        return new TunnelSpec("node-b", IpAddress.parse(local), IpAddress.parse(remote),
                List.of(IpPrefix.parse("10.81.2.0/24"), IpPrefix.parse("fd81:2::/64")), encapsulation, 0, protection,
                KeyExchange.STATIC, protection == Protection.NONE ? Optional.empty() : Optional.of(KEY));
    }

    @Test
    void ipipWithStaticEspIsATunnelTwoSasProtectionAndRoutesAndRemovingTakesItAllBack() {
        TunnelSpec spec = spec(Encapsulation.IPIP, Protection.IPSEC_ESP_AES_GCM_128, "192.0.2.2", "192.0.2.3");
        fake.dataplane.tunnels().put(spec);

        List<VppMessage> made = fake.vpp.requests();
        IpsecSadEntryAddV2 out = (IpsecSadEntryAddV2) made.get(4);
        IpsecSadEntryAddV2 in = (IpsecSadEntryAddV2) made.get(5);
        assertEquals(List.of(
                uplinkAfPacket(((VppTunnels) fake.dataplane.tunnels()).uplinkMac()),
                new SwInterfaceAddDelAddress(1, true, false, new dev.booster.vpp.binapi.Prefix(address("192.0.2.2"), 24)),
                up(1),
                new IpipAddTunnel(new IpipTunnel(NONE, address("192.0.2.2"), address("192.0.2.3"), 0, 0,
                        new TunnelEncapDecapFlags(0), new TunnelMode(0), new IpDscp(0))),
                sa(SA_OUT, out.entry().spi(), out.entry().cryptoKey(), 1, out.entry().salt()),
                sa(SA_IN, in.entry().spi(), in.entry().cryptoKey(), 1 | 2 | 64, in.entry().salt()),
                new IpsecTunnelProtectUpdate(new IpsecTunnelProtect(2, address("0.0.0.0"), SA_OUT, List.of(SA_IN))),
                new SwInterfaceSetUnnumbered(1, 2, true),
                new SwInterfaceIp6EnableDisable(2, true),
                up(2),
                tunnelRoute(true, 2, "10.81.2.0/24"),
                tunnelRoute(true, 2, "fd81:2::/64")), made);
        assertEquals(16, out.entry().cryptoKey().length());
        assertNotEquals(out.entry().spi(), in.entry().spi(), "each direction has its own SA");
        assertNotEquals(out.entry().cryptoKey(), in.entry().cryptoKey(), "each direction has its own key");
        assertEquals(List.of(spec), fake.dataplane.tunnels().list());

        fake.vpp.clearRequests();
        assertTrue(fake.dataplane.tunnels().remove("node-b"));
        assertEquals(List.of(
                tunnelRoute(false, 2, "fd81:2::/64"),
                tunnelRoute(false, 2, "10.81.2.0/24"),
                new IpsecTunnelProtectDel(2, address("0.0.0.0")),
                new IpsecSadEntryDel(SA_IN),
                new IpsecSadEntryDel(SA_OUT),
                new IpipDelTunnel(2),
                new AfPacketDelete("eth9")), fake.vpp.requests());
        assertEquals(List.of(), fake.dataplane.tunnels().list());
        assertEquals(false, fake.dataplane.tunnels().remove("node-b"));
    }

    /** The other node puts the mirrored spec: its inbound SA must be this node's outbound one, and back. */
    @Test
    void theMirroredSpecOnTheOtherNodeGetsTheSameSasTheOtherWayRound() throws Exception {
        fake.dataplane.tunnels().put(spec(Encapsulation.IPIP, Protection.IPSEC_ESP_AES_GCM_128, "192.0.2.2", "192.0.2.3"));
        Map<Long, IpsecSadEntryV4> here = sas(fake.vpp.requests());
        try (FakeVppFixture other = new FakeVppFixture(java.nio.file.Files.createDirectories(directory.resolve("other")),
                new VppUplink("eth9", List.of(InterfaceAddress.parse("192.0.2.3/24"))))) {
            other.dataplane.tunnels().put(new TunnelSpec("node-a", IpAddress.parse("192.0.2.3"),
                    IpAddress.parse("192.0.2.2"), List.of(IpPrefix.parse("10.81.1.0/24")), Encapsulation.IPIP, 0,
                    Protection.IPSEC_ESP_AES_GCM_128, KeyExchange.STATIC, Optional.of(KEY)));
            Map<Long, IpsecSadEntryV4> there = sas(other.vpp.requests());
            assertSameSa(here.get(SA_OUT), there.get(SA_IN));
            assertSameSa(here.get(SA_IN), there.get(SA_OUT));
        }
    }

    /** The engine's derivation (HKDF-SHA256 of the shared key and the direction's addresses) is what VPP is given. */
    @Test
    void theSasAreTheEnginesStaticKeys() {
        TunnelSpec spec = new TunnelSpec("node-b", IpAddress.parse("192.0.2.2"), IpAddress.parse("192.0.2.3"),
                List.of(IpPrefix.parse("10.81.2.0/24")), Encapsulation.NONE, 0, Protection.IPSEC_ESP_AES_GCM_256,
                KeyExchange.STATIC, Optional.of(Secret.ofHex("00".repeat(32) + "01020304")));
        fake.dataplane.tunnels().put(spec);
        IpsecSadEntryV4 out = sas(fake.vpp.requests()).get(SA_OUT);
        var expected = dev.booster.ipsec.StaticEspKeys.outbound(spec);
        assertEquals(Integer.toUnsignedLong(expected.spi()), out.spi());
        assertEquals(IpsecCryptoAlg.IPSEC_API_CRYPTO_ALG_AES_GCM_256, out.cryptoAlgorithm());
        assertEquals(HexFormat.of().formatHex(expected.key()),
                HexFormat.of().formatHex(out.cryptoKey().data().toArray(), 0, 32));
        assertEquals(HexFormat.of().formatHex(expected.salt()), String.format("%08x", out.salt()),
                "the salt's bytes in wire order");
        assertEquals(1024, out.antiReplayWindowSize());
    }

    @Test
    void plainIpipHasNoSasAndNoEncapsulationNoProtectionIsRoutesViaTheRemoteNode() {
        fake.dataplane.tunnels().put(spec(Encapsulation.IPIP, Protection.NONE, "192.0.2.2", "192.0.2.3"));
        List<VppMessage> ipip = fake.vpp.requests();
        assertTrue(ipip.stream().noneMatch(m -> m instanceof IpsecSadEntryAddV2 || m instanceof IpsecTunnelProtectUpdate),
                ipip.toString());
        assertTrue(ipip.contains(tunnelRoute(true, 2, "10.81.2.0/24")), ipip.toString());

        fake.vpp.clearRequests();
        fake.dataplane.tunnels().put(spec(Encapsulation.NONE, Protection.NONE, "192.0.2.2", "192.0.2.3"));
        assertEquals(List.of(
                tunnelRoute(false, 2, "fd81:2::/64"),
                tunnelRoute(false, 2, "10.81.2.0/24"),
                new IpipDelTunnel(2),
                routeVia(true, "10.81.2.0/24", "192.0.2.3", 1),
                routeVia(true, "fd81:2::/64", "192.0.2.3", 1)), fake.vpp.requests(),
                "replacing: the old tunnel goes (the uplink stays), then the routes via the remote node");

        fake.vpp.clearRequests();
        fake.dataplane.tunnels().remove("node-b");
        assertEquals(List.of(
                routeVia(false, "fd81:2::/64", "192.0.2.3", 1),
                routeVia(false, "10.81.2.0/24", "192.0.2.3", 1),
                new AfPacketDelete("eth9")), fake.vpp.requests());
    }

    @Test
    void aRefusalPartWayTakesBackExactlyWhatWasMade() {
        fake.vpp.refuseNext(IpsecTunnelProtectUpdate.TYPE, -1);
        var e = assertThrows(dev.booster.api.DataplaneException.class, () -> fake.dataplane.tunnels().put(
                spec(Encapsulation.IPIP, Protection.IPSEC_ESP_AES_GCM_128, "192.0.2.2", "192.0.2.3")));
        assertTrue(e.getMessage().contains("protect tunnel 2"), e.getMessage());
        List<VppMessage> sent = fake.vpp.requests();
        assertEquals(List.of(new IpsecSadEntryDel(SA_IN), new IpsecSadEntryDel(SA_OUT), new IpipDelTunnel(2),
                new AfPacketDelete("eth9")), sent.subList(sent.size() - 4, sent.size()));
        assertEquals(List.of(), fake.dataplane.tunnels().list());
    }

    @Test
    void whatVppCannotDoOrWhatContradictsTheUplinkIsRefusedBeforeVppIsAsked() {
        var ikev2 = assertThrows(UnsupportedOperationException.class, () -> fake.dataplane.tunnels().put(
                new TunnelSpec("node-b", IpAddress.parse("192.0.2.2"), IpAddress.parse("192.0.2.3"),
                        List.of(IpPrefix.parse("10.81.2.0/24")), Encapsulation.IPIP, 0,
                        Protection.IPSEC_ESP_AES_GCM_128, KeyExchange.IKEV2_PSK, Optional.of(Secret.ofString("psk")))));
        assertTrue(ikev2.getMessage().contains("ikev2 plugin mapping is a follow-up"), ikev2.getMessage());
        var vxlan = assertThrows(UnsupportedOperationException.class, () -> fake.dataplane.tunnels().put(
                new TunnelSpec("node-b", IpAddress.parse("192.0.2.2"), IpAddress.parse("192.0.2.3"),
                        List.of(IpPrefix.parse("10.81.2.0/24")), Encapsulation.VXLAN, 42, Protection.NONE,
                        KeyExchange.STATIC, Optional.empty())));
        assertTrue(vxlan.getMessage().contains("vxlan plugin"), vxlan.getMessage());
        var wireguard = assertThrows(UnsupportedOperationException.class, () -> fake.dataplane.tunnels().put(
                new TunnelSpec("node-b", IpAddress.parse("192.0.2.2"), IpAddress.parse("192.0.2.3"),
                        List.of(IpPrefix.parse("10.81.2.0/24")), Encapsulation.NONE, 0, Protection.WIREGUARD,
                        KeyExchange.STATIC, Optional.of(Secret.ofBytes(new byte[32])))));
        assertTrue(wireguard.getMessage().contains("wireguard"), wireguard.getMessage());
        var notOurs = assertThrows(InvalidSpecException.class, () -> fake.dataplane.tunnels().put(
                spec(Encapsulation.IPIP, Protection.NONE, "192.0.2.9", "192.0.2.3")));
        assertEquals("localAddress", notOurs.field());
        assertTrue(notOurs.getMessage().contains("eth9"), notOurs.getMessage());

        fake.dataplane.tunnels().put(spec(Encapsulation.IPIP, Protection.NONE, "192.0.2.2", "192.0.2.3"));
        fake.vpp.clearRequests();
        var taken = assertThrows(InvalidSpecException.class, () -> fake.dataplane.tunnels().put(new TunnelSpec(
                "node-c", IpAddress.parse("192.0.2.2"), IpAddress.parse("192.0.2.4"),
                List.of(IpPrefix.parse("10.81.2.0/24")), Encapsulation.IPIP, 0, Protection.NONE,
                KeyExchange.STATIC, Optional.empty())));
        assertEquals("remotePodCidrs[0]", taken.field());
        assertEquals(List.of(), fake.vpp.requests(), "nothing was sent for the refused specs");
    }

    @Test
    void withoutAnUplinkTunnelsAreRefusedNamingTheOption(@TempDir Path elsewhere) throws Exception {
        try (FakeVppFixture noUplink = new FakeVppFixture(elsewhere)) {
            var e = assertThrows(InvalidSpecException.class, () -> noUplink.dataplane.tunnels().put(
                    spec(Encapsulation.IPIP, Protection.NONE, "192.0.2.2", "192.0.2.3")));
            assertEquals("options.vpp.uplink", e.field());
            assertEquals(List.of(), noUplink.vpp.requests());
        }
    }

    @Test
    void afterAVppRestartTheTunnelIsMadeAgain() throws Exception {
        fake.dataplane.tunnels().put(spec(Encapsulation.IPIP, Protection.IPSEC_ESP_AES_GCM_128, "192.0.2.2", "192.0.2.3"));
        List<VppMessage> first = fake.vpp.requests();
        fake.vpp.stop();
        fake.awaitEvent(DataplaneEvent.BackendLost.class);
        fake.vpp.clearRequests();
        fake.vpp.restart();
        fake.awaitEvent(DataplaneEvent.BackendRestored.class);
        List<VppMessage> again = new ArrayList<>(fake.vpp.requests());
        assertEquals(FakeVppFixture.WATCH_INTERFACES, again.removeFirst());
        assertEquals(first, again, "the same uplink, tunnel, SAs (same ids), protection and routes");
    }

    @Test
    void uplinkOptionsAreValidated() {
        assertEquals(Optional.of(UPLINK), VppOptions.from(DataplaneConfig.builder().provider("vpp")
                .option("vpp.uplink", "eth9").option("vpp.uplink.address", "192.0.2.2/24").build()).uplink());
        assertEquals(2, VppOptions.uplink(Optional.of("eth9"), Optional.of("192.0.2.2/24, 2001:db8::2/64"))
                .orElseThrow().addresses().size());
        var noAddress = assertThrows(InvalidSpecException.class,
                () -> VppOptions.uplink(Optional.of("eth9"), Optional.empty()));
        assertEquals("options.vpp.uplink.address", noAddress.field());
        var noName = assertThrows(InvalidSpecException.class,
                () -> VppOptions.uplink(Optional.empty(), Optional.of("192.0.2.2/24")));
        assertEquals("options.vpp.uplink.address", noName.field());
        var badName = assertThrows(InvalidSpecException.class,
                () -> VppOptions.uplink(Optional.of("a/b"), Optional.of("192.0.2.2/24")));
        assertEquals("options.vpp.uplink", badName.field());
        var badAddress = assertThrows(InvalidSpecException.class,
                () -> VppOptions.uplink(Optional.of("eth9"), Optional.of("192.0.2.2")));
        assertTrue(badAddress.getMessage().contains("\"192.0.2.2\""), badAddress.getMessage());
    }

    // ------------------------------------------------------------------------------------------ expected messages

    private static AfPacketCreateV3 uplinkAfPacket(dev.booster.api.net.MacAddress mac) {
        return new AfPacketCreateV3(AfPacketMode.AF_PACKET_API_MODE_ETHERNET, new MacAddress(ByteArray.copyOf(mac.toBytes())), false,
                "eth9", 2048, 2048, 32, 32, new AfPacketFlags(3), 1, 1);
    }

    private static IpsecSadEntryAddV2 sa(long id, long spi, Key key, int flags, long salt) {
        return new IpsecSadEntryAddV2(new IpsecSadEntryV4(id, spi, IpsecProto.IPSEC_API_PROTO_ESP,
                IpsecCryptoAlg.IPSEC_API_CRYPTO_ALG_AES_GCM_128, key, IpsecIntegAlg.IPSEC_API_INTEG_ALG_NONE,
                new Key(0, ByteArray.zeros(128)), new IpsecSadFlags(flags), Tunnel.builder().build(), salt, 4500, 4500,
                1024));
    }

    private static IpRouteAddDel tunnelRoute(boolean add, long swIfIndex, String cidr) {
        boolean v4 = !cidr.contains(":");
        FibPath path = new FibPath(swIfIndex, 0, 0, 1, 0, new FibPathType(0), new FibPathFlags(0),
                new FibPathNhProto(v4 ? 0 : 1), new FibPathNh(new AddressUnion(ByteArray.zeros(16)), 0, 0, NONE),
                0, FibPath.builder().build().labelStack());
        return new IpRouteAddDel(add, false, new IpRoute(0, 0, prefix(cidr), List.of(path)));
    }

    private static IpRouteAddDel routeVia(boolean add, String cidr, String nextHop, long swIfIndex) {
        FibPath path = new FibPath(swIfIndex, 0, 0, 1, 0, new FibPathType(0), new FibPathFlags(0),
                new FibPathNhProto(0), new FibPathNh(new AddressUnion(address(nextHop).un().bytes()), 0, 0, NONE),
                0, FibPath.builder().build().labelStack());
        return new IpRouteAddDel(add, false, new IpRoute(0, 0, prefix(cidr), List.of(path)));
    }

    private static Map<Long, IpsecSadEntryV4> sas(List<VppMessage> requests) {
        Map<Long, IpsecSadEntryV4> byId = new java.util.HashMap<>();
        for (VppMessage m : requests) if (m instanceof IpsecSadEntryAddV2 add) byId.put(add.entry().sadId(), add.entry());
        return byId;
    }

    private static void assertSameSa(IpsecSadEntryV4 a, IpsecSadEntryV4 b) {
        assertEquals(a.spi(), b.spi());
        assertEquals(a.cryptoKey(), b.cryptoKey());
        assertEquals(a.salt(), b.salt());
    }
}
