package dev.booster.engine.dataplane;

import dev.booster.api.Capability;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;
import dev.booster.api.pod.InterfaceSpec;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.engine.Engine;
import dev.booster.engine.EngineConfig;
import dev.booster.engine.InterfaceConfig;
import dev.booster.engine.packet.Port;
import dev.booster.engine.testing.TestBuffers;
import dev.booster.engine.testing.TestPort;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * A Booster node for tunnel tests: an {@link EngineDataplane} over test ports, with an uplink (MTU 1500, MAC
 * {@code uplinkMac}) whose default routes lead to {@code nextHop}. Run it with {@link #run()}.
 */
final class TunnelNode implements AutoCloseable {
    final TestBuffers buffers = new TestBuffers(512, 4096, 256);
    final TestPort uplink = new TestPort("uplink", buffers);
    final Engine engine = new Engine(EngineConfig.builder().conntrackCapacity(1024).build());
    final int uplinkIndex;
    final MacAddress uplinkMac;
    final EngineDataplane dataplane;
    volatile Set<IpAddress> accepted = Set.of();

    TunnelNode(MacAddress uplinkMac, MacAddress nextHop, int uplinkMtu) {
        this.uplinkMac = uplinkMac;
        uplinkIndex = engine.addInterface(new InterfaceConfig.Uplink("uplink", uplink, uplinkMac));
        engine.addRoute(IpPrefix.parse("0.0.0.0/0"), uplinkIndex, nextHop);
        engine.addRoute(IpPrefix.parse("::/0"), uplinkIndex, nextHop);
        TunnelUplink tunnelUplink = new TunnelUplink() {
            @Override
            public int engineIndex() {
                return uplinkIndex;
            }

            @Override
            public int mtu() {
                return uplinkMtu;
            }

            @Override
            public void acceptTunnelTraffic(Set<IpAddress> localAddresses) {
                accepted = Set.copyOf(localAddresses);
            }
        };
        dataplane = new EngineDataplane(new Backend(tunnelUplink), engine);
    }

    TestPort attach(String name, String... addresses) {
        PodSpec.Builder b = PodSpec.builder("shop", name).labels(Map.of("app", name)).netns("/var/run/netns/" + name);
        InterfaceAddress[] list = new InterfaceAddress[addresses.length];
        for (int i = 0; i < addresses.length; i++) list[i] = InterfaceAddress.parse(addresses[i] + (addresses[i].contains(":") ? "/128" : "/32"));
        PodAttachment pod = dataplane.pods().attach(b.addInterface(Veth.of("eth0", list)).build());
        return (TestPort) EngineDataplane.portOf(pod, 0).port();
    }

    static MacAddress podMac(String name) {
        return MacAddress.locallyAdministered(("shop/" + name).hashCode());
    }

    void run() {
        engine.pollUntilIdle();
    }

    @Override
    public void close() {
        dataplane.close();
        buffers.close();
    }

    private final class Backend implements EngineBackend {
        private final TunnelUplink tunnelUplink;

        Backend(TunnelUplink tunnelUplink) {
            this.tunnelUplink = tunnelUplink;
        }

        @Override
        public String provider() {
            return "test";
        }

        @Override
        public Set<Capability> capabilities() {
            return Set.of(Capability.VETH, Capability.POLICY, Capability.TUNNELS);
        }

        @Override
        public PodPort openPort(PodSpec pod, InterfaceSpec spec, MacAddress gatewayMac) {
            TestPort port = new TestPort(pod.name(), buffers);
            MacAddress mac = podMac(pod.name());
            return new PodPort() {
                @Override
                public Port port() {
                    return port;
                }

                @Override
                public String hostName() {
                    return "host-" + pod.name();
                }

                @Override
                public MacAddress podMac() {
                    return mac;
                }

                @Override
                public void close() {
                }
            };
        }

        @Override
        public <T> T inPodNetns(PodSpec pod, Supplier<T> task) {
            return task.get();
        }

        @Override
        public java.util.Optional<TunnelUplink> tunnelUplink() {
            return java.util.Optional.of(tunnelUplink);
        }

        @Override
        public void close() {
        }
    }

}
