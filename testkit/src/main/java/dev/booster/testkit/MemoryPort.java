package dev.booster.testkit;

import dev.booster.api.net.MacAddress;
import dev.booster.engine.dataplane.PodPort;
import dev.booster.engine.packet.ArenaPacketBuffers;
import dev.booster.engine.packet.PacketVector;
import dev.booster.engine.packet.Port;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/** One pod interface of the memory backend: a queue of frames the pod sent and one of frames delivered to it. */
final class MemoryPort implements PodPort, Port {
    /** Frames delivered and not read are capped, as a real interface's queue would be; the excess is counted. */
    static final int MAX_DELIVERED = 65_536;

    private final String name;
    private final MacAddress podMac;
    private final ArenaPacketBuffers buffers;
    private final Runnable pump;
    private final Queue<byte[]> sent = new ConcurrentLinkedQueue<>();
    private final Queue<byte[]> delivered = new ConcurrentLinkedQueue<>();
    private volatile long overflow;
    private volatile boolean closed;

    MemoryPort(String name, MacAddress podMac, ArenaPacketBuffers buffers, Runnable pump) {
        this.name = name;
        this.podMac = podMac;
        this.buffers = buffers;
        this.pump = pump;
    }

    void send(byte[] frame) {
        if (closed) throw new IllegalStateException("interface " + name + " is detached");
        if (frame.length < 14) throw new IllegalArgumentException("a frame needs at least an Ethernet header (14 bytes), got " + frame.length);
        if (frame.length > buffers.bufferSize() - buffers.headroom()) {
            throw new IllegalArgumentException("a frame of " + frame.length + " bytes is larger than the " + (buffers.bufferSize() - buffers.headroom()) + " an interface takes");
        }
        sent.add(frame.clone());
        pump.run();
    }

    byte[] poll() {
        return delivered.poll();
    }

    long overflow() {
        return overflow;
    }

    @Override
    public int rx(PacketVector into, int max) {
        int n = 0;
        while (n < max) {
            byte[] frame = sent.peek();
            if (frame == null || buffers.receive(into, frame) < 0) break;
            sent.poll();
            n++;
        }
        return n;
    }

    @Override
    public int tx(PacketVector from, int[] slots, int count) {
        for (int i = 0; i < count; i++) {
            int s = slots[i];
            if (!closed && delivered.size() < MAX_DELIVERED) {
                delivered.add(ArenaPacketBuffers.copyOut(from, s));
            } else {
                overflow++;
            }
            from.owner[s].free(from.buffer[s]);
        }
        return count;
    }

    @Override
    public Port port() {
        return this;
    }

    @Override
    public String hostName() {
        return name;
    }

    @Override
    public MacAddress podMac() {
        return podMac;
    }

    @Override
    public void close() {
        closed = true;
        sent.clear();
        delivered.clear();
    }
}
