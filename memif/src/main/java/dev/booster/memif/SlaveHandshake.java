package dev.booster.memif;

import dev.booster.api.pod.Memif.Mode;
import dev.booster.memif.MemifConfig.BufferPlacement;
import dev.booster.memif.MemifMessage.InterfaceMode;
import dev.booster.memif.ffi.Libc;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The slave's side: on HELLO it sizes the connection (the lesser of both sides' queues and ring sizes), creates the
 * regions, lays out and initializes the rings, makes an eventfd per ring, and then sends INIT, each ADD_REGION, each
 * ADD_RING (slave-to-master first) and CONNECT, one at a time, each after the master's ACK. CONNECTED completes it.
 *
 * <p>Region 0 holds the rings, slave-to-master rings first, each {@code 128 + 16 × ringSize} bytes. Buffers follow the
 * rings in region 0 ({@link BufferPlacement#AFTER_RINGS}, DPDK's layout) or fill region 1
 * ({@link BufferPlacement#SEPARATE_REGION}, libmemif's), one per slot, ring after ring in the same order.
 */
final class SlaveHandshake implements Handshake {
    private enum State { AWAIT_HELLO, AWAIT_ACK, AWAIT_CONNECTED, ESTABLISHED }

    private final MemifConfig config;
    private final ConnectionParts parts = new ConnectionParts();
    private final Deque<Outgoing> pending = new ArrayDeque<>();
    private State state = State.AWAIT_HELLO;
    private String peerName = "";

    SlaveHandshake(MemifConfig config) {
        this.config = config;
    }

    @Override
    public List<Outgoing> opening() {
        return List.of();
    }

    @Override
    public Step onMessage(MemifMessage message, ReceivedFds fds) {
        return switch (state) {
            case AWAIT_HELLO -> {
                if (!(message instanceof MemifMessage.Hello hello)) {
                    throw new MemifProtocolException("expected HELLO, got " + message.typeName());
                }
                prepare(hello);
                peerName = hello.name();
                state = State.AWAIT_ACK;
                yield Step.reply(pending.removeFirst());
            }
            case AWAIT_ACK -> {
                if (!(message instanceof MemifMessage.Ack)) {
                    throw new MemifProtocolException("expected ACK, got " + message.typeName());
                }
                Outgoing next = pending.removeFirst();
                if (next.message() instanceof MemifMessage.Connect) state = State.AWAIT_CONNECTED;
                yield Step.reply(next);
            }
            case AWAIT_CONNECTED -> {
                if (!(message instanceof MemifMessage.Connected connected)) {
                    throw new MemifProtocolException("expected CONNECTED, got " + message.typeName());
                }
                peerName = connected.interfaceName();
                state = State.ESTABLISHED;
                yield Step.done();
            }
            case ESTABLISHED -> throw new MemifProtocolException("unexpected " + message.typeName() + " after CONNECTED");
        };
    }

    private void prepare(MemifMessage.Hello hello) {
        if (hello.minVersion() > MemifProtocol.VERSION || hello.maxVersion() < MemifProtocol.VERSION) {
            throw new MemifProtocolException("Incompatible memif version: master has " + MemifProtocol.versionText(hello.minVersion())
                    + ".." + MemifProtocol.versionText(hello.maxVersion()) + ", this side " + MemifProtocol.versionText(MemifProtocol.VERSION));
        }
        int s2mRings = Math.min(hello.maxS2mRing() + 1, config.queues());
        int m2sRings = Math.min(hello.maxM2sRing() + 1, config.queues());
        int log2 = Math.min(hello.maxLog2RingSize(), config.log2RingSize());
        if (log2 < 1) throw new MemifProtocolException("the master allows no ring size (max 2^" + hello.maxLog2RingSize() + ")");
        boolean separate = config.bufferPlacement() == BufferPlacement.SEPARATE_REGION && hello.maxRegion() >= 1;
        int rings = s2mRings + m2sRings;
        long ringBytes = Ring.bytes(log2);
        long ringsEnd = rings * ringBytes;
        long bufferBytes = (long) rings * (1L << log2) * config.bufferSize();
        int bufferRegion = separate ? 1 : 0;
        long bufferStart = separate ? 0 : ringsEnd;

        Region ringRegion = Region.create(0, separate ? ringsEnd : ringsEnd + bufferBytes);
        parts.addRegion(ringRegion);
        if (separate) parts.addRegion(Region.create(1, bufferBytes));

        for (int r = 0; r < rings; r++) {
            boolean slaveToMaster = r < s2mRings;
            int index = slaveToMaster ? r : r - s2mRings;
            long offset = r * ringBytes;
            long bufferBase = bufferStart + (long) r * (1L << log2) * config.bufferSize();
            Ring ring = new Ring(ringRegion.memory(), offset, log2);
            ring.initialize();
            for (int slot = 0; slot < ring.size(); slot++) {
                ring.setDescriptor(slot, 0, bufferRegion, bufferBase + (long) slot * config.bufferSize(), config.bufferSize());
            }
            int eventFd = parts.ownEventFd(Libc.eventfd(Libc.EFD_NONBLOCK | Libc.EFD_CLOEXEC, "memif " + (slaveToMaster ? "S2M" : "M2S") + " ring " + index));
            String name = (slaveToMaster ? "S2M" : "M2S") + " ring " + index;
            parts.putRing(slaveToMaster, index, new RingSpec(name, 0, offset, log2, eventFd, bufferRegion, bufferBase));
        }

        InterfaceMode mode = config.mode() == Mode.IP ? InterfaceMode.IP : InterfaceMode.ETHERNET;
        pending.add(Outgoing.of(new MemifMessage.Init(MemifProtocol.VERSION, config.id(), mode, config.secret(), MasterHandshake.APP_NAME)));
        for (Region region : parts.regions()) {
            pending.add(new Outgoing(new MemifMessage.AddRegion(region.index(), region.size()), region.fd()));
        }
        for (int i = 0; i < parts.s2m().size(); i++) pending.add(addRing(true, i, parts.s2m().get(i)));
        for (int i = 0; i < parts.m2s().size(); i++) pending.add(addRing(false, i, parts.m2s().get(i)));
        pending.add(Outgoing.of(new MemifMessage.Connect(config.interfaceName())));
    }

    private static Outgoing addRing(boolean slaveToMaster, int index, RingSpec spec) {
        return new Outgoing(new MemifMessage.AddRing(slaveToMaster, index, spec.region(), spec.offset(), spec.log2Size(), 0), spec.eventFd());
    }

    @Override
    public ConnectionParts parts() {
        if (state != State.ESTABLISHED) throw new IllegalStateException("the handshake is not complete");
        return parts;
    }

    @Override
    public String peerName() {
        return peerName;
    }

    @Override
    public void close() {
        parts.close();
    }
}
