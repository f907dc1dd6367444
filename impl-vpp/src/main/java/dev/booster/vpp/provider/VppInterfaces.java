package dev.booster.vpp.provider;

import dev.booster.api.DataplaneException;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.pod.Memif;
import dev.booster.vpp.api.VppApiClient;
import dev.booster.vpp.api.VppApiException;
import dev.booster.vpp.api.VppRetvalException;
import dev.booster.vpp.api.codec.ByteArray;
import dev.booster.vpp.api.codec.VppMessageType;
import dev.booster.vpp.binapi.AclAddReplace;
import dev.booster.vpp.binapi.AclDel;
import dev.booster.vpp.binapi.AclInterfaceSetAclList;
import dev.booster.vpp.binapi.AclRule;
import dev.booster.vpp.binapi.AddressUnion;
import dev.booster.vpp.binapi.CliInband;
import dev.booster.vpp.binapi.CreateLoopbackInstance;
import dev.booster.vpp.binapi.DeleteLoopback;
import dev.booster.vpp.binapi.IpNeighbor;
import dev.booster.vpp.binapi.IpNeighborAddDel;
import dev.booster.vpp.binapi.IpNeighborFlags;
import dev.booster.vpp.binapi.SwInterfaceIp6EnableDisable;
import dev.booster.vpp.binapi.SwInterfaceIp6SetLinkLocalAddress;
import dev.booster.vpp.binapi.SwInterfaceSetUnnumbered;
import dev.booster.vpp.binapi.AfPacketCreateV3;
import dev.booster.vpp.binapi.AfPacketCreateV3Reply;
import dev.booster.vpp.binapi.AfPacketDelete;
import dev.booster.vpp.binapi.AfPacketFlags;
import dev.booster.vpp.binapi.AfPacketMode;
import dev.booster.vpp.binapi.FibPath;
import dev.booster.vpp.binapi.FibPathNh;
import dev.booster.vpp.binapi.FibPathNhProto;
import dev.booster.vpp.binapi.FibPathType;
import dev.booster.vpp.binapi.IfStatusFlags;
import dev.booster.vpp.binapi.IpRoute;
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
import dev.booster.vpp.binapi.TunnelMode;
import dev.booster.vpp.binapi.IpRouteAddDel;
import dev.booster.vpp.binapi.MemifCreateV2;
import dev.booster.vpp.binapi.MemifDelete;
import dev.booster.vpp.binapi.MemifMode;
import dev.booster.vpp.binapi.MemifRole;
import dev.booster.vpp.binapi.MemifSocketFilenameAddDelV2;
import dev.booster.vpp.binapi.SwInterfaceAddDelAddress;
import dev.booster.vpp.binapi.SwInterfaceDetails;
import dev.booster.vpp.binapi.SwInterfaceDump;
import dev.booster.vpp.binapi.SwInterfaceSetFlags;
import dev.booster.vpp.binapi.TapCreateV3;
import dev.booster.vpp.binapi.TapDeleteV2;

import java.util.List;
import java.util.function.Supplier;

/**
 * The interface and routing operations of the {@code vpp} backend, each one VPP request (or dump) through the
 * client, with VPP's refusals turned into {@link DataplaneException}s that say what was being done.
 */
public final class VppInterfaces {

    /**
     * The messages pods and counters need, with what VPP answers: for the client's version check at connect. The
     * acl plugin's are apart ({@link #ACL_MESSAGES}): a VPP without it still serves pods.
     */
    public static final List<VppMessageType<?>> MESSAGES = List.of(SwInterfaceDump.TYPE, AfPacketCreateV3.TYPE,
            AfPacketDelete.TYPE, TapCreateV3.TYPE, TapDeleteV2.TYPE, MemifSocketFilenameAddDelV2.TYPE,
            MemifCreateV2.TYPE, MemifDelete.TYPE, SwInterfaceSetFlags.TYPE, SwInterfaceAddDelAddress.TYPE,
            IpRouteAddDel.TYPE, CreateLoopbackInstance.TYPE, DeleteLoopback.TYPE, SwInterfaceSetUnnumbered.TYPE,
            SwInterfaceIp6EnableDisable.TYPE, SwInterfaceIp6SetLinkLocalAddress.TYPE, IpNeighborAddDel.TYPE,
            CliInband.TYPE, dev.booster.vpp.binapi.WantInterfaceEvents.TYPE, dev.booster.vpp.binapi.SwInterfaceEvent.TYPE);

    /** The acl plugin's messages policy needs, and what VPP answers to them. */
    public static final List<VppMessageType<?>> ACL_MESSAGES = List.of(AclAddReplace.TYPE, AclDel.TYPE,
            AclInterfaceSetAclList.TYPE, dev.booster.vpp.binapi.AclAddReplaceReply.TYPE,
            dev.booster.vpp.binapi.AclDelReply.TYPE, dev.booster.vpp.binapi.AclInterfaceSetAclListReply.TYPE);

    /** The ipip and ipsec messages tunnels need (both in VPP's core, but checked when a tunnel is put, as the ACL's). */
    public static final List<VppMessageType<?>> TUNNEL_MESSAGES = List.of(IpipAddTunnel.TYPE, IpipDelTunnel.TYPE,
            IpsecSadEntryAddV2.TYPE, IpsecSadEntryDel.TYPE, IpsecTunnelProtectUpdate.TYPE, IpsecTunnelProtectDel.TYPE,
            dev.booster.vpp.binapi.IpipAddTunnelReply.TYPE, dev.booster.vpp.binapi.IpipDelTunnelReply.TYPE,
            dev.booster.vpp.binapi.IpsecSadEntryAddV2Reply.TYPE, dev.booster.vpp.binapi.IpsecSadEntryDelReply.TYPE,
            dev.booster.vpp.binapi.IpsecTunnelProtectUpdateReply.TYPE,
            dev.booster.vpp.binapi.IpsecTunnelProtectDelReply.TYPE);

    /**
     * What VPP's CLI and older API versions default to, and v3 takes literally (0 when unset): without
     * {@code CKSUM_GSO} VPP reads a veth's TCP and UDP packets without their checksums (the pod's kernel left them to
     * an offload) and forwards them so, and the receiving pod drops them: ping worked, TCP and UDP did not (live VPP
     * v26.06). {@code QDISC_BYPASS} sends straight to the veth as VPP's own default does.
     */
    static final AfPacketFlags AF_PACKET_FLAGS = new AfPacketFlags(
            AfPacketFlags.AF_PACKET_API_FLAG_QDISC_BYPASS.value() | AfPacketFlags.AF_PACKET_API_FLAG_CKSUM_GSO.value());
    /** VPP's own af_packet ring geometry, made explicit so that a VPP with other defaults behaves the same. */
    static final int AF_PACKET_FRAME_SIZE = 2048;
    static final int AF_PACKET_FRAMES_PER_BLOCK = 32;
    /** Memif buffers hold a whole 1500-byte frame plus headroom, as VPP's and libmemif's default. */
    static final int MEMIF_BUFFER_SIZE = 2048;
    /** VPP's value for "no index" (sw_if_index, table, classify table, socket id). */
    static final long NONE = 0xffff_ffffL;

    private final VppApiClient vpp;

    public VppInterfaces(VppApiClient vpp) {
        this.vpp = vpp;
    }

    public List<SwInterfaceDetails> list() {
        return vpp.dump(SwInterfaceDump.builder().build());
    }

    /** An af_packet interface on the host interface {@code hostIfName} (e.g. a veth's host end); its sw_if_index. */
    public int createAfPacket(String hostIfName, dev.booster.api.net.MacAddress mac) {
        AfPacketCreateV3Reply reply = request("create af_packet on host interface " + hostIfName,
                () -> vpp.call(AfPacketCreateV3.builder().mode(AfPacketMode.AF_PACKET_API_MODE_ETHERNET)
                        .hwAddr(VppAddresses.mac(mac)).hostIfName(hostIfName)
                        .rxFrameSize(AF_PACKET_FRAME_SIZE).txFrameSize(AF_PACKET_FRAME_SIZE)
                        .rxFramesPerBlock(AF_PACKET_FRAMES_PER_BLOCK).txFramesPerBlock(AF_PACKET_FRAMES_PER_BLOCK)
                        .flags(AF_PACKET_FLAGS).build()));
        return (int) reply.swIfIndex();
    }

    public void deleteAfPacket(String hostIfName) {
        request("delete af_packet on " + hostIfName, () -> vpp.call(new AfPacketDelete(hostIfName)));
    }

    /**
     * A tap whose host end VPP creates as {@code hostIfName} inside the network namespace {@code hostNamespace}.
     * VPP's tap needs {@code /dev/vhost-net}: without it VPP answers -11 and this says so.
     */
    public int createTap(int id, dev.booster.api.net.MacAddress mac, String hostNamespace, String hostIfName) {
        return createTap(TapCreateV3.builder().id(id).useRandomMac(false).macAddress(VppAddresses.mac(mac))
                .hostNamespaceSet(true).hostNamespace(hostNamespace)
                .hostIfNameSet(true).hostIfName(hostIfName).build());
    }

    /**
     * A pod's tap: VPP's end has MAC {@code vppMac}; the pod's end, {@code spec.name()} with MAC {@code podMac}, MTU
     * and queues of {@code spec}, is made by VPP inside the network namespace {@code hostNamespace} (a path or an
     * {@code ip netns} name). Its addresses and routes are the caller's (VPP sets one per family and no on-link gateway).
     */
    public int createPodTap(int id, dev.booster.api.pod.Tap spec, String hostNamespace,
                            dev.booster.api.net.MacAddress vppMac, dev.booster.api.net.MacAddress podMac) {
        return createTap(TapCreateV3.builder().id(id).useRandomMac(false).macAddress(VppAddresses.mac(vppMac))
                .numRxQueues(spec.queues()).numTxQueues(spec.queues())
                .hostMtuSet(true).hostMtuSize(spec.mtu()).hostMacAddrSet(true).hostMacAddr(VppAddresses.mac(podMac))
                .hostNamespaceSet(true).hostNamespace(hostNamespace)
                .hostIfNameSet(true).hostIfName(spec.name()).build());
    }

    /** VPP's tap needs {@code /dev/vhost-net}: without it VPP answers -11 and this says so. */
    private int createTap(TapCreateV3 request) {
        try {
            return (int) vpp.call(request).swIfIndex();
        } catch (VppRetvalException e) {
            throw new DataplaneException("VPP could not create tap " + request.hostIfName() + " in netns "
                    + request.hostNamespace() + ": " + e.getMessage() + (e.retval() == -11 ? "; VPP's tap needs"
                    + " /dev/vhost-net (modprobe vhost_net), else attach pods with Veth (af_packet) or Memif" : ""), e);
        } catch (VppApiException e) {
            throw new DataplaneException("VPP could not create tap " + request.hostIfName() + ": " + e.getMessage(), e);
        }
    }

    public void deleteTap(int swIfIndex) {
        request("delete tap " + swIfIndex, () -> vpp.call(new TapDeleteV2(Integer.toUnsignedLong(swIfIndex))));
    }

    /** Registers a memif socket file with VPP (VPP picks the socket id); returns the id. */
    public long addMemifSocket(String path) {
        return request("register memif socket " + path,
                () -> vpp.call(new MemifSocketFilenameAddDelV2(true, NONE, path))).socketId();
    }

    public void removeMemifSocket(long socketId) {
        request("remove memif socket " + socketId,
                () -> vpp.call(new MemifSocketFilenameAddDelV2(false, socketId, "")));
    }

    /** A memif of {@code spec} on a registered socket, VPP's end with the MAC {@code spec.mac()}; its sw_if_index. */
    public int createMemif(long socketId, Memif spec) {
        return createMemif(socketId, spec, spec.mac());
    }

    /** A memif of {@code spec} on a registered socket, VPP's end with MAC {@code vppMac} (none: VPP picks); its sw_if_index. */
    public int createMemif(long socketId, Memif spec, java.util.Optional<dev.booster.api.net.MacAddress> vppMac) {
        MemifCreateV2.Builder memif = MemifCreateV2.builder()
                .role(spec.role() == Memif.Role.MASTER ? MemifRole.MEMIF_ROLE_API_MASTER : MemifRole.MEMIF_ROLE_API_SLAVE)
                .mode(spec.mode() == Memif.Mode.ETHERNET ? MemifMode.MEMIF_MODE_API_ETHERNET : MemifMode.MEMIF_MODE_API_IP)
                .rxQueues(spec.queues()).txQueues(spec.queues()).id(Integer.toUnsignedLong(spec.id()))
                .socketId(socketId).ringSize(spec.ringSize()).bufferSize(MEMIF_BUFFER_SIZE);
        vppMac.ifPresent(mac -> memif.hwAddr(VppAddresses.mac(mac)));
        spec.secret().ifPresent(secret -> memif.secret(memifSecret(spec.name(), secret)));
        return (int) request("create memif " + spec.name() + " (id " + spec.id() + ")", () -> vpp.call(memif.build()))
                .swIfIndex();
    }

    /** VPP takes the secret as a {@code string[24]}: it must be UTF-8 text without NUL. */
    private static String memifSecret(String interfaceName, dev.booster.api.Secret secret) {
        return secret.apply(bytes -> {
            try {
                String text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                        .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                        .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
                if (text.indexOf('\0') < 0) {
                    return text;
                }
            } catch (java.nio.charset.CharacterCodingException e) {
                // refused below
            }
            throw new dev.booster.api.InvalidSpecException("interfaces." + interfaceName + ".secret",
                    "VPP takes a memif secret as text: use UTF-8 without NUL bytes");
        });
    }

    public void deleteMemif(int swIfIndex) {
        request("delete memif " + swIfIndex, () -> vpp.call(new MemifDelete(Integer.toUnsignedLong(swIfIndex))));
    }

    public void setAdminUp(int swIfIndex, boolean up) {
        request("set interface " + swIfIndex + (up ? " up" : " down"), () -> vpp.call(new SwInterfaceSetFlags(
                Integer.toUnsignedLong(swIfIndex), up ? IfStatusFlags.IF_STATUS_API_FLAG_ADMIN_UP : new IfStatusFlags(0))));
    }

    public void addAddress(int swIfIndex, InterfaceAddress address) {
        changeAddress(swIfIndex, address, true);
    }

    public void removeAddress(int swIfIndex, InterfaceAddress address) {
        changeAddress(swIfIndex, address, false);
    }

    private void changeAddress(int swIfIndex, InterfaceAddress address, boolean add) {
        request((add ? "add " : "remove ") + address + " on interface " + swIfIndex,
                () -> vpp.call(SwInterfaceAddDelAddress.builder().swIfIndex(Integer.toUnsignedLong(swIfIndex))
                        .isAdd(add).prefix(VppAddresses.prefix(address)).build()));
    }

    /** A route in the default table to {@code destination} via {@code gateway} out of {@code swIfIndex}. */
    public void addRoute(IpPrefix destination, IpAddress gateway, int swIfIndex) {
        changeRoute(destination, gateway, swIfIndex, true);
    }

    public void removeRoute(IpPrefix destination, IpAddress gateway, int swIfIndex) {
        changeRoute(destination, gateway, swIfIndex, false);
    }

    private void changeRoute(IpPrefix destination, IpAddress gateway, int swIfIndex, boolean add) {
        FibPath path = FibPath.builder().swIfIndex(Integer.toUnsignedLong(swIfIndex)).weight(1)
                .type(FibPathType.FIB_API_PATH_TYPE_NORMAL)
                .proto(gateway instanceof dev.booster.api.net.Ip4Address ? FibPathNhProto.FIB_API_PATH_NH_PROTO_IP4
                        : FibPathNhProto.FIB_API_PATH_NH_PROTO_IP6)
                .nh(FibPathNh.builder().address(new AddressUnion(VppAddresses.address(gateway).un().bytes()))
                        .classifyTableIndex(NONE).build())
                .build();
        request((add ? "add route " : "remove route ") + destination + " via " + gateway,
                () -> vpp.call(new IpRouteAddDel(add, false, IpRoute.builder().prefix(VppAddresses.prefix(destination))
                        .paths(List.of(path)).build())));
    }

    /** A route in the default table to {@code destination} out of the point-to-point interface {@code swIfIndex}. */
    public void addInterfaceRoute(IpPrefix destination, int swIfIndex) {
        changeInterfaceRoute(destination, swIfIndex, true);
    }

    public void removeInterfaceRoute(IpPrefix destination, int swIfIndex) {
        changeInterfaceRoute(destination, swIfIndex, false);
    }

    private void changeInterfaceRoute(IpPrefix destination, int swIfIndex, boolean add) {
        FibPath path = FibPath.builder().swIfIndex(Integer.toUnsignedLong(swIfIndex)).weight(1)
                .type(FibPathType.FIB_API_PATH_TYPE_NORMAL)
                .proto(destination.address() instanceof dev.booster.api.net.Ip4Address
                        ? FibPathNhProto.FIB_API_PATH_NH_PROTO_IP4 : FibPathNhProto.FIB_API_PATH_NH_PROTO_IP6)
                .nh(FibPathNh.builder().classifyTableIndex(NONE).build())
                .build();
        request((add ? "add route " : "remove route ") + destination + " through interface " + swIfIndex,
                () -> vpp.call(new IpRouteAddDel(add, false, IpRoute.builder().prefix(VppAddresses.prefix(destination))
                        .paths(List.of(path)).build())));
    }

    /** A point-to-point IP-in-IP tunnel from {@code source} to {@code destination} (VPP picks the instance); its sw_if_index. */
    public int createIpip(IpAddress source, IpAddress destination) {
        return (int) request("create ipip tunnel " + source + " > " + destination,
                () -> vpp.call(new IpipAddTunnel(IpipTunnel.builder().instance(NONE)
                        .src(VppAddresses.address(source)).dst(VppAddresses.address(destination))
                        .mode(TunnelMode.TUNNEL_API_MODE_P2P).build()))).swIfIndex();
    }

    public void deleteIpip(int swIfIndex) {
        request("delete ipip tunnel " + swIfIndex, () -> vpp.call(new IpipDelTunnel(Integer.toUnsignedLong(swIfIndex))));
    }

    /**
     * ESP SA {@code sadId} with {@code sa}'s SPI, AES-GCM key and salt, in transport mode: protecting an ipip tunnel
     * with it puts ESP between the tunnel's outer header and the inner packet, which on the wire is ESP tunnel mode
     * (next header 4 or 41), as the engine sends and expects. Extended sequence numbers as the engine's SAs;
     * {@code inbound} with anti-replay over the SA's window.
     */
    public void addSa(long sadId, dev.booster.ipsec.SecurityAssociation sa, boolean inbound) {
        long flags = sa.extendedSequenceNumbers() ? IpsecSadFlags.IPSEC_API_SAD_FLAG_USE_ESN.value() : 0;
        if (inbound) {
            flags |= IpsecSadFlags.IPSEC_API_SAD_FLAG_IS_INBOUND.value()
                    | IpsecSadFlags.IPSEC_API_SAD_FLAG_USE_ANTI_REPLAY.value();
        }
        byte[] key = sa.key();
        byte[] salt = sa.salt();
        try {
            IpsecSadEntryV4 entry = IpsecSadEntryV4.builder().sadId(sadId).spi(Integer.toUnsignedLong(sa.spi()))
                    .protocol(IpsecProto.IPSEC_API_PROTO_ESP)
                    .cryptoAlgorithm(switch (sa.algorithm()) {
                        case AES_GCM_16_128 -> IpsecCryptoAlg.IPSEC_API_CRYPTO_ALG_AES_GCM_128;
                        case AES_GCM_16_256 -> IpsecCryptoAlg.IPSEC_API_CRYPTO_ALG_AES_GCM_256;
                    })
                    .cryptoKey(key(key)).integrityAlgorithm(IpsecIntegAlg.IPSEC_API_INTEG_ALG_NONE)
                    .flags(new IpsecSadFlags(flags))
                    // VPP copies the u32 into the nonce as it came off the wire: the salt's bytes in order.
                    .salt(Integer.toUnsignedLong(java.nio.ByteBuffer.wrap(salt).getInt()))
                    .antiReplayWindowSize(sa.replayWindow()).build();
            request("add ESP SA " + sadId + " (SPI " + Integer.toUnsignedString(sa.spi()) + ", "
                    + (inbound ? "inbound" : "outbound") + ")", () -> vpp.call(new IpsecSadEntryAddV2(entry)));
        } finally {
            java.util.Arrays.fill(key, (byte) 0);
            java.util.Arrays.fill(salt, (byte) 0);
        }
    }

    /** VPP's {@code key_t} is a length and 128 bytes. */
    private static Key key(byte[] key) {
        byte[] data = java.util.Arrays.copyOf(key, 128);
        try {
            return new Key(key.length, ByteArray.copyOf(data));
        } finally {
            java.util.Arrays.fill(data, (byte) 0);
        }
    }

    public void deleteSa(long sadId) {
        request("delete ESP SA " + sadId, () -> vpp.call(new IpsecSadEntryDel(sadId)));
    }

    /** Protects the point-to-point tunnel {@code swIfIndex}: packets out with SA {@code saOut}, in only with {@code saIn}. */
    public void protectTunnel(int swIfIndex, IpAddress outerFamily, long saOut, long saIn) {
        request("protect tunnel " + swIfIndex + " with SAs " + saOut + " (out), " + saIn + " (in)",
                () -> vpp.call(new IpsecTunnelProtectUpdate(new IpsecTunnelProtect(Integer.toUnsignedLong(swIfIndex),
                        zero(outerFamily), saOut, List.of(saIn)))));
    }

    public void unprotectTunnel(int swIfIndex, IpAddress outerFamily) {
        request("remove the protection of tunnel " + swIfIndex,
                () -> vpp.call(new IpsecTunnelProtectDel(Integer.toUnsignedLong(swIfIndex), zero(outerFamily))));
    }

    /** A point-to-point tunnel's "next hop" is the all-zeros address (VPP's ipsec.api). */
    private static dev.booster.vpp.binapi.Address zero(IpAddress ofFamily) {
        return VppAddresses.address(ofFamily instanceof dev.booster.api.net.Ip4Address
                ? dev.booster.api.net.Ip4Address.ofBytes(new byte[4]) : dev.booster.api.net.Ip6Address.ofBytes(new byte[16]));
    }

    /** A loopback interface with MAC {@code mac} (VPP picks the instance); its sw_if_index. */
    public int createLoopback(dev.booster.api.net.MacAddress mac) {
        return (int) request("create a loopback interface", () -> vpp.call(new CreateLoopbackInstance(
                VppAddresses.mac(mac), false, 0))).swIfIndex();
    }

    public void deleteLoopback(int swIfIndex) {
        request("delete loopback " + swIfIndex, () -> vpp.call(new DeleteLoopback(Integer.toUnsignedLong(swIfIndex))));
    }

    /**
     * Makes {@code swIfIndex} unnumbered, borrowing the addresses of {@code addressSource}: IPv4 is then enabled on it
     * without an address of its own, as every pod interface needs (their gateway address is one and the same).
     */
    public void setUnnumbered(int swIfIndex, int addressSource) {
        request("make interface " + swIfIndex + " unnumbered to " + addressSource,
                () -> vpp.call(new SwInterfaceSetUnnumbered(Integer.toUnsignedLong(addressSource),
                        Integer.toUnsignedLong(swIfIndex), true)));
    }

    /** Enables IPv6 on {@code swIfIndex} and gives it the link-local address {@code linkLocal}. */
    public void enableIp6(int swIfIndex, dev.booster.api.net.Ip6Address linkLocal) {
        request("enable IPv6 on interface " + swIfIndex,
                () -> vpp.call(new SwInterfaceIp6EnableDisable(Integer.toUnsignedLong(swIfIndex), true)));
        request("set link-local address " + linkLocal + " on interface " + swIfIndex,
                () -> vpp.call(new SwInterfaceIp6SetLinkLocalAddress(Integer.toUnsignedLong(swIfIndex),
                        new dev.booster.vpp.binapi.Ip6Address(ByteArray.copyOf(linkLocal.toBytes())))));
    }

    /** Enables IPv6 on {@code swIfIndex} (its link-local address VPP's choice): a tunnel carrying IPv6 pods. */
    public void enableIp6Only(int swIfIndex) {
        request("enable IPv6 on interface " + swIfIndex,
                () -> vpp.call(new SwInterfaceIp6EnableDisable(Integer.toUnsignedLong(swIfIndex), true)));
    }

    /** A static neighbour: {@code address} is at {@code mac} on {@code swIfIndex} (no ARP/ND needed). */
    public void addNeighbor(int swIfIndex, IpAddress address, dev.booster.api.net.MacAddress mac) {
        changeNeighbor(swIfIndex, address, mac, true);
    }

    public void removeNeighbor(int swIfIndex, IpAddress address, dev.booster.api.net.MacAddress mac) {
        changeNeighbor(swIfIndex, address, mac, false);
    }

    private void changeNeighbor(int swIfIndex, IpAddress address, dev.booster.api.net.MacAddress mac, boolean add) {
        request((add ? "add neighbour " : "remove neighbour ") + address + " on interface " + swIfIndex,
                () -> vpp.call(new IpNeighborAddDel(add, new IpNeighbor(Integer.toUnsignedLong(swIfIndex),
                        IpNeighborFlags.IP_API_NEIGHBOR_FLAG_STATIC, VppAddresses.mac(mac), VppAddresses.address(address)))));
    }

    /** A route to the host address {@code destination} (/32, /128) out of {@code swIfIndex}, the address its own next hop. */
    public void addHostRoute(IpAddress destination, int swIfIndex) {
        addRoute(new IpPrefix(destination, destination.family().bits()), destination, swIfIndex);
    }

    public void removeHostRoute(IpAddress destination, int swIfIndex) {
        removeRoute(new IpPrefix(destination, destination.family().bits()), destination, swIfIndex);
    }

    /** Creates ACL {@code rules} (aclIndex {@link #NONE}) or replaces ACL {@code aclIndex}'s rules; the ACL's index. */
    public long replaceAcl(long aclIndex, String tag, List<AclRule> rules) {
        return request((aclIndex == NONE ? "create ACL " : "replace ACL " + aclIndex + " ") + tag,
                () -> vpp.call(new AclAddReplace(aclIndex, tag, rules))).aclIndex();
    }

    public void deleteAcl(long aclIndex) {
        request("delete ACL " + aclIndex, () -> vpp.call(new AclDel(aclIndex)));
    }

    /**
     * Binds ACLs to {@code swIfIndex}: {@code input} to packets VPP receives on it, {@code output} to packets it
     * sends out of it; empty lists unbind.
     */
    public void setAcls(int swIfIndex, List<Long> input, List<Long> output) {
        List<Long> all = new java.util.ArrayList<>(input);
        all.addAll(output);
        request("bind ACLs " + input + " (input), " + output + " (output) to interface " + swIfIndex,
                () -> vpp.call(new AclInterfaceSetAclList(Integer.toUnsignedLong(swIfIndex), input.size(), all)));
    }

    /** Asks VPP to send this client {@code sw_interface_event}s (admin and link state changes, deletions). */
    public void watchInterfaceEvents() {
        request("register for interface events", () -> vpp.call(new dev.booster.vpp.binapi.WantInterfaceEvents(1,
                ProcessHandle.current().pid())));
    }

    /** Runs a debug CLI command through the API ({@code cli_inband}); its output. */
    public String cli(String command) {
        return request("run '" + command + "'", () -> vpp.call(new CliInband(command))).reply();
    }

    private static <T> T request(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (VppApiException e) {
            throw new DataplaneException("VPP could not " + what + ": " + e.getMessage(), e);
        }
    }
}
