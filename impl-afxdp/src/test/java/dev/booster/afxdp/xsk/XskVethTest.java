package dev.booster.afxdp.xsk;

import dev.booster.host.ffi.Errno;
import dev.booster.host.ffi.NativeCallException;
import dev.booster.host.link.CommandResult;
import dev.booster.host.link.CommandRunner;
import dev.booster.host.link.LinkInfo;
import dev.booster.host.link.NetnsThreads;
import dev.booster.afxdp.testing.Privileged;
import dev.booster.afxdp.testing.UdpFrames;
import dev.booster.afxdp.testing.VethPair;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An AF_XDP socket on the host end of a veth pair whose other end sits in a network namespace: frames sent from
 * the namespace must reach Java byte for byte, and frames Java transmits must reach a UDP listener in the
 * namespace.
 */
@Tag("privileged")
class XskVethTest {
    private static final int RX_PORT = 7777;
    private static final int TX_PORT = 7778;
    private static final Duration DEADLINE = Duration.ofSeconds(5);

    private VethPair veth;
    private Umem umem;
    private XskSocket socket;

    @BeforeEach
    void setUp() {
        Privileged.assumeAfXdp();
        veth = new VethPair("x");
    }

    @AfterEach
    void tearDown() {
        List<Runnable> steps = List.of(
                () -> { if (socket != null) socket.close(); },
                () -> { if (umem != null) umem.close(); },
                () -> { if (veth != null) veth.close(); });
        RuntimeException failure = null;
        for (Runnable step : steps) {
            try {
                step.run();
            } catch (RuntimeException e) {
                if (failure == null) failure = e; else failure.addSuppressed(e);
            }
        }
        if (failure != null) throw failure;
    }

    private void openCopyMode() {
        umem = Umem.create(UmemConfig.defaults().withFrameCount(512).withFrameSize(2048).withRingSizes(256, 256));
        socket = XskSocket.open(umem, veth.host, 0, XskConfig.defaults().withBindMode(BindMode.COPY).withRingSizes(256, 256));
    }

    @Test
    void framesSentFromTheNamespaceArriveInJavaWithTheirBytes() {
        openCopyMode();
        assertFalse(socket.isZeroCopy(), "veth has no zero-copy");
        assertEquals(256, socket.refill(256));
        assertEquals(512 - 256, umem.frames().available());

        String nonce = "booster-rx-" + System.nanoTime();
        for (int i = 0; i < 3; i++) {
            netnsExec("bash", "-c", "printf %s '" + nonce + "' > /dev/udp/" + VethPair.HOST_IP + "/" + RX_PORT).orThrow();
        }

        long[] addrs = new long[64];
        int[] lens = new int[64];
        List<byte[]> matching = new ArrayList<>();
        int otherFrames = 0;
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        while (matching.size() < 3 && System.nanoTime() < deadline) {
            socket.awaitReceive(100);
            int n = socket.receive(addrs, lens, addrs.length);
            for (int i = 0; i < n; i++) {
                byte[] frame = umem.area().asSlice(addrs[i], lens[i]).toArray(JAVA_BYTE);
                if (UdpFrames.isUdpTo(frame, VethPair.HOST_IP, RX_PORT)) matching.add(frame); else otherFrames++;
                assertTrue(umem.frames().release(addrs[i]), "a received frame goes back to the pool");
            }
            socket.refill(n);
        }

        assertEquals(3, matching.size(), "UDP datagrams received (other frames seen: " + otherFrames + ")");
        for (byte[] frame : matching) {
            assertEquals(UdpFrames.ETHERTYPE_IPV4, UdpFrames.etherType(frame));
            assertEquals(veth.hostMac, UdpFrames.destinationMac(frame));
            assertEquals(veth.peerMac, UdpFrames.sourceMac(frame));
            assertEquals(nonce, new String(UdpFrames.udpPayload(frame), StandardCharsets.US_ASCII));
        }
        assertEquals(0, umem.frames().rejectedReleases());
        assertEquals(0, socket.statistics().rxInvalidDescriptors());
    }

    @Test
    void framesTransmittedFromJavaReachAListenerInTheNamespace() throws Exception {
        openCopyMode();
        LinkInfo before = veth.links.link(veth.namespace, veth.peer).orElseThrow();
        String nonce = "booster-tx-" + System.nanoTime();
        byte[] frame = UdpFrames.build(veth.hostMac, veth.peerMac, VethPair.HOST_IP, VethPair.PEER_IP, 40000, TX_PORT,
                nonce.getBytes(StandardCharsets.US_ASCII));

        Process listener = new ProcessBuilder("ip", "netns", "exec", veth.netns, "nc", "-u", "-l", "-W", "1", "-p", Integer.toString(TX_PORT))
                .redirectErrorStream(true).start();
        ByteArrayOutputStream heard = new ByteArrayOutputStream();
        Thread reader = Thread.ofVirtual().start(() -> {
            try (var in = listener.getInputStream()) {
                in.transferTo(heard);
            } catch (IOException ignored) {
                // the listener was killed; what it printed so far is in `heard`
            }
        });
        int sent = 0;
        try {
            long[] addrs = new long[1];
            int[] lens = {frame.length};
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            // Until nc is listening the kernel drops the datagram (port unreachable), so send until it has heard one.
            while (listener.isAlive() && System.nanoTime() < deadline) {
                socket.reclaimCompleted(64);
                addrs[0] = umem.frames().allocate();
                assertNotEquals(FramePool.NO_FRAME, addrs[0], "a free frame");
                MemorySegment.copy(MemorySegment.ofArray(frame), 0, umem.area(), addrs[0], frame.length);
                assertEquals(1, socket.transmit(addrs, lens, 1), "the TX ring takes the frame");
                sent++;
                listener.waitFor(100, TimeUnit.MILLISECONDS);
            }
        } finally {
            listener.destroy();
            listener.waitFor(2, TimeUnit.SECONDS);
            reader.join();
        }

        assertEquals(nonce, heard.toString(StandardCharsets.US_ASCII), "what nc heard in the namespace");
        assertTrue(socket.txWakeups() >= 1, "copy mode transmits on sendto kicks");
        assertEquals(0, socket.failedWakeups(), "wakeup errno " + socket.lastWakeupErrno());
        LinkInfo after = veth.links.link(veth.namespace, veth.peer).orElseThrow();
        assertTrue(after.rxPackets() - before.rxPackets() >= sent,
                "peer rx packets grew by " + (after.rxPackets() - before.rxPackets()) + " for " + sent + " frames sent");

        long reclaimDeadline = System.nanoTime() + DEADLINE.toNanos();
        while (umem.frames().available() < umem.frames().capacity() && System.nanoTime() < reclaimDeadline) {
            socket.reclaimCompleted(64);
        }
        assertEquals(umem.frames().capacity(), umem.frames().available(), "every transmitted frame completed and came back");
        assertEquals(0, socket.statistics().txInvalidDescriptors());
    }

    @Test
    void theBatchCallsAllocateNothingOnceWarm() {
        openCopyMode();
        MemorySegment frame = MemorySegment.ofArray(
                UdpFrames.build(veth.hostMac, veth.peerMac, VethPair.HOST_IP, VethPair.PEER_IP, 40000, TX_PORT, new byte[18]));
        long[] txAddrs = new long[1];
        int[] txLens = {(int) frame.byteSize()};
        long[] rxAddrs = new long[64];
        int[] rxLens = new int[64];
        FramePool frames = umem.frames();
        MemorySegment area = umem.area();
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();

        Runnable rounds = () -> {
            for (int i = 0; i < 20_000; i++) {
                socket.refill(64);
                frames.release(rxAddrs, socket.receive(rxAddrs, rxLens, rxAddrs.length));
                long address = frames.allocate();
                if (address != FramePool.NO_FRAME) {
                    MemorySegment.copy(frame, 0, area, address, frame.byteSize());
                    txAddrs[0] = address;
                    if (socket.transmit(txAddrs, txLens, 1) == 0) frames.release(address);
                }
                socket.reclaimCompleted(64);
            }
        };
        // Until C2 has compiled the loop (later on a loaded machine), the interpreter allocates what escape analysis
        // removes; so measure windows until one runs fully compiled, and fail only if none does.
        long allocated = Long.MAX_VALUE;
        for (int window = 0; window < 10 && allocated >= 4096; window++) {
            rounds.run();
            long before = threads.getCurrentThreadAllocatedBytes();
            rounds.run();
            allocated = threads.getCurrentThreadAllocatedBytes() - before;
        }

        assertTrue(allocated < 4096, allocated + " bytes allocated by 20,000 rounds of refill/receive/transmit/reclaim, in the best of 10 warm windows");
        assertTrue(socket.txWakeups() >= 20_000, "TX was kicked: " + socket.txWakeups());
        assertEquals(0, socket.failedWakeups(), "wakeup errno " + socket.lastWakeupErrno());
        assertEquals(0, frames.rejectedReleases());
    }

    @Test
    void theDefaultProgramIsAttachedWhileTheSocketIsOpenAndDetachedAfter() {
        assertEquals(0, XdpQuery.attachedProgramId(veth.host));
        openCopyMode();
        int program = XdpQuery.attachedProgramId(veth.host);
        assertNotEquals(0, program, "libxdp attached its program");
        assertEquals(program, veth.links.link(dev.booster.host.link.Namespace.host(), veth.host).orElseThrow().xdpProgramId(),
                "ip link agrees");
        XskSocket closed = socket;
        closed.close();
        assertEquals(0, XdpQuery.attachedProgramId(veth.host), "closing the last socket detaches the program");
        assertThrows(IllegalStateException.class, () -> closed.fillRing().needsWakeup(), "the fill ring's views died with the socket");
        assertThrows(IllegalStateException.class, () -> closed.completionRing().peek(1), "so did the completion ring's");
        assertThrows(IllegalStateException.class, () -> closed.rxRing().peek(1), "and the RX ring's");

        socket = XskSocket.open(umem, veth.host, 0, XskConfig.defaults().withBindMode(BindMode.COPY).withRingSizes(256, 256));
        assertEquals(256, socket.refill(256), "the UMEM outlives its sockets and serves the next one");
    }

    @Test
    void closingASocketReturnsTheFramesOfItsFillRing() {
        openCopyMode();
        assertEquals(256, socket.refill(256));
        assertEquals(256, socket.heldFrames());
        socket.close();
        assertEquals(512, umem.frames().available(), "the kernel let go of them when the descriptor closed");
        assertEquals(0, umem.frames().rejectedReleases());
        umem.close();
    }

    /**
     * Two sockets on two veths share one UMEM: a frame received on the first goes out of the second by its address
     * (the completion ring of the second hands back exactly that address), without a copy, and reaches the second
     * veth's peer.
     */
    @Test
    void aFrameReceivedOnOneSocketIsTransmittedOnAnotherWithoutACopy() {
        try (VethPair second = new VethPair("y")) {
            umem = Umem.create(UmemConfig.defaults().withFrameCount(512).withFrameSize(2048).withRingSizes(256, 256).withMaxSockets(2));
            XskConfig copyMode = XskConfig.defaults().withBindMode(BindMode.COPY).withRingSizes(256, 256);
            socket = XskSocket.open(umem, veth.host, 0, copyMode);
            try (XskSocket other = XskSocket.open(umem, second.host, 0, copyMode)) {
                assertEquals(2, umem.socketCount());
                assertEquals(64, socket.refill(64));
                String nonce = "booster-shared-" + System.nanoTime();
                for (int i = 0; i < 3; i++) {
                    netnsExec("bash", "-c", "printf %s '" + nonce + "' > /dev/udp/" + VethPair.HOST_IP + "/" + RX_PORT).orThrow();
                }
                long[] addrs = new long[64];
                int[] lens = new int[64];
                long[] forward = new long[3];
                int[] forwardLens = new int[3];
                int matching = 0;
                long deadline = System.nanoTime() + DEADLINE.toNanos();
                while (matching < 3 && System.nanoTime() < deadline) {
                    socket.awaitReceive(100);
                    int n = socket.receive(addrs, lens, addrs.length);
                    for (int i = 0; i < n; i++) {
                        byte[] frame = umem.area().asSlice(addrs[i], lens[i]).toArray(JAVA_BYTE);
                        if (matching < 3 && UdpFrames.isUdpTo(frame, VethPair.HOST_IP, RX_PORT)) {
                            forward[matching] = addrs[i];
                            forwardLens[matching++] = lens[i];
                        } else {
                            assertTrue(umem.frames().release(addrs[i]));
                        }
                    }
                }
                assertEquals(3, matching, "UDP datagrams received on the first socket");
                assertEquals(3, umem.frames().heldByApplication());

                LinkInfo before = second.links.link(second.namespace, second.peer).orElseThrow();
                assertEquals(3, other.transmit(forward, forwardLens, 3), "the second socket's TX ring takes the first's frames");
                other.flushTx(8);
                assertEquals(3, other.heldFrames());
                List<Long> completed = new ArrayList<>();
                long completionDeadline = System.nanoTime() + DEADLINE.toNanos();
                while (completed.size() < 3 && System.nanoTime() < completionDeadline) {
                    int n = other.completionRing().peek(3 - completed.size());
                    for (int k = 0; k < n; k++) completed.add(other.completionRing().address(k));
                    other.completionRing().release(0); // leave them for reclaimCompleted, which does the bookkeeping
                    assertEquals(n, other.reclaimCompleted(n));
                }
                assertEquals(List.of(forward[0], forward[1], forward[2]), completed, "the very addresses received were sent");
                LinkInfo after = second.links.link(second.namespace, second.peer).orElseThrow();
                assertTrue(after.rxPackets() - before.rxPackets() >= 3, "the second veth's peer got them: "
                        + (after.rxPackets() - before.rxPackets()));
                assertEquals(0, other.heldFrames());
                assertEquals(0, umem.frames().heldByApplication());
                assertEquals(0, other.refusedFrames());
                assertEquals(0, socket.refusedFrames());

                int heldByFirst = socket.heldFrames();
                socket.close();
                socket = null;
                assertEquals(heldByFirst, umem.frames().returnsPending(), "the closed socket's frames wait for the driving thread");
                other.refill(0);
                assertEquals(0, umem.frames().returnsPending());
                assertEquals(512, umem.frames().available());
            }
            assertEquals(0, umem.socketCount());
            assertEquals(0, umem.frames().rejectedReleases());
        }
    }

    @Test
    void theProgramIsLibxdpsDefaultOne() {
        openCopyMode();
        int program = XdpQuery.attachedProgramId(veth.host);
        String shown = CommandRunner.processes().run(List.of("bpftool", "-j", "prog", "show", "id", Integer.toString(program)),
                Duration.ofSeconds(10)).orThrow().stdout();
        assertTrue(shown.contains("\"name\":\"" + XskProgram.PROGRAM + "\""), shown);
    }

    @Test
    void libxdpCanAttachItsProgramInstead() {
        umem = Umem.create(UmemConfig.defaults().withFrameCount(64));
        socket = XskSocket.open(umem, veth.host, 0,
                XskConfig.defaults().withBindMode(BindMode.COPY).withProgram(XdpProgramMode.LIBXDP));
        assertNotEquals(0, XdpQuery.attachedProgramId(veth.host), "libxdp attached its program");
        assertFalse(XskProgram.isAttached(veth.host), "Booster did not attach one as well");
        socket.close();
        assertEquals(0, XdpQuery.attachedProgramId(veth.host), "libxdp detached it");
    }

    @Test
    void withoutAProgramNothingIsAttached() {
        umem = Umem.create(UmemConfig.defaults().withFrameCount(64));
        socket = XskSocket.open(umem, veth.host, 0,
                XskConfig.defaults().withBindMode(BindMode.COPY).withProgram(XdpProgramMode.NONE));
        assertEquals(0, XdpQuery.attachedProgramId(veth.host));
    }

    @Test
    void theSameQueueCanBeBoundAgainRightAfterAClose() {
        openCopyMode();
        socket.close();
        umem.close();
        // The kernel lets go of the queue in deferred work; open() waits that out instead of failing with EBUSY.
        umem = Umem.create(UmemConfig.defaults().withFrameCount(64));
        socket = XskSocket.open(umem, veth.host, 0, XskConfig.defaults().withBindMode(BindMode.COPY));
        assertEquals(64, socket.refill(64));
        assertNotEquals(0, XdpQuery.attachedProgramId(veth.host));
    }

    @Test
    void aSocketOpenedInsideTheNamespaceDetachesThereWhenClosedFromAnotherThread() {
        umem = NetnsThreads.supply(veth.netns, () -> Umem.create(UmemConfig.defaults().withFrameCount(64)));
        socket = NetnsThreads.supply(veth.netns, () -> XskSocket.open(umem, veth.peer, 0, XskConfig.defaults().withBindMode(BindMode.COPY)));
        assertNotEquals(0, (int) NetnsThreads.supply(veth.netns, () -> XdpQuery.attachedProgramId(veth.peer)), "attached in the namespace");
        assertEquals(0, XdpQuery.attachedProgramId(veth.host), "not on the host end");

        socket.close(); // from the test thread, which is in the host namespace

        assertEquals(0, (int) NetnsThreads.supply(veth.netns, () -> XdpQuery.attachedProgramId(veth.peer)), "detached in the namespace");
    }

    @Test
    void autoFallsBackToCopyOnVethAndZeroCopyIsRefusedClearly() {
        umem = Umem.create(UmemConfig.defaults().withFrameCount(256));
        NativeCallException refused = assertThrows(NativeCallException.class,
                () -> XskSocket.open(umem, veth.host, 0, XskConfig.defaults().withBindMode(BindMode.ZERO_COPY)));
        assertEquals(Errno.EOPNOTSUPP, refused.errno(), refused.getMessage());
        assertTrue(refused.getMessage().startsWith("xsk_socket__create(" + veth.host + ", queue 0): "), refused.getMessage());
        assertTrue(refused.getMessage().contains("(EOPNOTSUPP)"), refused.getMessage());
        assertTrue(refused.getMessage().contains("use copy mode"), refused.getMessage());

        socket = XskSocket.open(umem, veth.host, 0, XskConfig.defaults());
        assertFalse(socket.isZeroCopy());
        assertEquals(BindMode.AUTO, socket.config().bindMode());
        assertEquals(128, socket.refill(128), "the rings of the fallback socket work");
    }

    @Test
    void aMissingInterfaceIsNamedInTheError() {
        umem = Umem.create(UmemConfig.defaults().withFrameCount(64));
        String missing = Privileged.uniqueName("n", "z");
        NativeCallException e = assertThrows(NativeCallException.class,
                () -> XskSocket.open(umem, missing, 0, XskConfig.defaults().withBindMode(BindMode.COPY)));
        assertEquals(Errno.ENODEV, e.errno(), e.getMessage());
        assertTrue(e.getMessage().startsWith("xsk_socket__create(" + missing + ", queue 0): No such device (ENODEV)"), e.getMessage());
    }

    private CommandResult netnsExec(String... command) {
        List<String> argv = new ArrayList<>(List.of("ip", "netns", "exec", veth.netns));
        argv.addAll(List.of(command));
        return CommandRunner.processes().run(argv, Duration.ofSeconds(10));
    }
}
