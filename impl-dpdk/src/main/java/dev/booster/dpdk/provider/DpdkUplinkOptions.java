package dev.booster.dpdk.provider;

import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.IpPrefix;
import dev.booster.api.net.MacAddress;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The {@code dpdk.uplink*} options: the device that is the uplink, where Booster sends what leaves through it, and
 * which destinations behind it belong to Booster.
 *
 * @param device     {@code dpdk.uplink}: a PCI address ({@code 0000:03:00.0}; the device must be bound to a DPDK
 *                   driver such as vfio-pci, and is added to EAL's {@code -a} list) or a virtual device's driver and
 *                   arguments ({@code net_af_packet,iface=eth1}, {@code net_af_xdp,iface=eth1}, {@code net_tap,iface=up0})
 * @param routes     {@code dpdk.uplink.routes}: prefixes the engine routes out of the uplink (default {@code 0.0.0.0/0,::/0})
 * @param gatewayMac {@code dpdk.uplink.gatewayMac}: the next hop's MAC for those routes
 * @param podCidrs   {@code dpdk.uplink.podCidrs}: the node's pod CIDRs, dropped by the engine when no pod has the
 *                   address (instead of going back out of the uplink they came from)
 */
record DpdkUplinkOptions(Device device, List<IpPrefix> routes, MacAddress gatewayMac, List<IpPrefix> podCidrs) {
    static final String UPLINK = "dpdk.uplink";
    static final String ROUTES = "dpdk.uplink.routes";
    static final String GATEWAY_MAC = "dpdk.uplink.gatewayMac";
    static final String POD_CIDRS = "dpdk.uplink.podCidrs";
    static final List<String> KEYS = List.of(UPLINK, ROUTES, GATEWAY_MAC, POD_CIDRS);
    static final List<IpPrefix> DEFAULT_ROUTES = List.of(IpPrefix.parse("0.0.0.0/0"), IpPrefix.parse("::/0"));
    static final Pattern PCI_ADDRESS = Pattern.compile("([0-9a-fA-F]{4,8}:)?[0-9a-fA-F]{2}:[0-9a-fA-F]{2}\\.[0-7]");
    private static final Pattern VDEV_DRIVER = Pattern.compile("net_[a-z0-9_]+");

    /** What the uplink is: a PCI device, or a virtual device to hot-plug. */
    sealed interface Device permits Pci, Virtual {
    }

    record Pci(String address) implements Device {
    }

    /** {@code driver} (a vdev driver name such as {@code net_af_packet}) with its {@code args}. */
    record Virtual(String driver, String args) implements Device {
    }

    DpdkUplinkOptions {
        routes = List.copyOf(routes);
        podCidrs = List.copyOf(podCidrs);
        for (IpPrefix cidr : podCidrs) {
            if (routes.contains(cidr)) {
                throw new InvalidSpecException("options." + POD_CIDRS, cidr + " is also in " + ROUTES + "; a pod CIDR must be more "
                        + "specific than the routes towards the uplink");
            }
        }
    }

    /** Empty when {@code dpdk.uplink} is not set (then the other uplink keys are refused). */
    static Optional<DpdkUplinkOptions> from(DataplaneConfig config) {
        Optional<String> value = config.option(UPLINK).map(String::strip);
        if (value.isEmpty()) {
            for (String key : KEYS) {
                if (config.option(key).isPresent()) throw new InvalidSpecException("options." + key, "needs " + UPLINK + " as well");
            }
            return Optional.empty();
        }
        Device device = device(value.get());
        List<IpPrefix> routes = config.option(ROUTES).map(v -> prefixes(ROUTES, v)).orElse(DEFAULT_ROUTES);
        List<IpPrefix> podCidrs = config.option(POD_CIDRS).map(v -> prefixes(POD_CIDRS, v)).orElse(List.of());
        MacAddress gatewayMac = config.option(GATEWAY_MAC).map(DpdkUplinkOptions::mac).orElseThrow(() -> new InvalidSpecException(
                "options." + GATEWAY_MAC, "is missing; the engine needs the next hop's MAC for the routes out of the uplink"));
        return Optional.of(new DpdkUplinkOptions(device, routes, gatewayMac, podCidrs));
    }

    private static Device device(String value) {
        if (PCI_ADDRESS.matcher(value).matches()) return new Pci(value);
        int comma = value.indexOf(',');
        String driver = comma < 0 ? value : value.substring(0, comma);
        if (!VDEV_DRIVER.matcher(driver).matches()) {
            throw new InvalidSpecException("options." + UPLINK, "\"" + value + "\" is neither a PCI address (0000:03:00.0) nor a "
                    + "virtual device such as net_af_packet,iface=eth1");
        }
        return new Virtual(driver, comma < 0 ? "" : value.substring(comma + 1));
    }

    private static List<IpPrefix> prefixes(String key, String value) {
        List<IpPrefix> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (part.isBlank()) continue;
            try {
                out.add(IpPrefix.parse(part.strip()));
            } catch (IllegalArgumentException e) {
                throw new InvalidSpecException("options." + key, "\"" + part.strip() + "\": " + e.getMessage()
                        + "; use comma-separated CIDRs such as 10.0.0.0/16,fd00::/64");
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
