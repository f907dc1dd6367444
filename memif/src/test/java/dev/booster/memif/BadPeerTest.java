package dev.booster.memif;

import dev.booster.api.Secret;
import dev.booster.memif.MemifMessage.InterfaceMode;
import dev.booster.memif.ffi.Libc;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Peers that lie, babble, vanish or hold the wrong secret: the connection is refused or torn down with a reason, the
 * interface keeps serving the next peer, and nothing stays mapped or open.
 */
class BadPeerTest {
    private static final Duration WAIT = Duration.ofSeconds(5);

    @TempDir
    Path dir;
    private final List<MemifInterface> opened = new ArrayList<>();
    private ResourceCount before;

    @BeforeEach
    void countResources() {
        before = ResourceCount.now();
    }

    @AfterEach
    void closeAllAndCheckNothingLeaked() {
        opened.forEach(MemifInterface::close);
        ResourceCount.assertBackTo(before);
    }

    private MemifInterface open(MemifConfig config) {
        MemifInterface memif = MemifInterface.open(config);
        opened.add(memif);
        return memif;
    }

    private String socket() {
        return dir.resolve("memif.sock").toString();
    }

    private static MemifMessage.Init init(int version, long id, Optional<Secret> secret) {
        return new MemifMessage.Init(version, id, InterfaceMode.ETHERNET, secret, "raw");
    }

    /** The master still serves a well-behaved slave after whatever the test did. */
    private void assertMasterStillServes(MemifInterface master) {
        MemifInterface slave = open(MemifConfig.slave(socket()));
        assertTrue(slave.awaitConnected(WAIT) && master.awaitConnected(WAIT), "a good slave connects afterwards");
        assertTrue(slave.send(0, new byte[60]));
        assertTrue(JavaToJavaTest.waitUntil(() -> master.receive(0).isPresent()));
    }

    @Test
    void aSlaveWithTheWrongSecretIsRefused() {
        MemifInterface master = open(MemifConfig.master(socket()).withSecret(Secret.ofString("right")));
        MemifInterface slave = open(MemifConfig.slave(socket()).withSecret(Secret.ofString("wrong")));
        assertTrue(JavaToJavaTest.waitUntil(() -> slave.lastDisconnectReason().isPresent()));
        assertEquals(Optional.of("peer disconnected: Incorrect secret"), slave.lastDisconnectReason());
        assertEquals(Optional.of("Incorrect secret"), master.lastDisconnectReason());
        assertFalse(master.isConnected());
        assertFalse(slave.isConnected());
    }

    @Test
    void aSlaveWithoutASecretIsToldOneIsRequired() {
        MemifInterface master = open(MemifConfig.master(socket()).withSecret(Secret.ofString("right")));
        try (RawPeer raw = RawPeer.connect(socket())) {
            assertInstanceOf(MemifMessage.Hello.class, raw.receive(WAIT));
            raw.send(init(MemifProtocol.VERSION, 0, Optional.empty()));
            assertEquals("Secret required", raw.expectDisconnect(WAIT).reason());
        }
        assertMasterStillServesWithSecret(master);
    }

    private void assertMasterStillServesWithSecret(MemifInterface master) {
        MemifInterface slave = open(MemifConfig.slave(socket()).withSecret(Secret.ofString("right")));
        assertTrue(slave.awaitConnected(WAIT) && master.awaitConnected(WAIT));
    }

    @Test
    void garbageIsRefusedWithAReason() {
        MemifInterface master = open(MemifConfig.master(socket()));
        try (RawPeer raw = RawPeer.connect(socket())) {
            raw.receive(WAIT);
            raw.send(new byte[] {1, 2, 3, 4, 5});
            assertEquals("message is 5 bytes; memif messages are 128", raw.expectDisconnect(WAIT).reason());
        }
        try (RawPeer raw = RawPeer.connect(socket())) {
            raw.receive(WAIT);
            byte[] unknown = new byte[MemifProtocol.MESSAGE_SIZE];
            unknown[0] = 0x77;
            raw.send(unknown);
            assertEquals("unknown message type 119", raw.expectDisconnect(WAIT).reason());
        }
        try (RawPeer raw = RawPeer.connect(socket())) {
            raw.receive(WAIT);
            raw.send(new byte[300]);
            assertEquals("message is longer than 128 bytes", raw.expectDisconnect(WAIT).reason());
        }
        try (RawPeer raw = RawPeer.connect(socket())) {
            raw.receive(WAIT);
            raw.send(new MemifMessage.Connect("too early"));
            assertEquals("expected INIT, got CONNECT", raw.expectDisconnect(WAIT).reason());
        }
        assertMasterStillServes(master);
    }

    @Test
    void aVersionMismatchIsRefused() {
        MemifInterface master = open(MemifConfig.master(socket()));
        try (RawPeer raw = RawPeer.connect(socket())) {
            MemifMessage.Hello hello = (MemifMessage.Hello) raw.receive(WAIT);
            assertEquals(MemifProtocol.VERSION, hello.minVersion());
            raw.send(init(0x0100, 0, Optional.empty()));
            assertEquals("Incompatible memif version: peer has 1.0, this side 2.0", raw.expectDisconnect(WAIT).reason());
        }
        assertMasterStillServes(master);
    }

    @Test
    void anUnknownInterfaceIdIsRefused() {
        MemifInterface master = open(MemifConfig.master(socket()).withId(3));
        MemifInterface slave = open(MemifConfig.slave(socket()).withId(4));
        assertTrue(JavaToJavaTest.waitUntil(() -> slave.lastDisconnectReason().isPresent()));
        assertEquals(Optional.of("peer disconnected: ID 4 not found (this interface is id 3)"), slave.lastDisconnectReason());
        assertFalse(master.isConnected());
    }

    @Test
    void aRingSizeOutOfRangeIsRefusedAndItsRegionUnmapped() {
        MemifInterface master = open(MemifConfig.master(socket()));
        try (RawPeer raw = RawPeer.connect(socket()); Region region = Region.create(0, 1 << 20)) {
            raw.receive(WAIT);
            raw.send(init(MemifProtocol.VERSION, 0, Optional.empty()));
            assertInstanceOf(MemifMessage.Ack.class, raw.receive(WAIT));
            raw.send(new MemifMessage.AddRegion(0, region.size()), region.fd());
            assertInstanceOf(MemifMessage.Ack.class, raw.receive(WAIT));
            raw.send(new MemifMessage.AddRing(true, 0, 0, 0, 15, 0));
            assertEquals("S2M ring 0 size 2^15 is out of range 2^1..2^14", raw.expectDisconnect(WAIT).reason());
        }
        assertMasterStillServes(master);
    }

    @Test
    void regionsThatCouldCrashThisProcessAreRefused() {
        MemifInterface master = open(MemifConfig.master(socket()));
        // Smaller than announced: touching the missing pages would raise SIGBUS.
        try (RawPeer raw = RawPeer.connect(socket()); Region small = Region.create(0, 4096)) {
            raw.receive(WAIT);
            raw.send(init(MemifProtocol.VERSION, 0, Optional.empty()));
            raw.receive(WAIT);
            raw.send(new MemifMessage.AddRegion(0, 1 << 20), small.fd());
            assertEquals("region 0 file is 4096 bytes, less than the 1048576 announced", raw.expectDisconnect(WAIT).reason());
        }
        // Not sealable: the peer could shrink it under this process's feet later.
        int unsealable = Libc.memfdCreate("memif region 0", Libc.MFD_CLOEXEC);
        try (RawPeer raw = RawPeer.connect(socket())) {
            Libc.ftruncate(unsealable, 4096, "test");
            raw.receive(WAIT);
            raw.send(init(MemifProtocol.VERSION, 0, Optional.empty()));
            raw.receive(WAIT);
            raw.send(new MemifMessage.AddRegion(0, 4096), unsealable);
            assertEquals("region 0 cannot be sealed against shrinking; send a memfd made with MFD_ALLOW_SEALING",
                    raw.expectDisconnect(WAIT).reason());
        } finally {
            Libc.close(unsealable);
        }
        // No descriptor at all.
        try (RawPeer raw = RawPeer.connect(socket())) {
            raw.receive(WAIT);
            raw.send(init(MemifProtocol.VERSION, 0, Optional.empty()));
            raw.receive(WAIT);
            raw.send(new MemifMessage.AddRegion(0, 4096));
            assertEquals("ADD_REGION 0 came without a file descriptor", raw.expectDisconnect(WAIT).reason());
        }
        assertMasterStillServes(master);
    }

    @Test
    void aSlaveThatVanishesMidHandshakeLeavesNothingBehind() {
        MemifInterface master = open(MemifConfig.master(socket()));
        try (RawPeer raw = RawPeer.connect(socket()); Region region = Region.create(0, 1 << 20)) {
            raw.receive(WAIT);
            raw.send(init(MemifProtocol.VERSION, 0, Optional.empty()));
            raw.receive(WAIT);
            raw.send(new MemifMessage.AddRegion(0, region.size()), region.fd());
            assertInstanceOf(MemifMessage.Ack.class, raw.receive(WAIT));
        }
        assertTrue(JavaToJavaTest.waitUntil(() -> master.lastDisconnectReason().isPresent()));
        assertEquals(Optional.of("peer closed the control socket during the handshake"), master.lastDisconnectReason());
        assertMasterStillServes(master);
    }

    @Test
    void aSlaveThatSaysNothingTimesOut() {
        MemifInterface master = open(MemifConfig.master(socket()).withHandshakeTimeout(Duration.ofMillis(300)));
        try (RawPeer raw = RawPeer.connect(socket())) {
            raw.receive(WAIT);
            assertEquals("handshake timed out after 300 ms", raw.expectDisconnect(WAIT).reason());
        }
        assertMasterStillServes(master);
    }

    @Test
    void aSecondSlaveIsToldTheInterfaceIsTaken() {
        MemifInterface master = open(MemifConfig.master(socket()));
        MemifInterface slave = open(MemifConfig.slave(socket()));
        assertTrue(slave.awaitConnected(WAIT) && master.awaitConnected(WAIT));
        try (RawPeer raw = RawPeer.connect(socket())) {
            assertEquals("Already connected", raw.expectDisconnect(WAIT).reason());
        }
        assertTrue(master.isConnected(), "the first slave stays connected");
    }

    @Test
    void aMasterOfAnotherVersionIsRefusedAndTheSlaveKeepsTrying() {
        String path = socket();
        MemifInterface slave = open(MemifConfig.slave(path).withReconnectInterval(Duration.ofMillis(50)));
        try (RawPeer raw = RawPeer.acceptOne(path, WAIT)) {
            raw.send(new MemifMessage.Hello("old", 0x0100, 0x0100, 0, 0, 0, 10));
            assertEquals("Incompatible memif version: master has 1.0..1.0, this side 2.0", raw.expectDisconnect(WAIT).reason());
        }
        assertTrue(JavaToJavaTest.waitUntil(() -> slave.lastDisconnectReason().isPresent()));
        try {
            Files.deleteIfExists(Path.of(path));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        MemifInterface master = open(MemifConfig.master(path));
        assertTrue(slave.awaitConnected(WAIT) && master.awaitConnected(WAIT), "the slave tried again and found a good master");
    }

    @Test
    void aDescriptorPointingOutsideSharedMemoryEndsTheConnection() throws IOException {
        MemifInterface master = open(MemifConfig.master(socket()).withRingSize(16));
        MemifInterface slave = open(MemifConfig.slave(socket()).withRingSize(16).withReconnectInterval(Duration.ofMillis(50)));
        assertTrue(slave.awaitConnected(WAIT) && master.awaitConnected(WAIT));
        // Play a lying slave: through the shared ring memory, publish one descriptor that names region 9.
        try (Arena arena = Arena.ofConfined(); FileChannel region0 = FileChannel.open(memifRegionZero(), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MemorySegment rings = region0.map(FileChannel.MapMode.READ_WRITE, 0, Ring.bytes(4), arena);
            rings.set(JAVA_SHORT, Ring.DESCRIPTORS + Ring.DESC_REGION, (short) 9);
            rings.set(JAVA_SHORT, Ring.HEAD, (short) 1);
        }
        MemifBuffers rx = new MemifBuffers(8);
        assertEquals(0, master.rxBurst(0, rx, 8), "the master hands out nothing it cannot check");
        assertTrue(JavaToJavaTest.waitUntil(() -> master.lastDisconnectReason().isPresent()));
        assertEquals(Optional.of("S2M ring 0 descriptor 0 points outside the shared memory"), master.lastDisconnectReason());
        assertTrue(master.awaitConnected(WAIT), "the slave reconnected with fresh rings");
        assertTrue(slave.awaitConnected(WAIT));
    }

    /** The slave's region 0 (rings first, S2M ring 0 at offset 0), as this process holds it open. */
    private static Path memifRegionZero() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    if (Files.readSymbolicLink(fd).toString().startsWith("/memfd:memif region 0")) return fd;
                } catch (IOException e) {
                    // gone while listing
                }
            }
        }
        throw new AssertionError("no memif region 0 is open");
    }
}
