package dev.booster.dpdk.port;

import dev.booster.host.link.NetnsThreads;
import dev.booster.afxdp.testing.UdpFrames;
import dev.booster.afxdp.testing.VethPair;
import dev.booster.dpdk.eal.Eal;
import dev.booster.dpdk.eal.EalOptions;
import dev.booster.dpdk.testing.DpdkAvailable;
import dev.booster.engine.packet.ArenaPacketBuffers;
import dev.booster.engine.packet.PacketMemory;
import dev.booster.engine.packet.PacketVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A {@code net_af_packet} port on the host end of a veth whose other end is in a namespace: frames the namespace sends
 * arrive as mbufs of the pool, untouched; the pool's own mbufs and other owners' packets go out; closing gives every
 * mbuf back.
 */
@Tag("privileged")
class DpdkPortTest {
    private Eal eal;
    private VethPair veth;
    private MbufPool pool;
    private Vdev vdev;
    private DpdkPort port;

    @BeforeEach
    void setUp() {
        DpdkAvailable.assumePrivileged();
        eal = Eal.acquire(EalOptions.defaults());
        veth = new VethPair("dp");
        // The packet socket only copies frames: the host's kernel must not forward what the namespace sends to the host end.
        try {
            java.nio.file.Files.writeString(Path.of("/proc/sys/net/ipv4/conf", veth.host, "forwarding"), "0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        pool = MbufPool.create(eal, "bst-port-" + ProcessHandle.current().pid(), 2047);
        vdev = Vdev.probe(eal, Vdev.uniqueName("net_af_packet"), "iface=" + veth.host);
        port = DpdkPort.start(eal, vdev.portId(), vdev.name(), pool);
    }

    @AfterEach
    void tearDown() {
        try {
            if (port != null) port.close();
            if (vdev != null) vdev.close();
            if (pool != null) {
                assertEquals(0, pool.inUse(), "every mbuf is back in the pool");
                pool.close();
            }
        } finally {
            if (veth != null) veth.close();
            if (eal != null) eal.release();
        }
    }

    private Path netns() {
        return Path.of("/var/run/netns", veth.netns);
    }

    private void sendFromNamespace(String text, int port) {
        NetnsThreads.run(netns(), () -> {
            try (DatagramSocket socket = new DatagramSocket()) {
                byte[] payload = text.getBytes(StandardCharsets.US_ASCII);
                socket.send(new DatagramPacket(payload, payload.length, InetAddress.getByAddress(VethPair.HOST_IP.toBytes()), port));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Polls until a frame that is UDP to the host end's address and {@code udpPort} arrives; frees everything else. */
    private byte[] receive(PacketVector vector, int udpPort) throws InterruptedException {
        long deadline = System.nanoTime() + 3_000_000_000L;
        while (System.nanoTime() < deadline) {
            vector.clear();
            int n = port.rx(vector, PacketVector.CAPACITY);
            byte[] found = null;
            for (int s = 0; s < n; s++) {
                byte[] frame = ArenaPacketBuffers.copyOut(vector, s);
                if (found == null && UdpFrames.isUdpTo(frame, VethPair.HOST_IP, udpPort)) {
                    found = frame;
                    assertSame(pool, vector.owner[s]);
                    assertEquals(pool.address(vector.buffer[s]) + vector.headroom[s], vector.data[s], "data lies in the mbuf's buffer");
                }
                vector.owner[s].free(vector.buffer[s]);
            }
            if (found != null) return found;
            Thread.sleep(5);
        }
        throw new AssertionError("no UDP frame to port " + udpPort + " arrived");
    }

    @Test
    void framesFromTheNamespaceArriveInMbufsOfThePool() throws InterruptedException {
        sendFromNamespace("hello dpdk", 9999);
        byte[] frame = receive(new PacketVector(), 9999);
        assertEquals("hello dpdk", new String(UdpFrames.udpPayload(frame), StandardCharsets.US_ASCII));
        assertEquals(veth.peerMac, UdpFrames.sourceMac(frame));
        assertEquals(0, port.rxChained());
        assertTrue(port.stats().rxPackets() >= 1);
    }

    @Test
    void theMbufsOwnPacketsAndOtherOwnersPacketsAreTransmitted() throws Exception {
        DatagramSocket listener = NetnsThreads.supply(netns(), () -> {
            try {
                DatagramSocket socket = new DatagramSocket(new InetSocketAddress(InetAddress.getByAddress(VethPair.PEER_IP.toBytes()), 7777));
                socket.setSoTimeout(3000);
                return socket;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        try (listener; ArenaPacketBuffers heap = new ArenaPacketBuffers(4, 2048, 128)) {
            PacketVector vector = new PacketVector();
            // One packet in an mbuf of the pool (zero copy), one in another owner's memory (copied).
            byte[] own = UdpFrames.build(veth.hostMac, veth.peerMac, VethPair.HOST_IP, VethPair.PEER_IP, 5000, 7777,
                    "own mbuf".getBytes(StandardCharsets.US_ASCII));
            int handle = pool.alloc();
            long data = pool.address(handle) + 200; // not at the default headroom: tx must set data_off from it
            MemorySegment.copy(own, 0, PacketMemory.ALL, ValueLayout.JAVA_BYTE, data, own.length);
            vector.append(handle, pool, data, own.length, 200, MbufPool.DATA_ROOM - 200);
            heap.receive(vector, UdpFrames.build(veth.hostMac, veth.peerMac, VethPair.HOST_IP, VethPair.PEER_IP, 5000, 7777,
                    "copied".getBytes(StandardCharsets.US_ASCII)));

            int sent = port.tx(vector, new int[]{0, 1}, 2);
            assertEquals(2, sent);
            assertEquals(1, port.txCopied());
            assertEquals(0, heap.inUse(), "the copied packet's source went back to its owner");

            DatagramPacket first = new DatagramPacket(new byte[64], 64);
            listener.receive(first);
            DatagramPacket second = new DatagramPacket(new byte[64], 64);
            listener.receive(second);
            assertEquals("own mbuf", new String(first.getData(), 0, first.getLength(), StandardCharsets.US_ASCII));
            assertEquals("copied", new String(second.getData(), 0, second.getLength(), StandardCharsets.US_ASCII));
        }
    }
}
