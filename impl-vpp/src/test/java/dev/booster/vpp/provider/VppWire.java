package dev.booster.vpp.provider;

import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.net.IpPrefix;
import dev.booster.vpp.api.codec.ByteArray;
import dev.booster.vpp.binapi.Address;
import dev.booster.vpp.binapi.AddressFamily;
import dev.booster.vpp.binapi.AddressUnion;
import dev.booster.vpp.binapi.FibPath;
import dev.booster.vpp.binapi.FibPathFlags;
import dev.booster.vpp.binapi.FibPathNh;
import dev.booster.vpp.binapi.FibPathNhProto;
import dev.booster.vpp.binapi.FibPathType;
import dev.booster.vpp.binapi.IfStatusFlags;
import dev.booster.vpp.binapi.Ip4Address;
import dev.booster.vpp.binapi.Ip6Address;
import dev.booster.vpp.binapi.IpNeighbor;
import dev.booster.vpp.binapi.IpNeighborAddDel;
import dev.booster.vpp.binapi.IpNeighborFlags;
import dev.booster.vpp.binapi.IpRoute;
import dev.booster.vpp.binapi.IpRouteAddDel;
import dev.booster.vpp.binapi.MacAddress;
import dev.booster.vpp.binapi.Prefix;
import dev.booster.vpp.binapi.SwInterfaceSetFlags;

import java.util.List;

/**
 * The messages the tests expect, spelled field by field from VPP's .api (not through the backend's helpers), so a
 * test fails when the backend sends another value for any field.
 */
final class VppWire {

    static final long NONE = 0xffff_ffffL;
    static final MacAddress GATEWAY_MAC = mac("ee:ee:ee:ee:ee:ee");

    private VppWire() {
    }

    static MacAddress mac(String text) {
        return new MacAddress(ByteArray.copyOf(dev.booster.api.net.MacAddress.parse(text).toBytes()));
    }

    static Address address(String text) {
        IpAddress ip = IpAddress.parse(text);
        byte[] raw = ip.toBytes();
        if (ip.family() == IpFamily.IPV4) {
            return new Address(AddressFamily.ADDRESS_IP4, AddressUnion.ofIp4(new Ip4Address(ByteArray.copyOf(raw))));
        }
        return new Address(AddressFamily.ADDRESS_IP6, AddressUnion.ofIp6(new Ip6Address(ByteArray.copyOf(raw))));
    }

    static Prefix prefix(String text) {
        IpPrefix p = IpPrefix.parse(text);
        return new Prefix(address(p.address().toString()), p.length());
    }

    static SwInterfaceSetFlags up(long swIfIndex) {
        return new SwInterfaceSetFlags(swIfIndex, new IfStatusFlags(1));
    }

    static IpNeighborAddDel neighbor(boolean add, long swIfIndex, String ip, String mac) {
        return new IpNeighborAddDel(add, new IpNeighbor(swIfIndex, new IpNeighborFlags(1), mac(mac), address(ip)));
    }

    /** A /32 or /128 route to {@code ip} out of {@code swIfIndex} with {@code ip} as its next hop. */
    static IpRouteAddDel hostRoute(boolean add, long swIfIndex, String ip) {
        Address nextHop = address(ip);
        boolean v4 = nextHop.af().equals(AddressFamily.ADDRESS_IP4);
        FibPath path = new FibPath(swIfIndex, 0, 0, 1, 0, new FibPathType(0), new FibPathFlags(0),
                new FibPathNhProto(v4 ? 0 : 1), new FibPathNh(new AddressUnion(nextHop.un().bytes()), 0, 0, NONE),
                0, FibPath.builder().build().labelStack());
        return new IpRouteAddDel(add, false, new IpRoute(0, 0, prefix(ip + (v4 ? "/32" : "/128")), List.of(path)));
    }
}
