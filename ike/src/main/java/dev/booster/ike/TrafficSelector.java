package dev.booster.ike;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;

import java.util.Objects;
import java.util.Optional;

/**
 * One IKEv2 traffic selector (RFC 7296 §3.13.1): an address range, an IP protocol (0 = any) and a port range.
 *
 * @param ipProtocol 0..255, 0 for any protocol
 * @param startPort  0..65535
 * @param endPort    startPort..65535; 0..65535 means any port
 */
public record TrafficSelector(IpAddress start, IpAddress end, int ipProtocol, int startPort, int endPort) {
    public static final int ANY_PROTOCOL = 0;

    public TrafficSelector {
        Objects.requireNonNull(start, "start");
        Objects.requireNonNull(end, "end");
        if (start.family() != end.family()) {
            throw new IllegalArgumentException("traffic selector " + start + "-" + end + " mixes address families");
        }
        if (start.compareTo(end) > 0) {
            throw new IllegalArgumentException("traffic selector start " + start + " is above its end " + end);
        }
        if (ipProtocol < 0 || ipProtocol > 255) {
            throw new IllegalArgumentException("traffic selector ipProtocol " + ipProtocol + " is out of range 0..255");
        }
        if (startPort < 0 || endPort > 0xffff || startPort > endPort) {
            throw new IllegalArgumentException("traffic selector ports " + startPort + "-" + endPort + " are not a range within 0..65535");
        }
    }

    /** All traffic of {@code prefix}: every protocol and port. */
    public static TrafficSelector of(IpPrefix prefix) {
        byte[] first = prefix.address().toBytes();
        byte[] last = first.clone();
        for (int bit = prefix.length(); bit < last.length * 8; bit++) {
            last[bit / 8] |= (byte) (0x80 >>> (bit % 8));
        }
        return new TrafficSelector(IpAddress.ofBytes(first), IpAddress.ofBytes(last), ANY_PROTOCOL, 0, 0xffff);
    }

    /** Parses a CIDR such as {@code 10.1.0.0/16}: every protocol and port. */
    public static TrafficSelector of(String cidr) {
        return of(IpPrefix.parse(cidr));
    }

    public boolean isIpv6() {
        return start.bitLength() == 128;
    }

    /** True when every packet this selector matches is also matched by {@code this}. */
    public boolean contains(TrafficSelector other) {
        return intersect(other).map(other::equals).orElse(false);
    }

    /** The packets both selectors match, if any (the responder's narrowing, RFC 7296 §2.9). */
    public Optional<TrafficSelector> intersect(TrafficSelector other) {
        if (start.family() != other.start.family()) return Optional.empty();
        if (ipProtocol != ANY_PROTOCOL && other.ipProtocol != ANY_PROTOCOL && ipProtocol != other.ipProtocol) return Optional.empty();
        IpAddress lo = max(start, other.start);
        IpAddress hi = min(end, other.end);
        int portLo = Math.max(startPort, other.startPort);
        int portHi = Math.min(endPort, other.endPort);
        if (lo.compareTo(hi) > 0 || portLo > portHi) return Optional.empty();
        int protocol = ipProtocol == ANY_PROTOCOL ? other.ipProtocol : ipProtocol;
        return Optional.of(new TrafficSelector(lo, hi, protocol, portLo, portHi));
    }

    private static IpAddress max(IpAddress a, IpAddress b) {
        return a.compareTo(b) >= 0 ? a : b;
    }

    private static IpAddress min(IpAddress a, IpAddress b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    @Override
    public String toString() {
        String protocol = ipProtocol == ANY_PROTOCOL ? "" : "[proto " + ipProtocol + "]";
        String ports = startPort == 0 && endPort == 0xffff ? "" : "[ports " + startPort + "-" + endPort + "]";
        return start + "-" + end + protocol + ports;
    }
}
