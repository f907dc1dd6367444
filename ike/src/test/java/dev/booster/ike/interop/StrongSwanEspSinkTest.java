package dev.booster.ike.interop;

import dev.booster.api.Secret;
import dev.booster.api.net.IpAddress;
import dev.booster.ike.IkeFailure;
import dev.booster.ike.IkeException;
import dev.booster.ike.IkeProposal;
import dev.booster.ike.IkeSettings;
import dev.booster.ike.NodeIke;
import dev.booster.ike.PeerConfig;
import dev.booster.ike.TrafficSelector;
import dev.booster.ike.TunnelKeying;
import dev.booster.ike.testing.Recorder;
import dev.booster.ike.testing.RecordingSink;
import dev.booster.ike.testing.RecordingSink.AddInbound;
import dev.booster.ike.testing.RecordingSink.Call;
import dev.booster.ike.testing.RecordingSink.RemoveInbound;
import dev.booster.ike.testing.RecordingSink.SetOutbound;
import dev.booster.ipsec.Esp;
import dev.booster.ipsec.EspDecryptor;
import dev.booster.ipsec.EspDrop;
import dev.booster.ipsec.EspEncryptor;
import dev.booster.ipsec.EspInbound;
import dev.booster.ipsec.SecurityAssociation;
import dev.booster.ipsec.UdpEncapsulation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link NodeIke} against strongSwan's charon (kernel-libipsec, so ESP in UDP without ESN), with a recording
 * {@link dev.booster.ipsec.EspSaSink} in place of the engine's tunnel: the SAs the sink gets carry charon's keys and
 * SPIs; rekeys from either side reach it as addInbound, setOutbound, removeInbound; packets that Booster's
 * {@link EspEncryptor} builds with the outbound SA come out of charon's TUN device to a socket in its namespace, and
 * what charon encrypts towards Booster, captured on the wire, decrypts with the sink's inbound SAs. Wrong PSK and no
 * common proposal install nothing and leave no thread or socket behind.
 */
@Tag("privileged")
class StrongSwanEspSinkTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final IpAddress BOOSTER = IpAddress.parse("192.0.2.1");
    private static final IpAddress CHARON = IpAddress.parse("192.0.2.2");
    private static final String BOOSTER_POD = "10.1.0.5";
    private static final String CHARON_POD = "10.2.0.1";
    private static final String PSK = "booster-esp-sink-psk-93e1";
    private static final IkeSettings SETTINGS = new IkeSettings(Duration.ofMillis(500), 1.5, 3, Duration.ofSeconds(10));

    private static String suffix;
    private static String boosterNs;
    private static String charonNs;
    private static String boosterWire;
    private static Path dir;
    private static Charon charon;

    private final RecordingSink sink = new RecordingSink();
    private final Recorder events = new Recorder();
    private final Map<Integer, EspEncryptor> encryptors = new HashMap<>();
    private DatagramChannel[] sockets;
    private NodeIke node;
    private TunnelKeying keying;

    @BeforeAll
    static void startCharon() throws Exception {
        if (!"0".equals(Charon.uid())) Charon.skip("not root: the interop test needs network namespaces");
        if (!Charon.onPath("ip")) Charon.skip("`ip` is not installed (apt-get install iproute2)");
        if (!Charon.onPath("tcpdump")) Charon.skip("`tcpdump` is not installed (apt-get install tcpdump)");
        Charon.assumeInstalled();
        suffix = Long.toString(ProcessHandle.current().pid() % 100_000) + ThreadLocalRandom.current().nextInt(10);
        boosterNs = "besp-b" + suffix;
        charonNs = "besp-c" + suffix;
        boosterWire = "bsb" + suffix;
        dir = Files.createTempDirectory("booster-esp-sink-interop-");
        sh("ip netns add " + boosterNs);
        sh("ip netns add " + charonNs);
        sh("ip link add " + boosterWire + " netns " + boosterNs + " type veth peer name bsc" + suffix + " netns " + charonNs);
        sh("ip -n " + boosterNs + " addr add " + BOOSTER + "/24 dev " + boosterWire);
        sh("ip -n " + charonNs + " addr add " + CHARON + "/24 dev bsc" + suffix);
        sh("ip -n " + boosterNs + " link set " + boosterWire + " up");
        sh("ip -n " + charonNs + " link set bsc" + suffix + " up");
        sh("ip -n " + boosterNs + " link set lo up");
        sh("ip -n " + charonNs + " link set lo up");
        // charon's pod: kernel-libipsec routes the remote pod CIDR into its TUN with a source address from local_ts.
        sh("ip -n " + charonNs + " addr add " + CHARON_POD + "/32 dev lo");
        // Packets from Booster's pods leave charon's TUN device, which has no route back to 10.1.0.0/16 of its own.
        sh("ip netns exec " + charonNs + " sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.default.rp_filter=0");
        charon = Charon.start(charonNs, dir);
    }

    @AfterAll
    static void stopCharon() throws IOException {
        if (charon != null) charon.close();
        if (dir != null && Files.exists(dir.resolve("charon.log")) && Files.isDirectory(Path.of("target"))) {
            Files.copy(dir.resolve("charon.log"), Path.of("target", "strongswan-esp-sink-charon.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (boosterNs != null) Charon.run(List.of("ip", "netns", "del", boosterNs), Duration.ofSeconds(20));
        if (charonNs != null) Charon.run(List.of("ip", "netns", "del", charonNs), Duration.ofSeconds(20));
        Charon.deleteRecursively(dir);
    }

    @AfterEach
    void stopBooster() {
        encryptors.values().forEach(EspEncryptor::close);
        if (node != null) node.close();
        if (charon != null) {
            charon.swanctl("--terminate", "--ike", "booster", "--force", "--timeout", "5");
            Recorder.awaitTrue("charon has no IKE SA left", () -> !charon.listSas().contains("state="), Duration.ofSeconds(15));
        }
    }

    private void startBooster(UnaryOperator<PeerConfig.Builder> tweaks) throws Exception {
        sockets = Netns.call(boosterNs, () -> new DatagramChannel[]{udp(500), udp(4500)});
        node = NodeIke.open(sockets[0], sockets[1], SETTINGS);
        PeerConfig peer = tweaks.apply(PeerConfig.builder("charon").remote(CHARON).psk(Secret.ofString(PSK))
                .localTs(TrafficSelector.of("10.1.0.0/16")).remoteTs(TrafficSelector.of("10.2.0.0/16"))).build();
        keying = node.addPeer(peer, sink, events);
    }

    @Test
    void theSinkGetsCharonsSasRekeysInOrderAndEspInUdpPassesBothWays() throws Exception {
        charon.load(swanctlConf("aes256gcm16-prfsha256-x25519", "aes256gcm16", PSK));
        startBooster(p -> p.ikeProposals(IkeProposal.AES_GCM_16_256_SHA256_X25519));

        done(keying.initiate());
        List<Call> calls = sink.calls();
        assertEquals(2, calls.size(), calls.toString());
        SecurityAssociation in = assertInstanceOf(AddInbound.class, calls.get(0)).sa();
        SecurityAssociation out = assertInstanceOf(SetOutbound.class, calls.get(1)).sa();
        assertKeysMatchCharon(out, in, true);
        assertEquals(Optional.of(UdpEncapsulation.NAT_T), out.tunnel().udpEncapsulation(), "charon forces ESP in UDP, 4500 -> 4500");
        assertEquals(Optional.of(UdpEncapsulation.NAT_T), in.tunnel().udpEncapsulation());
        assertFalse(out.extendedSequenceNumbers(), "kernel-libipsec does no ESN");
        assertEquals(inet(BOOSTER), out.tunnel().source());
        assertEquals(inet(CHARON), in.tunnel().source());
        String sas = charon.listSas();
        assertTrue(sas.contains("spi-in=" + hex(out.spi()) + " spi-out=" + hex(in.spi())), "charon's inbound SPI is our outbound: " + sas);

        assertReachesCharon(out, "first SA");
        assertCharonReachesUs("first SA");

        // charon starts the rekey: we add the inbound SA before answering, switch outbound when charon deletes the old one.
        Charon.Result rekey = charon.swanctl("--rekey", "--child", "pods");
        assertEquals(0, rekey.exit(), rekey.output());
        Recorder.awaitTrue("the sink saw charon's rekey", () -> sink.calls().size() == 5, WAIT);
        SecurityAssociation[] second = assertRekeyedMakeBeforeBreak(2, in.spi());
        assertKeysMatchCharon(second[1], second[0], false);
        assertReachesCharon(second[1], "after charon's rekey");
        assertCharonReachesUs("after charon's rekey");

        // We start the rekey: add, switch, delete at once.
        done(keying.rekey());
        Recorder.awaitTrue("the sink saw our rekey", () -> sink.calls().size() == 8, WAIT);
        SecurityAssociation[] third = assertRekeyedMakeBeforeBreak(5, second[0].spi());
        assertKeysMatchCharon(third[1], third[0], true);
        assertReachesCharon(third[1], "after our rekey");
        assertCharonReachesUs("after our rekey");

        keying.close();
        assertEquals(new RemoveInbound(third[0].spi()), sink.calls().getLast());
        assertEquals(Map.of(), sink.inbound());
        Recorder.awaitTrue("charon deleted the SAs too", () -> !charon.listSas().contains("state="), WAIT);
        assertEquals(List.of(), sink.violations());
    }

    @Test
    void aWrongPskInstallsNothingAndLeavesNothingRunning() throws Exception {
        charon.load(swanctlConf("aes256gcm16-prfsha256-x25519", "aes256gcm16", "not-the-booster-psk"));
        startBooster(UnaryOperator.identity());
        IkeFailure failure = failureOf(keying.initiate());
        assertEquals(IkeFailure.Reason.AUTHENTICATION_FAILED, failure.reason());
        assertTrue(failure.detail().contains("pre-shared key"), failure.detail());

        Charon.Result theirs = charon.swanctl("--initiate", "--child", "pods", "--timeout", "20");
        assertTrue(theirs.output().contains("AUTHENTICATION_FAILED"), theirs.output());
        assertEquals(IkeFailure.Reason.AUTHENTICATION_FAILED, events.await(Recorder.Failed.class, WAIT).failure().reason());
        assertNothingInstalledAndNothingLeftAfterClose();
    }

    @Test
    void noCommonProposalInstallsNothingAndLeavesNothingRunning() throws Exception {
        charon.load(swanctlConf("aes128-sha256-prfsha256-ecp384", "aes256gcm16", PSK));
        startBooster(UnaryOperator.identity());
        IkeFailure failure = failureOf(keying.initiate());
        assertEquals(IkeFailure.Reason.NO_PROPOSAL_CHOSEN, failure.reason());
        assertNothingInstalledAndNothingLeftAfterClose();
    }

    private void assertNothingInstalledAndNothingLeftAfterClose() {
        assertEquals(List.of(), sink.calls());
        assertEquals(List.of(), node.daemon().ikeSas());
        int port = node.daemon().localAddress().getPort();
        node.close();
        node = null;
        assertFalse(sockets[0].isOpen() || sockets[1].isOpen(), "the IKE sockets are closed");
        assertEquals(List.of(), Thread.getAllStackTraces().keySet().stream().map(Thread::getName).filter(n -> n.equals("ike-" + port)).toList(),
                "the IKE thread is gone");
        assertTrue(!charon.listSas().contains("state=ESTABLISHED"), charon.listSas());
    }

    /** Calls {@code from}..{@code from + 2}: addInbound(new), setOutbound(new), removeInbound(old). Returns {new in, new out}. */
    private SecurityAssociation[] assertRekeyedMakeBeforeBreak(int from, int oldInboundSpi) {
        List<Call> calls = sink.calls();
        SecurityAssociation newIn = assertInstanceOf(AddInbound.class, calls.get(from), calls.toString()).sa();
        SecurityAssociation newOut = assertInstanceOf(SetOutbound.class, calls.get(from + 1), calls.toString()).sa();
        assertEquals(new RemoveInbound(oldInboundSpi), calls.get(from + 2), calls.toString());
        assertEquals(List.of(newIn.spi()), List.copyOf(sink.inbound().keySet()));
        return new SecurityAssociation[]{newIn, newOut};
    }

    /**
     * An inner UDP packet from Booster's pod to charon's, made into ESP in UDP by {@link EspEncryptor} with
     * {@code outbound} and sent as it is through a raw socket: charon must decrypt it and deliver it from its TUN
     * device to a socket on its pod address.
     */
    private void assertReachesCharon(SecurityAssociation outbound, String when) throws Exception {
        byte[] message = ("to charon, " + when).getBytes(StandardCharsets.UTF_8);
        try (DatagramChannel receiver = Netns.call(charonNs, () -> {
            DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
            channel.bind(new InetSocketAddress(CHARON_POD, 7777));
            channel.configureBlocking(false);
            return channel;
        })) {
            byte[] inner = udpPacket(InetAddress.getByName(BOOSTER_POD), 5555, InetAddress.getByName(CHARON_POD), 7777, message);
            EspEncryptor encryptor = encryptors.computeIfAbsent(outbound.spi(), spi -> EspEncryptor.open(outbound));
            byte[] wire = encrypt(encryptor, inner);
            Netns.call(boosterNs, () -> {
                try (RawIpv4Socket raw = RawIpv4Socket.open()) {
                    raw.send(wire, (Inet4Address) inet(CHARON));
                } catch (Throwable t) {
                    throw new IllegalStateException(t);
                }
                return null;
            });
            ByteBuffer received = ByteBuffer.allocate(1500);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            InetSocketAddress from;
            while ((from = (InetSocketAddress) receiver.receive(received)) == null) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("charon did not deliver the ESP-in-UDP packet (" + when + ", SPI " + hex(outbound.spi())
                            + ") to " + CHARON_POD + ":7777; its log ends: " + tail(charon.log()));
                }
                Thread.sleep(20);
            }
            assertEquals(new InetSocketAddress(BOOSTER_POD, 5555), from);
            assertArrayEquals(message, Arrays.copyOf(received.array(), received.position()));
        }
    }

    /**
     * A datagram from charon's pod to Booster's pod: charon encrypts it into ESP in UDP towards 192.0.2.1:4500;
     * captured on Booster's end of the wire, it must decrypt with the inbound SAs the sink holds.
     */
    private void assertCharonReachesUs(String when) throws Exception {
        byte[] message = ("to booster, " + when).getBytes(StandardCharsets.UTF_8);
        List<byte[]> packets;
        String tcpdump;
        try (WireCapture capture = WireCapture.start(boosterNs, boosterWire, "udp and src port 4500", dir)) {
            try (DatagramChannel sender = Netns.call(charonNs, () -> {
                DatagramChannel channel = DatagramChannel.open(StandardProtocolFamily.INET);
                channel.bind(new InetSocketAddress(CHARON_POD, 0));
                return channel;
            })) {
                sender.send(ByteBuffer.wrap(message), new InetSocketAddress(BOOSTER_POD, 7777));
            }
            Thread.sleep(500);
            packets = capture.stop();
            tcpdump = capture.output();
        }
        List<String> seen = new ArrayList<>();
        List<EspDecryptor> decryptors = sink.inbound().values().stream().map(EspDecryptor::open).toList();
        try (Arena arena = Arena.ofConfined()) {
            EspInbound inbound = EspInbound.of(decryptors);
            for (byte[] packet : packets) {
                int ipHeader = (packet[0] & 0x0f) * 4;
                MemorySegment segment = arena.allocate(packet.length);
                MemorySegment.copy(packet, 0, segment, ValueLayout.JAVA_BYTE, 0, packet.length);
                int innerLength = inbound.decryptUdp(segment, ipHeader, packet.length - ipHeader);
                if (innerLength < 0) {
                    seen.add(EspDrop.of(innerLength).reasonName());
                    continue;
                }
                byte[] inner = segment.asSlice(ipHeader + Esp.UDP_PAYLOAD_OFFSET, innerLength).toArray(ValueLayout.JAVA_BYTE);
                byte[] payload = Arrays.copyOfRange(inner, 28, inner.length);
                if (Arrays.equals(message, payload)) {
                    assertArrayEquals(inet(IpAddress.parse(CHARON_POD)).getAddress(), Arrays.copyOfRange(inner, 12, 16));
                    assertArrayEquals(inet(IpAddress.parse(BOOSTER_POD)).getAddress(), Arrays.copyOfRange(inner, 16, 20));
                    return;
                }
                seen.add(innerLength + " bytes of something else");
            }
        } finally {
            decryptors.forEach(EspDecryptor::close);
        }
        throw new AssertionError("no ESP-in-UDP packet from charon carried the datagram (" + when + "); captured " + packets.size()
                + " packets: " + seen + "; tcpdump: " + tcpdump + "; routes: " + Charon.run(List.of("ip", "-n", charonNs, "route", "show", "table", "all"),
                Duration.ofSeconds(5)).output() + "; charon's log ends: " + tail(charon.log()));
    }

    private static byte[] encrypt(EspEncryptor encryptor, byte[] inner) {
        int headroom = 128;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment buffer = arena.allocate(headroom + inner.length + 64);
            MemorySegment.copy(inner, 0, buffer, ValueLayout.JAVA_BYTE, headroom, inner.length);
            int length = encryptor.encrypt(buffer, headroom, inner.length, headroom, 64);
            if (length < 0) throw new AssertionError("encrypt refused: " + EspDrop.of(length));
            return buffer.asSlice(headroom - encryptor.headerBytes(), length).toArray(ValueLayout.JAVA_BYTE);
        }
    }

    /** IPv4 (with its header checksum, which the receiving kernel checks) + UDP (checksum 0: none) + payload. */
    private static byte[] udpPacket(InetAddress source, int sourcePort, InetAddress destination, int destinationPort, byte[] payload) {
        ByteBuffer packet = ByteBuffer.allocate(28 + payload.length);
        packet.put((byte) 0x45).put((byte) 0).putShort((short) packet.capacity()).putShort((short) 1).putShort((short) 0x4000)
                .put((byte) 64).put((byte) 17).putShort((short) 0).put(source.getAddress()).put(destination.getAddress());
        int sum = 0;
        for (int i = 0; i < 20; i += 2) sum += packet.getShort(i) & 0xffff;
        while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
        packet.putShort(10, (short) ~sum);
        packet.putShort((short) sourcePort).putShort((short) destinationPort).putShort((short) (8 + payload.length)).putShort((short) 0).put(payload);
        return packet.array();
    }

    /** The KEYMAT charon logged for one Child SA (key then salt) equals what the sink got, directions matched. */
    private static void assertKeysMatchCharon(SecurityAssociation out, SecurityAssociation in, boolean boosterStartedTheExchange) throws IOException {
        byte[] outKeymat = keymat(out);
        byte[] inKeymat = keymat(in);
        List<byte[]> initiatorKeys = charon.loggedSecrets("encryption initiator key");
        List<byte[]> responderKeys = charon.loggedSecrets("encryption responder key");
        boolean found = false;
        for (int i = 0; i < Math.min(initiatorKeys.size(), responderKeys.size()); i++) {
            found |= boosterStartedTheExchange
                    ? Arrays.equals(initiatorKeys.get(i), outKeymat) && Arrays.equals(responderKeys.get(i), inKeymat)
                    : Arrays.equals(initiatorKeys.get(i), inKeymat) && Arrays.equals(responderKeys.get(i), outKeymat);
        }
        assertTrue(found, "charon derived none of the key pairs the sink got for " + out + " / " + in);
    }

    private static byte[] keymat(SecurityAssociation sa) {
        byte[] key = sa.key();
        byte[] both = Arrays.copyOf(key, key.length + 4);
        System.arraycopy(sa.salt(), 0, both, key.length, 4);
        return both;
    }

    private static String swanctlConf(String proposals, String espProposals, String psk) {
        return """
                connections {
                  booster {
                    version = 2
                    local_addrs = %s
                    remote_addrs = %s
                    proposals = %s
                    rekey_time = 0
                    dpd_delay = 0
                    encap = yes
                    local {
                      auth = psk
                      id = %s
                    }
                    remote {
                      auth = psk
                      id = %s
                    }
                    children {
                      pods {
                        local_ts = 10.2.0.0/16
                        remote_ts = 10.1.0.0/16
                        esp_proposals = %s
                        mode = tunnel
                        rekey_time = 0
                        start_action = none
                      }
                    }
                  }
                }
                secrets {
                  ike-booster {
                    id-booster = %s
                    id-charon = %s
                    secret = "%s"
                  }
                }
                """.formatted(CHARON, BOOSTER, proposals, CHARON, BOOSTER, espProposals, BOOSTER, CHARON, psk);
    }

    private static DatagramChannel udp(int port) throws IOException {
        DatagramChannel socket = DatagramChannel.open(StandardProtocolFamily.INET);
        socket.bind(new InetSocketAddress(inet(BOOSTER), port));
        return socket;
    }

    private static InetAddress inet(IpAddress address) {
        try {
            return InetAddress.getByAddress(address.toBytes());
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static String hex(int spi) {
        return String.format("%08x", spi);
    }

    private static String tail(String log) {
        return log.length() <= 3000 ? log : log.substring(log.length() - 3000);
    }

    private static <T> T done(CompletableFuture<T> future) throws Exception {
        try {
            return future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("failed: " + e.getCause() + "\ncharon's SAs: " + charon.listSas(), e.getCause());
        }
    }

    private static IkeFailure failureOf(CompletableFuture<?> future) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> future.get(WAIT.toMillis(), TimeUnit.MILLISECONDS));
        return assertInstanceOf(IkeException.class, e.getCause()).failure();
    }

    private static void sh(String command) {
        Charon.Result result = Charon.run(List.of("sh", "-c", command), Duration.ofSeconds(20));
        if (result.exit() != 0) throw new IllegalStateException(command + " failed: " + result.output());
    }
}
