package dev.booster.afxdp.bpf;

import dev.booster.afxdp.bpf.BpfAssembler.Condition;
import dev.booster.afxdp.bpf.BpfAssembler.Size;
import dev.booster.host.ffi.Errno;
import dev.booster.afxdp.ffi.Libbpf;
import dev.booster.host.ffi.Libc;
import dev.booster.afxdp.ffi.Libxdp;
import dev.booster.host.ffi.NativeCallException;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.net.IpPrefix;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static dev.booster.afxdp.bpf.Register.FP;
import static dev.booster.afxdp.bpf.Register.R0;
import static dev.booster.afxdp.bpf.Register.R1;
import static dev.booster.afxdp.bpf.Register.R2;
import static dev.booster.afxdp.bpf.Register.R3;
import static dev.booster.afxdp.bpf.Register.R4;
import static dev.booster.afxdp.bpf.Register.R5;
import static dev.booster.afxdp.bpf.Register.R6;

/**
 * The uplink's XDP program, assembled here (no clang): frames whose IPv4 or IPv6 destination lies in one of the pod
 * CIDRs go to the AF_XDP socket of their RX queue ({@code bpf_redirect_map(&xsks, rx_queue_index, XDP_PASS)}: a queue
 * without a socket passes), and so does the node's tunnel traffic: IP in IP (protocol 4 or 41), ESP (50) and VXLAN
 * (UDP to 4789), and ESP in UDP (to 4500, only when the first 4 payload bytes, the SPI, are not zero) to one of the
 * local tunnel addresses (UDP: IPv4 only with a 20-byte header, IPv6 only without extension headers). Everything
 * else, ARP, IKE (UDP 500, and 4500 behind the zero non-ESP marker), NAT keepalives and other ethertypes included,
 * is {@code XDP_PASS}ed to the kernel, so the host keeps its own networking on that interface and the node's IKE
 * daemon gets its messages.
 *
 * <p>Its maps are made with {@code bpf_map_create}: two LPM tries (IPv4 key: prefix length u32 + 4 address bytes;
 * IPv6: + 16 bytes), two hashes of local tunnel addresses (4 and 16-byte keys) and an XSKMAP by queue index. The program hangs on a BPF link: closing this object (or the
 * process dying) detaches it, and with the last descriptors gone the kernel frees program and maps.
 */
public final class UplinkProgram implements AutoCloseable {
    public static final String PROGRAM_NAME = "booster_uplink";
    /** Pod CIDRs each family's trie holds at most. */
    public static final int MAX_PREFIXES = 1024;
    /** Local tunnel addresses each family's hash holds at most. */
    public static final int MAX_TUNNEL_ADDRESSES = 64;
    /** XSKMAP slots: queue ids this program can redirect. */
    public static final int MAX_QUEUES = 256;

    static final int XDP_PASS = 2;
    static final int HELPER_MAP_LOOKUP_ELEM = 1;
    static final int HELPER_REDIRECT_MAP = 51;
    // struct xdp_md offsets
    static final int XDP_MD_DATA = 0, XDP_MD_DATA_END = 4, XDP_MD_RX_QUEUE_INDEX = 16;
    static final int ETH_HEADER = 14, ETH_TYPE_OFFSET = 12, IPV4_HEADER = 20, IPV6_HEADER = 40;
    static final int IPV4_DADDR = ETH_HEADER + 16, IPV6_DADDR = ETH_HEADER + 24;
    /** Ethertypes as a little-endian u16 load of the network-order field sees them. */
    static final int ETH_P_IP_LOADED = 0x0008, ETH_P_IPV6_LOADED = 0xdd86;
    /** UDP port 4789 (VXLAN) as a little-endian u16 load of the network-order field sees it. */
    static final int VXLAN_PORT_LOADED = 0xb512;
    /** UDP port 4500 (ESP in UDP, and IKE after NAT-T) as a little-endian u16 load sees it. */
    static final int ESP_IN_UDP_PORT_LOADED = 0x9411;
    static final int IPV4_PROTOCOL = ETH_HEADER + 9, IPV6_NEXT_HEADER = ETH_HEADER + 6;
    static final int IPPROTO_IPIP = 4, IPPROTO_IPV6 = 41, IPPROTO_ESP = 50, IPPROTO_UDP = 17;

    private final Libbpf libbpf;
    private final String interfaceName;
    private final int v4Map;
    private final int v6Map;
    private final int xsksMap;
    private final int tunnel4Map;
    private final int tunnel6Map;
    private final int programFd;
    private final Set<IpPrefix> prefixes = new LinkedHashSet<>();
    private final Set<IpAddress> tunnelAddresses = new LinkedHashSet<>();
    private int linkFd = -1;
    private boolean closed;

    private UplinkProgram(Libbpf libbpf, String interfaceName, int v4Map, int v6Map, int xsksMap, int tunnel4Map, int tunnel6Map, int programFd) {
        this.libbpf = libbpf;
        this.interfaceName = interfaceName;
        this.v4Map = v4Map;
        this.v6Map = v6Map;
        this.xsksMap = xsksMap;
        this.tunnel4Map = tunnel4Map;
        this.tunnel6Map = tunnel6Map;
        this.programFd = programFd;
    }

    /** Creates the maps and loads the program (not attached yet: see {@link #attach}). */
    public static UplinkProgram load(String interfaceName) {
        Libbpf libbpf = Libbpf.load();
        List<Integer> fds = new ArrayList<>();
        try {
            int v4 = libbpf.mapCreate(Libbpf.BPF_MAP_TYPE_LPM_TRIE, "bst_pods_v4", 8, 1, MAX_PREFIXES, Libbpf.BPF_F_NO_PREALLOC);
            fds.add(v4);
            int v6 = libbpf.mapCreate(Libbpf.BPF_MAP_TYPE_LPM_TRIE, "bst_pods_v6", 20, 1, MAX_PREFIXES, Libbpf.BPF_F_NO_PREALLOC);
            fds.add(v6);
            int xsks = libbpf.mapCreate(Libbpf.BPF_MAP_TYPE_XSKMAP, "bst_uplink_xsks", 4, 4, MAX_QUEUES, 0);
            fds.add(xsks);
            int tunnel4 = libbpf.mapCreate(Libbpf.BPF_MAP_TYPE_HASH, "bst_tunnel_v4", 4, 1, MAX_TUNNEL_ADDRESSES, 0);
            fds.add(tunnel4);
            int tunnel6 = libbpf.mapCreate(Libbpf.BPF_MAP_TYPE_HASH, "bst_tunnel_v6", 16, 1, MAX_TUNNEL_ADDRESSES, 0);
            fds.add(tunnel6);
            int program = libbpf.programLoad(Libbpf.BPF_PROG_TYPE_XDP, PROGRAM_NAME, "GPL", bytecode(v4, v6, xsks, tunnel4, tunnel6));
            return new UplinkProgram(libbpf, interfaceName, v4, v6, xsks, tunnel4, tunnel6, program);
        } catch (RuntimeException e) {
            for (int fd : fds) closeAfterFailure(fd, e);
            throw e;
        }
    }

    /**
     * The program: see the class comment. Map descriptors go into the 64-bit immediate loads. A helper call clobbers
     * R1-R5, so after a lookup the packet pointers are read from the context again and bounds-checked anew (the
     * verifier forgets what it knew of them).
     */
    static byte[] bytecode(int v4Map, int v6Map, int xsksMap, int tunnel4Map, int tunnel6Map) {
        BpfAssembler a = new BpfAssembler();
        a.mov(R6, R1)                                                  // ctx, kept across helper calls
                .ldx(Size.W, R2, R1, XDP_MD_DATA)
                .ldx(Size.W, R3, R1, XDP_MD_DATA_END)
                .mov(R4, R2).add(R4, ETH_HEADER)
                .jmp(Condition.JGT, R4, R3, "pass")                    // the verifier demands the bound before any read
                .ldx(Size.H, R5, R2, ETH_TYPE_OFFSET)
                .jmp(Condition.JEQ, R5, ETH_P_IP_LOADED, "ipv4")
                .jmp(Condition.JEQ, R5, ETH_P_IPV6_LOADED, "ipv6")
                .ja("pass")                                            // ARP, VLAN-tagged and the rest: the kernel's

                .label("ipv4")
                .mov(R4, R2).add(R4, ETH_HEADER + IPV4_HEADER)
                .jmp(Condition.JGT, R4, R3, "pass")
                .st(Size.W, FP, -8, 32)                                // key: prefixlen 32 ...
                .ldx(Size.W, R5, R2, IPV4_DADDR)
                .stx(Size.W, FP, -4, R5)                               // ... and daddr, network order
                .loadMapFd(R1, v4Map)
                .mov(R2, FP).add(R2, -8)
                .call(HELPER_MAP_LOOKUP_ELEM)
                .jmp(Condition.JNE, R0, 0, "redirect")
                // Not a pod: tunnel traffic to a local tunnel address?
                .ldx(Size.W, R2, R6, XDP_MD_DATA)
                .ldx(Size.W, R3, R6, XDP_MD_DATA_END)
                .mov(R4, R2).add(R4, ETH_HEADER + IPV4_HEADER)
                .jmp(Condition.JGT, R4, R3, "pass")
                .ldx(Size.B, R5, R2, IPV4_PROTOCOL)
                .jmp(Condition.JEQ, R5, IPPROTO_IPIP, "tunnel4")
                .jmp(Condition.JEQ, R5, IPPROTO_IPV6, "tunnel4")
                .jmp(Condition.JEQ, R5, IPPROTO_ESP, "tunnel4")
                .jmp(Condition.JNE, R5, IPPROTO_UDP, "pass")
                .ldx(Size.B, R5, R2, ETH_HEADER)
                .jmp(Condition.JNE, R5, 0x45, "pass")                  // options before UDP: the kernel's
                .mov(R4, R2).add(R4, ETH_HEADER + IPV4_HEADER + 8)
                .jmp(Condition.JGT, R4, R3, "pass")
                .ldx(Size.H, R5, R2, ETH_HEADER + IPV4_HEADER + 2)
                .jmp(Condition.JEQ, R5, VXLAN_PORT_LOADED, "tunnel4")
                .jmp(Condition.JNE, R5, ESP_IN_UDP_PORT_LOADED, "pass");
        espInUdp(a, ETH_HEADER + IPV4_HEADER, "4");
        a.label("tunnel4")
                .ldx(Size.W, R5, R2, IPV4_DADDR)
                .stx(Size.W, FP, -12, R5)
                .loadMapFd(R1, tunnel4Map)
                .mov(R2, FP).add(R2, -12)
                .call(HELPER_MAP_LOOKUP_ELEM)
                .jmp(Condition.JEQ, R0, 0, "pass")
                .ja("redirect")

                .label("ipv6")
                .mov(R4, R2).add(R4, ETH_HEADER + IPV6_HEADER)
                .jmp(Condition.JGT, R4, R3, "pass")
                .st(Size.W, FP, -20, 128);                             // key: prefixlen 128 and daddr
        for (int word = 0; word < 4; word++) {
            a.ldx(Size.W, R5, R2, IPV6_DADDR + 4 * word).stx(Size.W, FP, -16 + 4 * word, R5);
        }
        a.loadMapFd(R1, v6Map)
                .mov(R2, FP).add(R2, -20)
                .call(HELPER_MAP_LOOKUP_ELEM)
                .jmp(Condition.JNE, R0, 0, "redirect")
                .ldx(Size.W, R2, R6, XDP_MD_DATA)
                .ldx(Size.W, R3, R6, XDP_MD_DATA_END)
                .mov(R4, R2).add(R4, ETH_HEADER + IPV6_HEADER)
                .jmp(Condition.JGT, R4, R3, "pass")
                .ldx(Size.B, R5, R2, IPV6_NEXT_HEADER)
                .jmp(Condition.JEQ, R5, IPPROTO_IPIP, "tunnel6")
                .jmp(Condition.JEQ, R5, IPPROTO_IPV6, "tunnel6")
                .jmp(Condition.JEQ, R5, IPPROTO_ESP, "tunnel6")
                .jmp(Condition.JNE, R5, IPPROTO_UDP, "pass")
                .mov(R4, R2).add(R4, ETH_HEADER + IPV6_HEADER + 8)
                .jmp(Condition.JGT, R4, R3, "pass")
                .ldx(Size.H, R5, R2, ETH_HEADER + IPV6_HEADER + 2)
                .jmp(Condition.JEQ, R5, VXLAN_PORT_LOADED, "tunnel6")
                .jmp(Condition.JNE, R5, ESP_IN_UDP_PORT_LOADED, "pass");
        espInUdp(a, ETH_HEADER + IPV6_HEADER, "6");
        a.label("tunnel6");
        for (int word = 0; word < 4; word++) {
            a.ldx(Size.W, R5, R2, IPV6_DADDR + 4 * word).stx(Size.W, FP, -40 + 4 * word, R5);
        }
        a.loadMapFd(R1, tunnel6Map)
                .mov(R2, FP).add(R2, -40)
                .call(HELPER_MAP_LOOKUP_ELEM)
                .jmp(Condition.JEQ, R0, 0, "pass")

                .label("redirect")                                     // a pod's destination: to the queue's socket
                .loadMapFd(R1, xsksMap)
                .ldx(Size.W, R2, R6, XDP_MD_RX_QUEUE_INDEX)
                .mov(R3, XDP_PASS)                                     // no socket on this queue: pass
                .call(HELPER_REDIRECT_MAP)
                .exit()

                .label("pass")
                .mov(R0, XDP_PASS)
                .exit();
        return a.assemble();
    }

    /**
     * For a UDP datagram to 4500 at {@code udp} (R2 = data, R3 = data_end, the UDP header bounds-checked): falls through
     * to the tunnel lookup when it is ESP, jumps to "pass" when it is the host's (RFC 3948 §2.2-2.3): IKE behind the
     * 4-byte zero non-ESP marker, a 1-byte 0xff NAT keepalive, anything shorter than the marker. The UDP length field,
     * not the frame, says how long the datagram is: Ethernet pads a keepalive to 60 bytes with zeros after the 0xff.
     */
    private static void espInUdp(BpfAssembler a, int udp, String family) {
        String longEnough = "esp_in_udp_long" + family;
        a.ldx(Size.B, R5, R2, udp + 4)                                 // UDP length, high byte: >= 256 is long enough
                .jmp(Condition.JNE, R5, 0, longEnough)
                .ldx(Size.B, R5, R2, udp + 5)
                .jmp(Condition.JLT, R5, 8 + 4, "pass")                 // no room for an SPI: a keepalive or junk
                .label(longEnough)
                .mov(R4, R2).add(R4, udp + 8 + 4)
                .jmp(Condition.JGT, R4, R3, "pass")
                .ldx(Size.W, R5, R2, udp + 8)
                .jmp(Condition.JEQ, R5, 0, "pass");                    // the non-ESP marker: IKE, for the kernel's socket
    }

    /**
     * Sends tunnel traffic (IP in IP, ESP, VXLAN) for exactly these local addresses to Booster from now on; the rest
     * of the traffic to them stays the kernel's.
     */
    public synchronized void setTunnelAddresses(Set<IpAddress> addresses) {
        requireOpen();
        for (IpAddress gone : List.copyOf(tunnelAddresses)) {
            if (addresses.contains(gone)) continue;
            int rc = libbpf.mapDelete(tunnelMapOf(gone), gone.toBytes());
            if (rc < 0 && rc != -Errno.ENOENT) throw new NativeCallException("bpf_map_delete_elem(" + tunnelMapName(gone) + "[" + gone + "])", -rc);
            tunnelAddresses.remove(gone);
        }
        for (IpAddress added : addresses) {
            if (tunnelAddresses.contains(added)) continue;
            libbpf.mapUpdate(tunnelMapOf(added), added.toBytes(), new byte[]{1}, Libbpf.BPF_ANY, tunnelMapName(added) + "[" + added + "]");
            tunnelAddresses.add(added);
        }
    }

    public synchronized Set<IpAddress> tunnelAddresses() {
        return Set.copyOf(tunnelAddresses);
    }

    private int tunnelMapOf(IpAddress address) {
        return address.family() == IpFamily.IPV4 ? tunnel4Map : tunnel6Map;
    }

    private static String tunnelMapName(IpAddress address) {
        return address.family() == IpFamily.IPV4 ? "bst_tunnel_v4" : "bst_tunnel_v6";
    }

    /** Puts {@code socketFd} in the XSKMAP slot of {@code queue}. */
    public synchronized void addSocket(int queue, int socketFd) {
        requireOpen();
        if (queue < 0 || queue >= MAX_QUEUES) {
            throw new IllegalArgumentException("queue " + queue + " is outside the " + MAX_QUEUES + " queues of the uplink program");
        }
        libbpf.mapUpdateInt(xsksMap, queue, socketFd, "bst_uplink_xsks[" + queue + "] of " + interfaceName);
    }

    /**
     * Attaches the program to {@code interfaceName} (resolved in the calling thread's namespace) through a BPF link.
     *
     * @param generic attach in generic (skb) mode instead of the driver's native mode
     */
    public synchronized void attach(boolean generic) {
        requireOpen();
        if (linkFd >= 0) throw new IllegalStateException("the uplink program is already attached to " + interfaceName);
        int ifindex = Libc.ifNameToIndex(interfaceName);
        if (ifindex == 0) throw new NativeCallException("if_nametoindex(" + interfaceName + ")", Errno.ENODEV, "no such interface; check the uplink's name");
        int flags = generic ? Libxdp.XDP_FLAGS_SKB_MODE : Libxdp.XDP_FLAGS_DRV_MODE;
        try {
            linkFd = libbpf.linkCreate(programFd, ifindex, Libbpf.BPF_XDP, flags, "XDP " + PROGRAM_NAME + " on " + interfaceName);
        } catch (NativeCallException e) {
            if (e.errno() != Errno.EBUSY && e.errno() != Errno.EEXIST) throw e;
            throw new NativeCallException(e.call(), e.errno(), "another XDP program is attached to " + interfaceName
                    + " (`ip link show " + interfaceName + "`); detach it first: the uplink needs its own program there");
        }
    }

    /** Sends frames for {@code prefix} to Booster from now on; true when it was not there yet. */
    public synchronized boolean addPrefix(IpPrefix prefix) {
        requireOpen();
        libbpf.mapUpdate(mapOf(prefix), lpmKey(prefix), new byte[]{1}, Libbpf.BPF_ANY, mapName(prefix) + "[" + prefix + "]");
        return prefixes.add(prefix);
    }

    /** Leaves frames for {@code prefix} to the kernel again; false when it was not there. */
    public synchronized boolean removePrefix(IpPrefix prefix) {
        requireOpen();
        int rc = libbpf.mapDelete(mapOf(prefix), lpmKey(prefix));
        if (rc == -Errno.ENOENT) return prefixes.remove(prefix);
        if (rc < 0) throw new NativeCallException("bpf_map_delete_elem(" + mapName(prefix) + "[" + prefix + "])", -rc);
        prefixes.remove(prefix);
        return true;
    }

    public synchronized Set<IpPrefix> prefixes() {
        return Set.copyOf(prefixes);
    }

    public String interfaceName() {
        return interfaceName;
    }

    /** The key of an LPM trie: prefix length (u32, host order) then the address bytes in network order. */
    static byte[] lpmKey(IpPrefix prefix) {
        byte[] address = prefix.address().toBytes();
        return ByteBuffer.allocate(4 + address.length).order(ByteOrder.nativeOrder()).putInt(prefix.length()).put(address).array();
    }

    private int mapOf(IpPrefix prefix) {
        return prefix.family() == IpFamily.IPV4 ? v4Map : v6Map;
    }

    private static String mapName(IpPrefix prefix) {
        return prefix.family() == IpFamily.IPV4 ? "bst_pods_v4" : "bst_pods_v6";
    }

    private void requireOpen() {
        if (closed) throw new IllegalStateException("the uplink program of " + interfaceName + " is closed");
    }

    /** Detaches the program (closing the link) and releases program and maps. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        RuntimeException failure = null;
        for (int fd : new int[]{linkFd, programFd, tunnel6Map, tunnel4Map, xsksMap, v6Map, v4Map}) {
            if (fd < 0) continue;
            try {
                Libc.close(fd);
            } catch (RuntimeException e) {
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
        }
        if (failure != null) throw failure;
    }

    private static void closeAfterFailure(int fd, RuntimeException failure) {
        try {
            Libc.close(fd);
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    @Override
    public String toString() {
        return "UplinkProgram[" + interfaceName + ", " + prefixes + "]";
    }
}
