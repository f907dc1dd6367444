package dev.booster.engine;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.Ip6Address;
import dev.booster.api.net.MacAddress;
import dev.booster.engine.conntrack.Timeouts;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * How an {@link Engine} is sized and addressed. Defaults follow Calico: pods route via 169.254.1.1 (and fe80::1 for
 * IPv6), answered with ee:ee:ee:ee:ee:ee.
 *
 * @param maxInterfaces        interface indices are {@code 0..maxInterfaces-1}; counters are preallocated for all
 * @param icmpSource4          the source of ICMP errors (default: the gateway address)
 * @param icmpErrorsPerSecond  sustained ICMP error rate per worker; 0 disables ICMP errors
 * @param traceCapacity        packet traces a worker keeps until cleared
 * @param clock                nanosecond clock read once per vector (tests pass a manual one)
 */
public record EngineConfig(int maxInterfaces, int conntrackCapacity, Timeouts conntrackTimeouts,
                           Ip4Address gateway4, Ip6Address gateway6, MacAddress gatewayMac, Ip4Address icmpSource4,
                           Ip6Address icmpSource6, int icmpErrorsPerSecond, int icmpErrorBurst, int traceCapacity,
                           LongSupplier clock) {

    public EngineConfig {
        positive("maxInterfaces", maxInterfaces);
        positive("conntrackCapacity", conntrackCapacity);
        positive("traceCapacity", traceCapacity);
        if (icmpErrorsPerSecond < 0 || icmpErrorBurst < 0) {
            throw new IllegalArgumentException("icmpErrorsPerSecond and icmpErrorBurst must be >= 0");
        }
        Objects.requireNonNull(conntrackTimeouts, "conntrackTimeouts");
        Objects.requireNonNull(gateway4, "gateway4");
        Objects.requireNonNull(gateway6, "gateway6");
        Objects.requireNonNull(gatewayMac, "gatewayMac");
        Objects.requireNonNull(icmpSource4, "icmpSource4");
        Objects.requireNonNull(icmpSource6, "icmpSource6");
        Objects.requireNonNull(clock, "clock");
    }

    private static void positive(String field, int value) {
        if (value <= 0) throw new IllegalArgumentException(field + " must be positive, not " + value);
    }

    public static EngineConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private int maxInterfaces = 1024;
        private int conntrackCapacity = 65_536;
        private Timeouts conntrackTimeouts = Timeouts.defaults();
        private Ip4Address gateway4 = Ip4Address.parse("169.254.1.1");
        private Ip6Address gateway6 = Ip6Address.parse("fe80::1");
        private MacAddress gatewayMac = MacAddress.parse("ee:ee:ee:ee:ee:ee");
        private Ip4Address icmpSource4;
        private Ip6Address icmpSource6;
        private int icmpErrorsPerSecond = 100;
        private int icmpErrorBurst = 20;
        private int traceCapacity = 256;
        private LongSupplier clock = System::nanoTime;

        private Builder() {
        }

        public Builder maxInterfaces(int value) {
            maxInterfaces = value;
            return this;
        }

        public Builder conntrackCapacity(int value) {
            conntrackCapacity = value;
            return this;
        }

        public Builder conntrackTimeouts(Timeouts value) {
            conntrackTimeouts = value;
            return this;
        }

        public Builder gateway4(Ip4Address value) {
            gateway4 = value;
            return this;
        }

        public Builder gateway6(Ip6Address value) {
            gateway6 = value;
            return this;
        }

        public Builder gatewayMac(MacAddress value) {
            gatewayMac = value;
            return this;
        }

        public Builder icmpSource4(Ip4Address value) {
            icmpSource4 = value;
            return this;
        }

        public Builder icmpSource6(Ip6Address value) {
            icmpSource6 = value;
            return this;
        }

        public Builder icmpErrors(int perSecond, int burst) {
            icmpErrorsPerSecond = perSecond;
            icmpErrorBurst = burst;
            return this;
        }

        public Builder traceCapacity(int value) {
            traceCapacity = value;
            return this;
        }

        public Builder clock(LongSupplier value) {
            clock = value;
            return this;
        }

        public EngineConfig build() {
            return new EngineConfig(maxInterfaces, conntrackCapacity, conntrackTimeouts, gateway4, gateway6, gatewayMac,
                    icmpSource4 != null ? icmpSource4 : gateway4, icmpSource6 != null ? icmpSource6 : gateway6,
                    icmpErrorsPerSecond, icmpErrorBurst, traceCapacity, clock);
        }
    }
}
