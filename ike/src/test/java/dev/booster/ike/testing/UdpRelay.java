package dev.booster.ike.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;

/**
 * A UDP hop between two endpoints on loopback that can lose datagrams on purpose: what comes from {@code a} goes to
 * {@code b} and back, unless {@code drop} says otherwise. To each side the relay is the peer.
 */
public final class UdpRelay implements AutoCloseable {
    private final DatagramChannel socket;
    private final Thread thread;
    private volatile InetSocketAddress a;
    private volatile InetSocketAddress b;
    private volatile BiPredicate<Boolean, byte[]> drop = (fromA, datagram) -> false;
    private final AtomicInteger dropped = new AtomicInteger();
    private volatile boolean running = true;

    public UdpRelay(InetSocketAddress listen) throws IOException {
        socket = DatagramChannel.open();
        socket.bind(listen);
        thread = Thread.ofPlatform().daemon().name("udp-relay").start(this::run);
    }

    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) socket.getLocalAddress();
    }

    public void connect(InetSocketAddress a, InetSocketAddress b) {
        this.a = a;
        this.b = b;
    }

    /** Decides per datagram (first argument: it came from {@code a}) whether it is lost. */
    public void drop(BiPredicate<Boolean, byte[]> drop) {
        this.drop = drop;
    }

    public int dropped() {
        return dropped.get();
    }

    private void run() {
        ByteBuffer buffer = ByteBuffer.allocate(65536);
        while (running) {
            try {
                buffer.clear();
                InetSocketAddress from = (InetSocketAddress) socket.receive(buffer);
                byte[] datagram = Arrays.copyOf(buffer.array(), buffer.position());
                boolean fromA = from.equals(a);
                InetSocketAddress to = fromA ? b : from.equals(b) ? a : null;
                if (to == null) continue;
                if (drop.test(fromA, datagram)) {
                    dropped.incrementAndGet();
                    continue;
                }
                socket.send(ByteBuffer.wrap(datagram), to);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        socket.close();
        try {
            thread.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
