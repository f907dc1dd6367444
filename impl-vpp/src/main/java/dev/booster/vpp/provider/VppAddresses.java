package dev.booster.vpp.provider;

import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpPrefix;
import dev.booster.vpp.api.codec.ByteArray;
import dev.booster.vpp.binapi.Address;
import dev.booster.vpp.binapi.AddressFamily;
import dev.booster.vpp.binapi.AddressUnion;
import dev.booster.vpp.binapi.Ip4Address;
import dev.booster.vpp.binapi.Ip6Address;
import dev.booster.vpp.binapi.MacAddress;
import dev.booster.vpp.binapi.Prefix;

/** Booster's address types ({@code dev.booster.api.net}) to VPP's ({@code vl_api_address_t}...) and back. */
public final class VppAddresses {

    private VppAddresses() {
    }

    public static Address address(IpAddress address) {
        return switch (address) {
            case dev.booster.api.net.Ip4Address ip4 -> new Address(AddressFamily.ADDRESS_IP4,
                    AddressUnion.ofIp4(new Ip4Address(ByteArray.copyOf(ip4.toBytes()))));
            case dev.booster.api.net.Ip6Address ip6 -> new Address(AddressFamily.ADDRESS_IP6,
                    AddressUnion.ofIp6(new Ip6Address(ByteArray.copyOf(ip6.toBytes()))));
        };
    }

    public static IpAddress ipAddress(Address address) {
        if (address.af().equals(AddressFamily.ADDRESS_IP4)) {
            return dev.booster.api.net.Ip4Address.ofBytes(address.un().ip4().value().toArray());
        }
        if (address.af().equals(AddressFamily.ADDRESS_IP6)) {
            return dev.booster.api.net.Ip6Address.ofBytes(address.un().ip6().value().toArray());
        }
        throw new IllegalArgumentException("VPP address of unknown family " + address.af());
    }

    /** An interface address keeps its host bits: VPP's prefix is then the address and its subnet's length. */
    public static Prefix prefix(InterfaceAddress address) {
        return new Prefix(address(address.address()), address.prefixLength());
    }

    public static Prefix prefix(IpPrefix prefix) {
        return new Prefix(address(prefix.address()), prefix.length());
    }

    public static IpPrefix ipPrefix(Prefix prefix) {
        return IpPrefix.containing(ipAddress(prefix.address()), prefix.len());
    }

    public static MacAddress mac(dev.booster.api.net.MacAddress mac) {
        return new MacAddress(ByteArray.copyOf(mac.toBytes()));
    }

    public static dev.booster.api.net.MacAddress mac(MacAddress mac) {
        return dev.booster.api.net.MacAddress.ofBytes(mac.value().toArray());
    }
}
