package dev.booster.vpp.provider;

import dev.booster.api.DataplaneException;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.pod.Memif;
import dev.booster.vpp.api.VppApiClient;
import dev.booster.vpp.api.VppApiException;
import dev.booster.vpp.api.VppRetvalException;
import dev.booster.vpp.api.codec.VppMessageType;
import dev.booster.vpp.binapi.AddressUnion;
import dev.booster.vpp.binapi.AfPacketCreateV3;
import dev.booster.vpp.binapi.AfPacketCreateV3Reply;
import dev.booster.vpp.binapi.AfPacketDelete;
import dev.booster.vpp.binapi.AfPacketMode;
import dev.booster.vpp.binapi.FibPath;
import dev.booster.vpp.binapi.FibPathNh;
import dev.booster.vpp.binapi.FibPathNhProto;
import dev.booster.vpp.binapi.FibPathType;
import dev.booster.vpp.binapi.IfStatusFlags;
import dev.booster.vpp.binapi.IpRoute;
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

    /** The messages these operations send, with what VPP answers: for the client's version check at connect. */
    public static final List<VppMessageType<?>> MESSAGES = List.of(SwInterfaceDump.TYPE, AfPacketCreateV3.TYPE,
            AfPacketDelete.TYPE, TapCreateV3.TYPE, TapDeleteV2.TYPE, MemifSocketFilenameAddDelV2.TYPE,
            MemifCreateV2.TYPE, MemifDelete.TYPE, SwInterfaceSetFlags.TYPE, SwInterfaceAddDelAddress.TYPE,
            IpRouteAddDel.TYPE);

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
                        .build()));
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
        try {
            return (int) vpp.call(TapCreateV3.builder().id(id).useRandomMac(false).macAddress(VppAddresses.mac(mac))
                    .hostNamespaceSet(true).hostNamespace(hostNamespace)
                    .hostIfNameSet(true).hostIfName(hostIfName).build()).swIfIndex();
        } catch (VppRetvalException e) {
            throw new DataplaneException("VPP could not create tap " + hostIfName + " in netns " + hostNamespace
                    + ": " + e.getMessage() + (e.retval() == -11 ? "; VPP's tap needs /dev/vhost-net (modprobe"
                    + " vhost_net), else attach pods with Veth (af_packet) or Memif" : ""), e);
        } catch (VppApiException e) {
            throw new DataplaneException("VPP could not create tap " + hostIfName + ": " + e.getMessage(), e);
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

    /** A memif of {@code spec} on a registered socket; its sw_if_index. */
    public int createMemif(long socketId, Memif spec) {
        MemifCreateV2.Builder memif = MemifCreateV2.builder()
                .role(spec.role() == Memif.Role.MASTER ? MemifRole.MEMIF_ROLE_API_MASTER : MemifRole.MEMIF_ROLE_API_SLAVE)
                .mode(spec.mode() == Memif.Mode.ETHERNET ? MemifMode.MEMIF_MODE_API_ETHERNET : MemifMode.MEMIF_MODE_API_IP)
                .rxQueues(spec.queues()).txQueues(spec.queues()).id(Integer.toUnsignedLong(spec.id()))
                .socketId(socketId).ringSize(spec.ringSize()).bufferSize(MEMIF_BUFFER_SIZE);
        spec.mac().ifPresent(mac -> memif.hwAddr(VppAddresses.mac(mac)));
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

    private static <T> T request(String what, Supplier<T> request) {
        try {
            return request.get();
        } catch (VppApiException e) {
            throw new DataplaneException("VPP could not " + what + ": " + e.getMessage(), e);
        }
    }
}
