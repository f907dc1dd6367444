package dev.booster.engine.memif;

import dev.booster.api.DataplaneException;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.Secret;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.Memif;
import dev.booster.api.pod.PodSpec;
import dev.booster.engine.frame.FrameBuilder;
import dev.booster.engine.packet.PacketMemory;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.testing.Allocations;
import dev.booster.engine.testing.TestBuffers;
import dev.booster.memif.MemifBuffers;
import dev.booster.memif.MemifConfig;
import dev.booster.memif.MemifInterface;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The memif pod port on its own, driven as the engine's worker would (rx into a vector, tx from one), with a
 * {@link MemifInterface} slave in the same JVM as the pod's application.
 */
class MemifPodPortTest {
    private static final Duration CONNECT = Duration.ofSeconds(5);
    private static final MacAddress GATEWAY = FrameBuilder.GATEWAY_MAC;
    private static final MacAddress POD = MacAddress.parse("02:00:00:00:00:0a");

    @TempDir
    Path dir;
    private final List<AutoCloseable> opened = new ArrayList<>();
    private final List<String> linkEvents = Collections.synchronizedList(new ArrayList<>());
    private final TestBuffers engineBuffers = new TestBuffers(64, 2048, 128);
    private final PacketVector vector = new PacketVector();

    @AfterEach
    void closeAll() throws Exception {
        for (AutoCloseable c : opened.reversed()) c.close();
        engineBuffers.close();
    }

    private String socket() {
        return dir.resolve("memif.sock").toString();
    }

    private static Memif spec(String socket, Memif.Mode mode, int queues, int mtu) {
        return new Memif("memif0", List.of(InterfaceAddress.parse("10.1.0.10/32")), List.of(), mtu,
                mode == Memif.Mode.ETHERNET ? Optional.of(POD) : Optional.empty(), Memif.Role.MASTER, socket, 0, queues, 256, mode,
                Optional.empty());
    }

    private MemifPodPort port(Memif spec) {
        PodSpec pod = PodSpec.builder("vnf", "upf").addInterface(spec).build();
        MemifPodPort port = MemifPodPort.open(pod, spec, "interfaces[0]", GATEWAY, MemifPodPortTest::notInNetns, () -> { },
                (p, up) -> linkEvents.add(up ? "up" : "down"));
        opened.add(port);
        return port;
    }

    private static <T> T notInNetns(PodSpec pod, java.util.function.Supplier<T> task) {
        throw new AssertionError("a filesystem socket of a pod without netns must not enter a namespace");
    }

    private MemifInterface slave(MemifConfig config) {
        MemifInterface slave = MemifInterface.open(config);
        opened.add(slave);
        assertTrue(slave.awaitConnected(CONNECT), "slave connected");
        return slave;
    }

    /** Received packets, copied out and freed as the engine would free them. */
    private List<byte[]> receiveAll(MemifPodPort port, int expected) {
        List<byte[]> frames = new ArrayList<>();
        vector.clear();
        long deadline = System.nanoTime() + CONNECT.toNanos();
        while (frames.size() < expected && System.nanoTime() < deadline) {
            int n = port.port().rx(vector, PacketVector.CAPACITY);
            for (int s = 0; s < n; s++) {
                byte[] frame = new byte[vector.length[s]];
                MemorySegment.copy(PacketMemory.ALL, ValueLayout.JAVA_BYTE, vector.data[s], frame, 0, frame.length);
                frames.add(frame);
                assertEquals(MemifPodPort.HEADROOM, vector.headroom[s], "headroom for pushed headers");
                assertTrue(vector.room[s] >= vector.length[s]);
                vector.owner[s].free(vector.buffer[s]);
            }
            vector.clear();
        }
        return frames;
    }

    /** Puts {@code frames} into engine buffers as slots 0..n-1, with {@code flows} as their flow ids. */
    private int[] vectorOf(List<byte[]> frames, int... flows) {
        vector.clear();
        int[] slots = new int[frames.size()];
        for (int i = 0; i < frames.size(); i++) {
            byte[] frame = frames.get(i);
            int handle = engineBuffers.alloc();
            long data = engineBuffers.address(handle) + 128;
            MemorySegment.copy(frame, 0, PacketMemory.ALL, ValueLayout.JAVA_BYTE, data, frame.length);
            slots[i] = vector.append(handle, engineBuffers, data, frame.length, 128, 2048 - 128);
            vector.flow[slots[i]] = flows.length > i ? flows[i] : PacketVector.NONE;
        }
        return slots;
    }

    private static byte[] udpFrame(int payload) {
        return FrameBuilder.ip("10.1.0.10", "10.2.0.20").from(POD).to(GATEWAY).udp(4000, 7, payload).build();
    }

    @Test
    void framesCrossBothWaysIntactAndTheEngineBuffersGoBackToTheirOwner() {
        MemifPodPort port = port(spec(socket(), Memif.Mode.ETHERNET, 1, 1500));
        MemifInterface app = slave(MemifConfig.slave(socket()));
        assertTrue(waitUntil(port::isUp), "port up once the application connected");

        byte[] out = udpFrame(100);
        assertTrue(app.send(0, out));
        List<byte[]> got = receiveAll(port, 1);
        assertEquals(1, got.size());
        assertArrayEquals(out, got.getFirst());

        List<byte[]> frames = List.of(udpFrame(10), udpFrame(20), udpFrame(30));
        int[] slots = vectorOf(frames);
        assertEquals(3, port.port().tx(vector, slots, 3));
        assertEquals(0, engineBuffers.outstanding(), "the port freed every packet it took to its owner");
        for (byte[] frame : frames) assertArrayEquals(frame, app.receive(0).orElseThrow());
    }

    @Test
    void chainedFramesAreJoinedOnReceiptAndChainedOnTransmission() {
        MemifPodPort port = port(spec(socket(), Memif.Mode.ETHERNET, 1, 1500));
        MemifInterface app = slave(MemifConfig.slave(socket()).withBufferSize(128)); // the slave decides buffer sizes
        byte[] big = udpFrame(1000);
        assertTrue(app.send(0, big), "sent over 8 chained buffers");
        assertArrayEquals(big, receiveAll(port, 1).getFirst());

        int[] slots = vectorOf(List.of(big));
        assertEquals(1, port.port().tx(vector, slots, 1));
        assertArrayEquals(big, app.receive(0).orElseThrow(), "chained over the application's 128-byte buffers");
    }

    @Test
    void aFrameLongerThanTheMtuAllowsIsDroppedAndCounted() {
        MemifPodPort port = port(spec(socket(), Memif.Mode.ETHERNET, 1, 1500));
        MemifInterface app = slave(MemifConfig.slave(socket()));
        assertTrue(app.send(0, udpFrame(2500)));
        assertTrue(app.send(0, udpFrame(64)));
        List<byte[]> got = receiveAll(port, 1);
        assertEquals(1, got.size());
        assertEquals(udpFrame(64).length, got.getFirst().length, "the frame after it still arrives");
        assertEquals(1, port.rxDiscarded());
        assertEquals(2048, MemifPodPort.bufferSize(1500));
        assertEquals(9152, MemifPodPort.bufferSize(9000), "a jumbo MTU gets buffers to match");
    }

    @Test
    void ipModeAddsTheEthernetHeaderOnReceiptAndRemovesItOnTransmission() {
        MemifPodPort port = port(spec(socket(), Memif.Mode.IP, 1, 1500));
        MemifInterface app = slave(MemifConfig.slave(socket()).withMode(Memif.Mode.IP));
        byte[] frame = udpFrame(40);
        byte[] packet = Arrays.copyOfRange(frame, 14, frame.length);
        assertTrue(app.send(0, packet));
        byte[] got = receiveAll(port, 1).getFirst();
        assertEquals(frame.length, got.length);
        assertArrayEquals(GATEWAY.toBytes(), Arrays.copyOfRange(got, 0, 6), "to the gateway");
        assertEquals(port.podMac(), MacAddress.ofBytes(Arrays.copyOfRange(got, 6, 12)), "from the pod's stand-in MAC");
        assertArrayEquals(packet, Arrays.copyOfRange(got, 14, got.length));
        assertEquals(0x0800, ((got[12] & 0xff) << 8) | (got[13] & 0xff));

        byte[] arp = FrameBuilder.arpRequest(GATEWAY, "169.254.1.1", "10.1.0.10");
        int[] slots = vectorOf(List.of(frame, arp));
        assertEquals(2, port.port().tx(vector, slots, 2), "both taken: the ARP frame cannot go to an IP-mode peer and is dropped");
        assertArrayEquals(packet, app.receive(0).orElseThrow(), "the bare IP packet");
        assertTrue(app.receive(0).isEmpty());
        assertEquals(1, port.txDiscarded());
        assertEquals(0, engineBuffers.outstanding());
    }

    @Test
    void packetsSpreadOverTheQueuesByFlowAndArriveFromEveryQueue() {
        MemifPodPort port = port(spec(socket(), Memif.Mode.ETHERNET, 2, 1500));
        MemifInterface app = slave(MemifConfig.slave(socket()).withQueues(2));
        int[] slots = vectorOf(List.of(udpFrame(1), udpFrame(2), udpFrame(3), udpFrame(4)), 0, 1, 2, PacketVector.NONE);
        assertEquals(4, port.port().tx(vector, slots, 4));
        assertEquals(udpFrame(1).length, app.receive(0).orElseThrow().length, "flow 0 on queue 0");
        assertEquals(udpFrame(3).length, app.receive(0).orElseThrow().length, "flow 2 on queue 0");
        assertEquals(udpFrame(4).length, app.receive(0).orElseThrow().length, "no flow: queue 0");
        assertEquals(udpFrame(2).length, app.receive(1).orElseThrow().length, "flow 1 on queue 1");

        assertTrue(app.send(0, udpFrame(5)));
        assertTrue(app.send(1, udpFrame(6)));
        assertEquals(2, receiveAll(port, 2).size(), "read from both queues");
    }

    @Test
    void aFullRingTakesWhatFitsAndLeavesTheRestToTheEngine() {
        MemifPodPort port = port(spec(socket(), Memif.Mode.ETHERNET, 1, 1500));
        slave(MemifConfig.slave(socket()).withRingSize(16)); // never reads
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < 20; i++) frames.add(udpFrame(i));
        int[] slots = vectorOf(frames);
        assertEquals(16, port.port().tx(vector, slots, 20), "the ring holds 16");
        assertEquals(4, engineBuffers.outstanding(), "the 4 refused stay with the engine");
    }

    @Test
    void withoutAPeerNothingArrivesNothingIsTakenAndAReconnectBringsTheLinkBack() {
        MemifPodPort port = port(spec(socket(), Memif.Mode.ETHERNET, 1, 1500));
        assertFalse(port.isUp());
        assertEquals(0, port.port().rx(vector, PacketVector.CAPACITY));
        int[] slots = vectorOf(List.of(udpFrame(1)));
        assertEquals(0, port.port().tx(vector, slots, 1), "no peer: the engine drops it as tx-full");
        engineBuffers.free(vector.buffer[slots[0]]);

        MemifInterface first = MemifInterface.open(MemifConfig.slave(socket()));
        assertTrue(first.awaitConnected(CONNECT) && waitUntil(port::isUp));
        assertTrue(first.send(0, udpFrame(1)));
        assertEquals(1, receiveAll(port, 1).size());
        first.close();
        assertTrue(waitUntil(() -> !port.isUp()), "down when the application left");
        assertEquals(0, port.port().rx(vector, PacketVector.CAPACITY));

        MemifInterface second = slave(MemifConfig.slave(socket()));
        assertTrue(waitUntil(port::isUp), "up again");
        assertTrue(second.send(0, udpFrame(2)));
        assertEquals(1, receiveAll(port, 1).size(), "traffic resumes");
        slots = vectorOf(List.of(udpFrame(3)));
        assertEquals(1, port.port().tx(vector, slots, 1));
        assertTrue(second.receive(0).isPresent());
        assertEquals(List.of("up", "down", "up"), linkEvents);
        assertEquals(2, port.memif().connectionCount());
    }

    @Test
    void theSecretOfTheSpecIsRequired() {
        Memif base = spec(socket(), Memif.Mode.ETHERNET, 1, 1500);
        Memif withSecret = new Memif(base.name(), base.addresses(), base.routes(), base.mtu(), base.mac(), base.role(), base.socketPath(),
                base.id(), base.queues(), base.ringSize(), base.mode(), Optional.of(Secret.ofString("s3cret")));
        MemifPodPort port = port(withSecret);
        MemifInterface wrong = MemifInterface.open(MemifConfig.slave(socket()).withSecret(Secret.ofString("wrong")));
        opened.add(wrong);
        assertFalse(wrong.awaitConnected(Duration.ofMillis(500)), "a wrong secret is refused");
        assertFalse(port.isUp());
        wrong.close();
        slave(MemifConfig.slave(socket()).withSecret(Secret.ofString("s3cret")));
        assertTrue(waitUntil(port::isUp));
    }

    @Test
    void aSocketThatCannotBeMadeFailsNamingTheInterfaceAndLeavesNothing() {
        Memif missingDir = spec(dir.resolve("no/such/dir/memif.sock").toString(), Memif.Mode.ETHERNET, 1, 1500);
        DataplaneException e = assertThrows(DataplaneException.class, () -> port(missingDir));
        assertTrue(e.getMessage().contains("interfaces[0] (memif0)") && e.getMessage().contains("directory does not exist"), e.getMessage());

        port(spec(socket(), Memif.Mode.ETHERNET, 1, 1500));
        DataplaneException taken = assertThrows(DataplaneException.class, () -> port(spec(socket(), Memif.Mode.ETHERNET, 1, 1500)));
        assertTrue(taken.getMessage().contains("another process is listening"), taken.getMessage());
    }

    @Test
    void aSecretMemifRefusesIsNamedWithTheInterfacesField() {
        Memif base = spec(socket(), Memif.Mode.ETHERNET, 1, 1500);
        // api accepts 24 bytes; memif also refuses a NUL inside, which only it checks
        Memif nul = new Memif(base.name(), base.addresses(), base.routes(), base.mtu(), base.mac(), base.role(), base.socketPath(),
                base.id(), base.queues(), base.ringSize(), base.mode(), Optional.of(Secret.ofString("a\0b")));
        InvalidSpecException e = assertThrows(InvalidSpecException.class, () -> port(nul));
        assertEquals("interfaces[0].secret", e.field());
    }

    @Test
    void closingTheDataplaneSideDisconnectsTheApplication() {
        MemifPodPort port = port(spec(socket(), Memif.Mode.ETHERNET, 1, 1500));
        MemifInterface app = slave(MemifConfig.slave(socket()));
        port.close();
        assertTrue(waitUntil(() -> app.lastDisconnectReason().isPresent()));
        assertFalse(app.isConnected());
        assertEquals(Optional.of("peer disconnected: interface closed"), app.lastDisconnectReason());
        assertFalse(port.isUp());
    }

    @Test
    void aRoundTripThroughThePortAllocatesNothing() {
        MemifPodPort port = port(spec(socket(), Memif.Mode.ETHERNET, 1, 1500));
        MemifInterface app = slave(MemifConfig.slave(socket()));
        byte[] bytes = udpFrame(64);
        MemorySegment frame = Arena.ofAuto().allocate(bytes.length);
        MemorySegment.copy(bytes, 0, frame, ValueLayout.JAVA_BYTE, 0, bytes.length);
        MemifBuffers appRx = new MemifBuffers(8);
        MemifBuffers appTx = new MemifBuffers(8);
        int[] slots = new int[1];
        long allocated = Allocations.allocatedBy(i -> {
            vector.clear();
            int handle = engineBuffers.alloc();
            long data = engineBuffers.address(handle) + 128;
            MemorySegment.copy(frame, 0, PacketMemory.ALL, data, bytes.length);
            slots[0] = vector.append(handle, engineBuffers, data, bytes.length, 128, 2048 - 128);
            int sent = port.port().tx(vector, slots, 1);               // engine -> application
            int got = app.rxBurst(0, appRx, 8);
            app.release(appRx);
            app.txAcquire(0, appTx, 1);                                 // application -> engine
            MemorySegment.copy(frame, 0, appTx.region(0), appTx.offset(0), bytes.length);
            appTx.setLength(0, bytes.length);
            app.txBurst(0, appTx, 1);
            vector.clear();
            int received = port.port().rx(vector, PacketVector.CAPACITY);
            for (int s = 0; s < received; s++) vector.owner[s].free(vector.buffer[s]);
            return sent + got + received;
        });
        assertTrue(allocated < Allocations.NOISE_BYTES, allocated + " bytes allocated over " + Allocations.CALLS + " round trips");
        assertEquals(0, engineBuffers.outstanding());
    }

    private static boolean waitUntil(BooleanSupplier condition) {
        long deadline = System.nanoTime() + CONNECT.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) return true;
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return condition.getAsBoolean();
    }
}
