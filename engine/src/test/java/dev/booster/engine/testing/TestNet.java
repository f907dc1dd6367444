package dev.booster.engine.testing;

import dev.booster.engine.frame.FrameBuilder;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.engine.Engine;
import dev.booster.engine.EngineConfig;
import dev.booster.engine.InterfaceConfig;

import java.util.List;
import java.util.Optional;

/**
 * A small node for engine tests: pods A (10.0.0.1, fd00::1, endpoint 0) and B (10.0.0.2, fd00::2, endpoint 1) with
 * known MACs, and an uplink routing 192.168.0.0/16 and 2001:db8::/32 to a next hop. There is no default route.
 */
public final class TestNet implements AutoCloseable {
    public static final MacAddress MAC_A = MacAddress.parse("02:00:00:00:00:0a");
    public static final MacAddress MAC_B = MacAddress.parse("02:00:00:00:00:0b");
    public static final MacAddress UPLINK_MAC = MacAddress.parse("02:00:00:00:00:fe");
    public static final MacAddress NEXT_HOP = MacAddress.parse("02:00:00:00:00:99");
    public static final MacAddress GW = FrameBuilder.GATEWAY_MAC;

    public final TestBuffers buffers = new TestBuffers(2048, 2048, 128);
    public final TestPort a = new TestPort("a", buffers);
    public final TestPort b = new TestPort("b", buffers);
    public final TestPort uplink = new TestPort("uplink", buffers);
    public final ManualClock clock = new ManualClock();
    public final Engine engine;
    public final int ifA;
    public final int ifB;
    public final int ifUplink;

    public TestNet() {
        this(EngineConfig.builder().conntrackCapacity(1024));
    }

    public TestNet(EngineConfig.Builder config) {
        engine = new Engine(config.clock(clock).build());
        ifA = engine.addInterface(new InterfaceConfig.Pod("pod-a", "uid-a", a, List.of(IpAddress.parse("10.0.0.1"), IpAddress.parse("fd00::1")), 0, Optional.of(MAC_A), GW));
        ifB = engine.addInterface(new InterfaceConfig.Pod("pod-b", "uid-b", b, List.of(IpAddress.parse("10.0.0.2"), IpAddress.parse("fd00::2")), 1, Optional.of(MAC_B), GW));
        ifUplink = engine.addInterface(new InterfaceConfig.Uplink("uplink", uplink, UPLINK_MAC));
        engine.addRoute(IpPrefix.parse("192.168.0.0/16"), ifUplink, NEXT_HOP);
        engine.addRoute(IpPrefix.parse("2001:db8::/32"), ifUplink, NEXT_HOP);
    }

    /** Injects frames on {@code port} and runs the engine until idle. */
    public void send(TestPort port, byte[]... frames) {
        port.inject(frames);
        engine.pollUntilIdle();
    }

    public static FrameBuilder fromA(String dst) {
        return FrameBuilder.ip(dst.contains(":") ? "fd00::1" : "10.0.0.1", dst).from(MAC_A).to(GW);
    }

    public static FrameBuilder fromB(String dst) {
        return FrameBuilder.ip(dst.contains(":") ? "fd00::2" : "10.0.0.2", dst).from(MAC_B).to(GW);
    }

    public static int u8(byte[] f, int at) {
        return f[at] & 0xff;
    }

    public static int u16(byte[] f, int at) {
        return (f[at] & 0xff) << 8 | (f[at + 1] & 0xff);
    }

    public static MacAddress mac(byte[] f, int at) {
        return MacAddress.ofBytes(java.util.Arrays.copyOfRange(f, at, at + 6));
    }

    public static IpAddress ip4(byte[] f, int at) {
        return IpAddress.ofBytes(java.util.Arrays.copyOfRange(f, at, at + 4));
    }

    public static IpAddress ip6(byte[] f, int at) {
        return IpAddress.ofBytes(java.util.Arrays.copyOfRange(f, at, at + 16));
    }

    @Override
    public void close() {
        engine.close();
        buffers.close();
    }

    public static final class ManualClock implements java.util.function.LongSupplier {
        private long now = 1_000_000_000L;

        @Override
        public long getAsLong() {
            return now;
        }

        public void advance(long nanos) {
            now += nanos;
        }
    }
}
