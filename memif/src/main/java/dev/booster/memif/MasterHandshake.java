package dev.booster.memif;

import dev.booster.api.Secret;
import dev.booster.api.pod.Memif.Mode;
import dev.booster.memif.MemifMessage.InterfaceMode;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;

/**
 * The master's side: HELLO out; then INIT, ADD_REGION and ADD_RING in (each acknowledged), CONNECT in and CONNECTED
 * out. Everything the slave announces is checked before it is trusted: version, interface id, mode and secret in
 * INIT; region indexes, sizes and sealing in ADD_REGION; ring direction, index, size and placement in ADD_RING;
 * numbering and cookies at CONNECT.
 */
final class MasterHandshake implements Handshake {
    static final String APP_NAME = "booster-memif";

    private enum State { AWAIT_INIT, AWAIT_SETUP, ESTABLISHED }

    private final MemifConfig config;
    private final ConnectionParts parts = new ConnectionParts();
    private State state = State.AWAIT_INIT;
    private String peerName = "";

    MasterHandshake(MemifConfig config) {
        this.config = config;
    }

    static MemifMessage.Hello hello(MemifConfig config) {
        int maxRing = config.queues() - 1;
        return new MemifMessage.Hello(APP_NAME, MemifProtocol.VERSION, MemifProtocol.VERSION, MemifProtocol.MAX_REGION_INDEX,
                maxRing, maxRing, MemifProtocol.MAX_LOG2_RING_SIZE);
    }

    @Override
    public List<Outgoing> opening() {
        return List.of(Outgoing.of(hello(config)));
    }

    @Override
    public Step onMessage(MemifMessage message, ReceivedFds fds) {
        if (message instanceof MemifMessage.Ack) return Step.reply();
        return switch (state) {
            case AWAIT_INIT -> {
                if (!(message instanceof MemifMessage.Init init)) {
                    throw new MemifProtocolException("expected INIT, got " + message.typeName());
                }
                checkInit(init);
                peerName = init.name();
                state = State.AWAIT_SETUP;
                yield Step.reply(Outgoing.of(new MemifMessage.Ack()));
            }
            case AWAIT_SETUP -> switch (message) {
                case MemifMessage.AddRegion region -> {
                    addRegion(region, fds);
                    yield Step.reply(Outgoing.of(new MemifMessage.Ack()));
                }
                case MemifMessage.AddRing ring -> {
                    addRing(ring, fds);
                    yield Step.reply(Outgoing.of(new MemifMessage.Ack()));
                }
                case MemifMessage.Connect connect -> {
                    checkRings();
                    peerName = connect.interfaceName();
                    state = State.ESTABLISHED;
                    yield Step.done(Outgoing.of(new MemifMessage.Connected(config.interfaceName())));
                }
                default -> throw new MemifProtocolException("unexpected " + message.typeName() + " during setup");
            };
            case ESTABLISHED -> throw new MemifProtocolException("unexpected " + message.typeName() + " after CONNECT");
        };
    }

    private void checkInit(MemifMessage.Init init) {
        if (init.version() != MemifProtocol.VERSION) {
            throw new MemifProtocolException("Incompatible memif version: peer has " + MemifProtocol.versionText(init.version())
                    + ", this side " + MemifProtocol.versionText(MemifProtocol.VERSION));
        }
        if (init.id() != config.id()) throw new MemifProtocolException("ID " + init.id() + " not found (this interface is id " + config.id() + ")");
        InterfaceMode wanted = config.mode() == Mode.IP ? InterfaceMode.IP : InterfaceMode.ETHERNET;
        if (init.mode() != wanted) {
            throw new MemifProtocolException("Interface mode mismatch: peer wants " + init.mode() + ", this interface is " + wanted);
        }
        if (config.secret().isPresent()) {
            if (init.secret().isEmpty()) throw new MemifProtocolException("Secret required");
            if (!sameSecret(config.secret().get(), init.secret().get())) throw new MemifProtocolException("Incorrect secret");
        }
    }

    /** Constant-time comparison of the two secrets as the 24-byte fields they travel in. */
    static boolean sameSecret(Secret expected, Secret presented) {
        byte[] a = field(expected);
        byte[] b = field(presented);
        try {
            return MessageDigest.isEqual(a, b);
        } finally {
            Arrays.fill(a, (byte) 0);
            Arrays.fill(b, (byte) 0);
        }
    }

    private static byte[] field(Secret secret) {
        return secret.apply(bytes -> Arrays.copyOf(bytes, MemifProtocol.SECRET_SIZE));
    }

    private void addRegion(MemifMessage.AddRegion message, ReceivedFds fds) {
        int expected = parts.regions().size();
        if (message.index() != expected) {
            throw new MemifProtocolException("ADD_REGION " + message.index() + " out of order; expected region " + expected);
        }
        if (message.index() > MemifProtocol.MAX_REGION_INDEX) {
            throw new MemifProtocolException("region index " + message.index() + " is beyond " + MemifProtocol.MAX_REGION_INDEX);
        }
        int fd = fds.take();
        if (fd < 0) throw new MemifProtocolException("ADD_REGION " + message.index() + " came without a file descriptor");
        parts.addRegion(Region.adopt(message.index(), fd, message.size()));
    }

    private void addRing(MemifMessage.AddRing message, ReceivedFds fds) {
        String name = message.describe();
        if (message.privateHeaderSize() != 0) throw new MemifProtocolException(name + " asks for private headers, which are not supported");
        if (message.log2RingSize() < 1 || message.log2RingSize() > MemifProtocol.MAX_LOG2_RING_SIZE) {
            throw new MemifProtocolException(name + " size 2^" + message.log2RingSize() + " is out of range 2^1..2^" + MemifProtocol.MAX_LOG2_RING_SIZE);
        }
        if (message.index() >= config.queues()) {
            throw new MemifProtocolException(name + " is beyond the " + config.queues() + " queue(s) of this interface");
        }
        if (parts.ring(message.slaveToMaster(), message.index()) != null) throw new MemifProtocolException(name + " added twice");
        Region region = parts.region(message.region());
        if (region == null) throw new MemifProtocolException(name + " is in region " + message.region() + ", which was not added");
        long bytes = Ring.bytes(message.log2RingSize());
        if (message.offset() + bytes > region.size()) {
            throw new MemifProtocolException(name + " (" + bytes + " bytes at " + message.offset() + ") does not fit in region "
                    + message.region() + " (" + region.size() + " bytes)");
        }
        int eventFd = parts.ownEventFd(fds.take());
        parts.putRing(message.slaveToMaster(), message.index(),
                new RingSpec(name, message.region(), message.offset(), message.log2RingSize(), eventFd, -1, 0));
    }

    private void checkRings() {
        checkDirection(parts.s2m(), "S2M");
        checkDirection(parts.m2s(), "M2S");
    }

    private void checkDirection(List<RingSpec> rings, String direction) {
        if (rings.isEmpty()) throw new MemifProtocolException("no " + direction + " ring was added");
        for (int i = 0; i < rings.size(); i++) {
            RingSpec spec = rings.get(i);
            if (spec == null) throw new MemifProtocolException(direction + " ring " + i + " is missing; rings must be numbered from 0");
            int cookie = new Ring(parts.region(spec.region()).memory(), spec.offset(), spec.log2Size()).cookie();
            if (cookie != MemifProtocol.RING_COOKIE) {
                throw new MemifProtocolException(spec.name() + " has cookie 0x" + Integer.toHexString(cookie) + ", not 0x"
                        + Integer.toHexString(MemifProtocol.RING_COOKIE));
            }
        }
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
