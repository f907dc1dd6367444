package dev.booster.afxdp.provider;

import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code afxdp.uplink*} options: which host interface is the uplink, which destinations belong to Booster there,
 * and where Booster sends what leaves through it.
 *
 * @param interfaceName {@code afxdp.uplink}: the host interface (in the dataplane's namespace)
 * @param podCidrs      {@code afxdp.uplink.podCidrs}: destinations redirected into Booster (the rest goes to the kernel);
 *                      more can be added at run time ({@link AfXdpUplink#addPodCidr})
 * @param routes        {@code afxdp.uplink.routes}: prefixes the engine routes out of the uplink (default
 *                      {@code 0.0.0.0/0,::/0})
 * @param gatewayMac    {@code afxdp.uplink.gatewayMac}: the next hop's MAC for those routes; when not given, the MAC of
 *                      the uplink's default gateway in the kernel's neighbour table, read at open ({@link UplinkGateway})
 */
record UplinkOptions(String interfaceName, List<IpPrefix> podCidrs, List<IpPrefix> routes, Optional<MacAddress> gatewayMac) {
    static final String UPLINK = "afxdp.uplink";
    static final String POD_CIDRS = "afxdp.uplink.podCidrs";
    static final String ROUTES = "afxdp.uplink.routes";
    static final String GATEWAY_MAC = "afxdp.uplink.gatewayMac";
    static final List<String> KEYS = List.of(UPLINK, POD_CIDRS, ROUTES, GATEWAY_MAC);
    static final List<IpPrefix> DEFAULT_ROUTES = List.of(IpPrefix.parse("0.0.0.0/0"), IpPrefix.parse("::/0"));

    UplinkOptions {
        podCidrs = List.copyOf(podCidrs);
        routes = List.copyOf(routes);
    }

    /** Empty when {@code afxdp.uplink} is not set (then the other uplink keys are refused). */
    static Optional<UplinkOptions> from(DataplaneConfig config) {
        Optional<String> name = config.option(UPLINK).map(String::strip);
        if (name.isEmpty()) {
            for (String key : KEYS) {
                if (config.option(key).isPresent()) {
                    throw new InvalidSpecException("options." + key, "needs " + UPLINK + " (the uplink's interface name) as well");
                }
            }
            return Optional.empty();
        }
        if (name.get().isEmpty() || name.get().length() > 15 || name.get().contains("/") || name.get().contains(" ")) {
            throw new InvalidSpecException("options." + UPLINK, "\"" + name.get() + "\" is not an interface name (1..15 characters, no '/' or blanks)");
        }
        List<IpPrefix> podCidrs = config.option(POD_CIDRS).map(v -> prefixes(POD_CIDRS, v)).orElse(List.of());
        List<IpPrefix> routes = config.option(ROUTES).map(v -> prefixes(ROUTES, v)).orElse(DEFAULT_ROUTES);
        Optional<MacAddress> gatewayMac = config.option(GATEWAY_MAC).map(UplinkOptions::mac);
        return Optional.of(new UplinkOptions(name.get(), podCidrs, routes, gatewayMac));
    }

    private static List<IpPrefix> prefixes(String key, String value) {
        List<IpPrefix> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (part.isBlank()) continue;
            try {
                out.add(IpPrefix.parse(part.strip()));
            } catch (IllegalArgumentException e) {
                throw new InvalidSpecException("options." + key, "\"" + part.strip() + "\": " + e.getMessage() + "; use comma-separated CIDRs such as 10.0.0.0/16,fd00::/64");
            }
        }
        return out;
    }

    private static MacAddress mac(String value) {
        try {
            MacAddress mac = MacAddress.parse(value.strip());
            if (mac.isMulticast()) throw new IllegalArgumentException("it is a multicast MAC");
            return mac;
        } catch (IllegalArgumentException e) {
            throw new InvalidSpecException("options." + GATEWAY_MAC, "\"" + value + "\": " + e.getMessage() + "; use a unicast MAC such as 02:00:00:00:00:01");
        }
    }
}
