package dev.booster.ike.interop;

import dev.booster.api.Secret;
import dev.booster.api.net.IpAddress;
import dev.booster.ike.ChildSa;
import dev.booster.ike.DhGroup;
import dev.booster.ike.EspProposal;
import dev.booster.ike.IkeDaemon;
import dev.booster.ike.IkeException;
import dev.booster.ike.IkeFailure;
import dev.booster.ike.IkeProposal;
import dev.booster.ike.IkeSaInfo;
import dev.booster.ike.IkeSettings;
import dev.booster.ike.PeerConfig;
import dev.booster.ike.TrafficSelector;
import dev.booster.ike.testing.Recorder;
import dev.booster.ike.testing.Recorder.Closed;
import dev.booster.ike.testing.Recorder.Deleted;
import dev.booster.ike.testing.Recorder.Established;
import dev.booster.ike.testing.Recorder.Failed;
import dev.booster.ike.testing.Recorder.IkeRekeyed;
import dev.booster.ike.testing.Recorder.InboundAdded;
import dev.booster.ike.testing.Recorder.Installed;
import dev.booster.ike.testing.Recorder.OutboundSwitched;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Booster's IKEv2 against strongSwan's charon (Debian's 5.9), each in its own network namespace joined by a veth:
 * both directions, Child SA and IKE SA rekeys from either side, liveness, delete, wrong PSK and no common proposal.
 * The keys Booster hands to its dataplane must be the ones charon derived: charon logs them at level 4.
 */
@Tag("privileged")
class StrongSwanInteropTest {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final IpAddress BOOSTER = IpAddress.parse("192.0.2.1");
    private static final IpAddress CHARON = IpAddress.parse("192.0.2.2");
    private static final String PSK = "booster-interop-psk-5b1c";
    private static final IkeSettings SETTINGS = new IkeSettings(Duration.ofMillis(500), 1.5, 3, Duration.ofSeconds(10));

    private static String suffix;
    private static String boosterNs;
    private static String charonNs;
    private static Path dir;
    private static Charon charon;

    private Recorder recorder;
    private IkeDaemon booster;

    @BeforeAll
    static void startCharon() throws Exception {
        if (!"0".equals(Charon.uid())) Charon.skip("not root: the interop test needs network namespaces");
        if (!Charon.onPath("ip")) Charon.skip("`ip` is not installed (apt-get install iproute2)");
        Charon.assumeInstalled();
        suffix = Long.toString(ProcessHandle.current().pid() % 100_000) + ThreadLocalRandom.current().nextInt(10);
        boosterNs = "bike-b" + suffix;
        charonNs = "bike-c" + suffix;
        dir = Files.createTempDirectory("booster-ike-interop-");
        sh("ip netns add " + boosterNs);
        sh("ip netns add " + charonNs);
        sh("ip link add bkb" + suffix + " netns " + boosterNs + " type veth peer name bkc" + suffix + " netns " + charonNs);
        sh("ip -n " + boosterNs + " addr add " + BOOSTER + "/24 dev bkb" + suffix);
        sh("ip -n " + charonNs + " addr add " + CHARON + "/24 dev bkc" + suffix);
        sh("ip -n " + boosterNs + " link set bkb" + suffix + " up");
        sh("ip -n " + charonNs + " link set bkc" + suffix + " up");
        sh("ip -n " + boosterNs + " link set lo up");
        sh("ip -n " + charonNs + " link set lo up");
        // kernel-libipsec routes the remote pod CIDR into its TUN with a source address from local_ts: give it one.
        sh("ip -n " + charonNs + " addr add 10.2.0.1/32 dev lo");
        charon = Charon.start(charonNs, dir);
    }

    @AfterAll
    static void stopCharon() throws IOException {
        if (charon != null) charon.close();
        // charon's log (keys included: test keys only) stays with the build output for a failure's post-mortem.
        if (dir != null && Files.exists(dir.resolve("charon.log")) && Files.isDirectory(Path.of("target"))) {
            Files.copy(dir.resolve("charon.log"), Path.of("target", "strongswan-interop-charon.log"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        if (boosterNs != null) Charon.run(List.of("ip", "netns", "del", boosterNs), Duration.ofSeconds(20));
        if (charonNs != null) Charon.run(List.of("ip", "netns", "del", charonNs), Duration.ofSeconds(20));
        Charon.deleteRecursively(dir);
    }

    @AfterEach
    void stopBooster() {
        if (booster != null) booster.close();
        if (charon != null) {
            charon.swanctl("--terminate", "--ike", "booster", "--force", "--timeout", "5");
            Recorder.awaitTrue("charon has no IKE SA left", () -> !charon.listSas().contains("state="), Duration.ofSeconds(15));
        }
    }

    private void startBooster(UnaryOperator<PeerConfig.Builder> tweaks) throws Exception {
        recorder = new Recorder();
        DatagramChannel[] sockets = Netns.call(boosterNs, () -> new DatagramChannel[]{udp(500), udp(4500)});
        PeerConfig peer = tweaks.apply(PeerConfig.builder("charon").remote(CHARON).psk(Secret.ofString(PSK))
                .localTs(TrafficSelector.of("10.1.0.0/16")).remoteTs(TrafficSelector.of("10.2.0.0/16"))).build();
        booster = IkeDaemon.builder().settings(SETTINGS).childSaListener(recorder).eventListener(recorder).peer(peer).open(sockets[0], sockets[1]);
    }

    private static DatagramChannel udp(int port) throws IOException {
        DatagramChannel socket = DatagramChannel.open(StandardProtocolFamily.INET);
        socket.bind(new InetSocketAddress(IkeSaInfoHolder.inet(BOOSTER), port));
        return socket;
    }

    /**
     * charon's side: the mirror image of Booster's peer config. {@code encap = yes} because Debian's strongSwan 5.9
     * kernel-libipsec installs only UDP-encapsulated ESP SAs ("only UDP encapsulation is supported"): charon fakes a
     * NAT, both sides move IKE to port 4500 and put ESP in UDP.
     */
    private static String swanctlConf(String proposals, String espProposals, String psk, String startAction) {
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
                        start_action = %s
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
                """.formatted(CHARON, BOOSTER, proposals, CHARON, BOOSTER, espProposals, startAction, BOOSTER, CHARON, psk);
    }

    @Test
    void boosterInitiatesRekeysBothSasAndDeletesWithCurve25519() throws Exception {
        charon.load(swanctlConf("aes256gcm16-prfsha256-x25519", "aes256gcm16", PSK, "none"));
        startBooster(p -> p.ikeProposals(IkeProposal.AES_GCM_16_256_SHA256_X25519));

        IkeSaInfo sa = done(booster.initiate("charon"));
        Installed first = recorder.await(Installed.class, WAIT);
        assertKeysMatchCharon(first.out(), first.in(), true);
        assertEquals(java.util.Optional.of(new ChildSa.UdpEncapsulation(4500, 4500)), first.out().udpEncapsulation(),
                "charon forces UDP encapsulation: ESP goes to its port 4500");
        String sas = charon.listSas();
        assertTrue(sas.contains("initiator-spi=" + hex(sa.initiatorSpi())) && sas.contains("responder-spi=" + hex(sa.responderSpi())), sas);
        assertTrue(sas.contains("encr-alg=AES_GCM_16 encr-keysize=256 prf-alg=PRF_HMAC_SHA2_256 dh-group=CURVE_25519"), sas);
        assertTrue(sas.contains("spi-in=" + first.out().spiHex() + " spi-out=" + first.in().spiHex()), "charon's inbound SPI is our outbound: " + sas);

        done(booster.rekeyChildSa("charon"));
        OutboundSwitched switched = recorder.await(OutboundSwitched.class, WAIT);
        ChildSa newIn = recorder.await(InboundAdded.class, WAIT).in();
        assertKeysMatchCharon(switched.newOut(), newIn, true);
        Recorder.awaitTrue("charon has only the new Child SA", () -> {
            String now = charon.listSas();
            return now.contains("spi-in=" + switched.newOut().spiHex()) && !now.contains("spi-in=" + first.out().spiHex());
        }, WAIT);

        IkeSaInfo rekeyed = done(booster.rekeyIkeSa("charon"));
        Recorder.awaitTrue("charon has only the rekeyed IKE SA", () -> {
            String now = charon.listSas();
            return now.contains("initiator-spi=" + hex(rekeyed.initiatorSpi())) && !now.contains("initiator-spi=" + hex(sa.initiatorSpi()));
        }, WAIT);
        // A Child SA rekey under the new IKE SA derives from its SK_d: matching keys prove the IKE rekey derivation.
        done(booster.rekeyChildSa("charon"));
        Recorder.awaitTrue("a second Child SA rekey", () -> recorder.events(OutboundSwitched.class).size() == 2, WAIT);
        OutboundSwitched second = recorder.events(OutboundSwitched.class).get(1);
        ChildSa secondIn = recorder.events(InboundAdded.class).get(1).in();
        assertKeysMatchCharon(second.newOut(), secondIn, true);

        assertTrue(done(booster.checkLiveness("charon")).compareTo(WAIT) < 0);
        done(booster.terminate("charon"));
        Recorder.awaitTrue("charon deleted the SA too", () -> !charon.listSas().contains("state="), WAIT);
        assertEquals(List.of(), recorder.inbound());
        assertEquals(List.of(), recorder.violations());
    }

    @Test
    void charonInitiatesRekeysBothSasAndDeletesWithModp2048AndPfs() throws Exception {
        charon.load(swanctlConf("aes256-sha256-prfsha256-modp2048", "aes256gcm16-x25519", PSK, "none"));
        startBooster(p -> p.ikeProposals(IkeProposal.AES_CBC_256_SHA256_MODP2048)
                .espProposals(EspProposal.AES_GCM_16_256.withPfs(DhGroup.CURVE25519)));

        Charon.Result initiated = charon.swanctl("--initiate", "--child", "pods", "--timeout", "20");
        assertEquals(0, initiated.exit(), initiated.output());
        IkeSaInfo sa = recorder.await(Established.class, WAIT).sa();
        assertEquals(IkeProposal.AES_CBC_256_SHA256_MODP2048, sa.proposal());
        assertEquals(false, sa.initiator());
        Installed first = recorder.await(Installed.class, WAIT);
        assertEquals(false, first.out().esn(), "kernel-libipsec does no ESN, so charon offers none");
        assertKeysMatchCharon(first.out(), first.in(), false);

        Charon.Result childRekey = charon.swanctl("--rekey", "--child", "pods");
        assertEquals(0, childRekey.exit(), childRekey.output());
        OutboundSwitched switched = recorder.await(OutboundSwitched.class, WAIT);
        ChildSa newIn = recorder.await(InboundAdded.class, WAIT).in();
        recorder.await(Deleted.class, WAIT);
        assertKeysMatchCharon(switched.newOut(), newIn, false);
        assertTrue(charon.log().contains("CURVE_25519"), "the rekey ran a key exchange (PFS)");

        Charon.Result ikeRekey = charon.swanctl("--rekey", "--ike", "booster");
        assertEquals(0, ikeRekey.exit(), ikeRekey.output());
        IkeRekeyed rekeyed = recorder.await(IkeRekeyed.class, WAIT);
        assertNotEquals(sa.initiatorSpi(), rekeyed.replacement().initiatorSpi());
        Recorder.awaitTrue("booster dropped the old IKE SA", () -> booster.ikeSas().size() == 1, WAIT);
        assertEquals(rekeyed.replacement().responderSpi(), booster.ikeSas().getFirst().responderSpi());

        Charon.Result secondRekey = charon.swanctl("--rekey", "--child", "pods");
        assertEquals(0, secondRekey.exit(), secondRekey.output());
        Recorder.awaitTrue("a second Child SA rekey", () -> recorder.events(OutboundSwitched.class).size() == 2, WAIT);
        assertKeysMatchCharon(recorder.events(OutboundSwitched.class).get(1).newOut(), recorder.events(InboundAdded.class).get(1).in(), false);

        assertTrue(done(booster.checkLiveness("charon")).compareTo(WAIT) < 0);
        Charon.Result terminated = charon.swanctl("--terminate", "--ike", "booster", "--timeout", "10");
        assertEquals(0, terminated.exit(), terminated.output());
        assertEquals(IkeFailure.Reason.CLOSED, recorder.await(Closed.class, WAIT).why().reason());
        Recorder.awaitTrue("booster removed every Child SA", () -> recorder.inbound().isEmpty() && recorder.outbound().isEmpty(), WAIT);
        assertEquals(List.of(), recorder.violations());
    }

    @Test
    void boosterInitiatesWithEcp256() throws Exception {
        charon.load(swanctlConf("aes256gcm16-prfsha256-ecp256", "aes128gcm16", PSK, "none"));
        startBooster(p -> p.ikeProposals(IkeProposal.AES_GCM_16_256_SHA256_ECP256).espProposals(EspProposal.AES_GCM_16_128));
        IkeSaInfo sa = done(booster.initiate("charon"));
        assertEquals(DhGroup.ECP_256, sa.proposal().dhGroup());
        Installed first = recorder.await(Installed.class, WAIT);
        assertEquals(128, first.out().keyBits());
        assertKeysMatchCharon(first.out(), first.in(), true);
    }

    @Test
    void aWrongPskIsRefusedInBothDirectionsAndLeavesNoSa() throws Exception {
        charon.load(swanctlConf("aes256gcm16-prfsha256-x25519", "aes256gcm16", "not-the-booster-psk", "none"));
        startBooster(UnaryOperator.identity());

        IkeFailure ours = failureOf(booster.initiate("charon"));
        assertEquals(IkeFailure.Reason.AUTHENTICATION_FAILED, ours.reason());
        assertTrue(!charon.listSas().contains("state=ESTABLISHED"), charon.listSas());

        Charon.Result theirs = charon.swanctl("--initiate", "--child", "pods", "--timeout", "20");
        assertNotEquals(0, theirs.exit());
        assertTrue(theirs.output().contains("AUTHENTICATION_FAILED"), theirs.output());
        Failed refused = recorder.await(Failed.class, f -> f.failure().detail().contains("pre-shared keys of both sides differ"), WAIT);
        assertEquals(IkeFailure.Reason.AUTHENTICATION_FAILED, refused.failure().reason());
        assertEquals(List.of(), recorder.events(Installed.class));
        assertEquals(List.of(), booster.ikeSas());
        assertTrue(!charon.log().contains(PSK), "charon never saw Booster's PSK");
    }

    @Test
    void noCommonProposalIsRefusedInBothDirections() throws Exception {
        charon.load(swanctlConf("aes128-sha256-prfsha256-ecp384", "aes256gcm16", PSK, "none"));
        startBooster(UnaryOperator.identity());

        IkeFailure ours = failureOf(booster.initiate("charon"));
        assertEquals(IkeFailure.Reason.NO_PROPOSAL_CHOSEN, ours.reason());

        Charon.Result theirs = charon.swanctl("--initiate", "--child", "pods", "--timeout", "20");
        assertNotEquals(0, theirs.exit());
        assertTrue(theirs.output().contains("NO_PROPOSAL_CHOSEN"), theirs.output());
        Failed refused = recorder.await(Failed.class, f -> f.failure().reason() == IkeFailure.Reason.NO_PROPOSAL_CHOSEN
                && f.failure().detail().contains("ECP_384"), WAIT);
        assertTrue(refused.failure().detail().contains("we accept"), refused.failure().detail());
        assertEquals(List.of(), booster.ikeSas());
        assertTrue(!charon.listSas().contains("state="), charon.listSas());
    }

    @Test
    void noCommonEspProposalLeavesNoSaEither() throws Exception {
        charon.load(swanctlConf("aes256gcm16-prfsha256-x25519", "aes128gcm16", PSK, "none"));
        startBooster(p -> p.espProposals(EspProposal.AES_GCM_16_256));
        IkeFailure ours = failureOf(booster.initiate("charon"));
        assertEquals(IkeFailure.Reason.NO_PROPOSAL_CHOSEN, ours.reason());
        Recorder.awaitTrue("no IKE SA on either side", () -> booster.ikeSas().isEmpty() && !charon.listSas().contains("state="), WAIT);
        assertEquals(List.of(), recorder.events(Installed.class));
    }

    /**
     * The Child SA keys Booster installs are the ones charon derived: charon logs the KEYMAT of each Child SA as
     * "encryption initiator key" and "encryption responder key" (AES key followed by the 4-byte salt).
     */
    private static void assertKeysMatchCharon(ChildSa out, ChildSa in, boolean boosterStartedTheExchange) throws IOException {
        byte[] outKeymat = keymat(out);
        byte[] inKeymat = keymat(in);
        List<byte[]> initiatorKeys = charon.loggedSecrets("encryption initiator key");
        List<byte[]> responderKeys = charon.loggedSecrets("encryption responder key");
        assertEquals(initiatorKeys.size(), responderKeys.size());
        boolean found = false;
        for (int i = 0; i < initiatorKeys.size(); i++) {
            byte[] i2r = initiatorKeys.get(i);
            byte[] r2i = responderKeys.get(i);
            found |= boosterStartedTheExchange
                    ? Arrays.equals(i2r, outKeymat) && Arrays.equals(r2i, inKeymat)
                    : Arrays.equals(i2r, inKeymat) && Arrays.equals(r2i, outKeymat);
        }
        assertTrue(found, "charon derived none of the key pairs Booster installed for " + out + " / " + in + " (" + initiatorKeys.size() + " Child SAs logged)");
    }

    private static byte[] keymat(ChildSa sa) {
        byte[] key = sa.key();
        byte[] salt = sa.salt();
        byte[] both = Arrays.copyOf(key, key.length + salt.length);
        System.arraycopy(salt, 0, both, key.length, salt.length);
        return both;
    }

    private static String hex(long spi) {
        return HexFormat.of().toHexDigits(spi);
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

    /** InetAddress from Booster's address type without DNS. */
    private static final class IkeSaInfoHolder {
        static java.net.InetAddress inet(IpAddress address) throws java.net.UnknownHostException {
            return java.net.InetAddress.getByAddress(address.toBytes());
        }
    }
}
