package dev.booster.cni;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.net.IpPrefix;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The success result of ADD (also the {@code prevResult} of chained plugins, and, without interfaces, what an IPAM
 * plugin returns). {@link #stdout()} writes it exactly as the spec of {@link #cniVersion()} shapes it: 0.4.0 puts
 * {@code version} ("4"/"6") in each IP; 1.1.0 adds interface {@code mtu}/{@code socketPath}/{@code pciID} and route
 * {@code mtu}/{@code advmss}/{@code priority}/{@code table}/{@code scope}, which older versions leave out.
 */
public record CniResult(CniVersion cniVersion, List<Interface> interfaces, List<IpConfig> ips, List<RouteEntry> routes, Dns dns)
        implements CniResponse {

    public CniResult {
        Objects.requireNonNull(cniVersion, "cniVersion");
        interfaces = List.copyOf(interfaces);
        ips = List.copyOf(ips);
        routes = List.copyOf(routes);
        Objects.requireNonNull(dns, "dns");
    }

    /** An interface the attachment created; {@code sandbox} is the netns path, empty for a host interface. */
    public record Interface(String name, Optional<String> mac, OptionalInt mtu, Optional<String> sandbox,
                            Optional<String> socketPath, Optional<String> pciId) {
        public Interface {
            Objects.requireNonNull(name, "name");
        }

        public static Interface of(String name, String mac, String sandbox) {
            return new Interface(name, Optional.ofNullable(mac), OptionalInt.empty(), Optional.ofNullable(sandbox),
                    Optional.empty(), Optional.empty());
        }
    }

    /** An address of the attachment, the gateway of its subnet if any, and the index of its interface in {@code interfaces}. */
    public record IpConfig(InterfaceAddress address, Optional<IpAddress> gateway, OptionalInt interfaceIndex) {
        public IpConfig {
            Objects.requireNonNull(address, "address");
        }
    }

    /** A route; attributes other than destination and next hop exist from 1.1.0 on. */
    public record RouteEntry(IpPrefix dst, Optional<IpAddress> gw, OptionalInt mtu, OptionalInt advmss, OptionalInt priority,
                             OptionalInt table, OptionalInt scope) {
        public RouteEntry {
            Objects.requireNonNull(dst, "dst");
        }

        public static RouteEntry of(IpPrefix dst, IpAddress gw) {
            return new RouteEntry(dst, Optional.ofNullable(gw), OptionalInt.empty(), OptionalInt.empty(), OptionalInt.empty(),
                    OptionalInt.empty(), OptionalInt.empty());
        }
    }

    public record Dns(List<String> nameservers, Optional<String> domain, List<String> search, List<String> options) {
        public static final Dns EMPTY = new Dns(List.of(), Optional.empty(), List.of(), List.of());

        public Dns {
            nameservers = List.copyOf(nameservers);
            search = List.copyOf(search);
            options = List.copyOf(options);
        }

        public boolean isEmpty() {
            return nameservers.isEmpty() && domain.isEmpty() && search.isEmpty() && options.isEmpty();
        }

        /** These settings with each one that {@code later} has replaced by {@code later}'s. */
        public Dns overriddenBy(Dns later) {
            return new Dns(later.nameservers.isEmpty() ? nameservers : later.nameservers, later.domain.or(() -> domain),
                    later.search.isEmpty() ? search : later.search, later.options.isEmpty() ? options : later.options);
        }
    }

    /** The same result told in another version of the spec. */
    public CniResult as(CniVersion version) {
        return new CniResult(version, interfaces, ips, routes, dns);
    }

    /**
     * This result followed by {@code added}'s interfaces, addresses and routes (their interface indexes shifted past
     * this result's interfaces), with {@code added}'s DNS settings where it has them: how a chained plugin extends its
     * {@code prevResult}.
     */
    public CniResult followedBy(CniResult added) {
        List<Interface> allInterfaces = new ArrayList<>(interfaces);
        allInterfaces.addAll(added.interfaces);
        List<IpConfig> allIps = new ArrayList<>(ips);
        int shift = interfaces.size();
        for (IpConfig ip : added.ips) {
            OptionalInt index = ip.interfaceIndex().isPresent() ? OptionalInt.of(ip.interfaceIndex().getAsInt() + shift) : OptionalInt.empty();
            allIps.add(new IpConfig(ip.address(), ip.gateway(), index));
        }
        List<RouteEntry> allRoutes = new ArrayList<>(routes);
        allRoutes.addAll(added.routes);
        return new CniResult(added.cniVersion, allInterfaces, allIps, allRoutes, dns.overriddenBy(added.dns));
    }

    @Override
    public String stdout() {
        return toJson().toString();
    }

    @Override
    public int exitCode() {
        return 0;
    }

    public ObjectNode toJson() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        boolean extended = cniVersion.hasExtendedAttributes();
        ObjectNode json = f.objectNode();
        json.put("cniVersion", cniVersion.toString());
        if (!interfaces.isEmpty()) {
            ArrayNode array = json.putArray("interfaces");
            for (Interface i : interfaces) {
                ObjectNode o = array.addObject();
                o.put("name", i.name());
                i.mac().ifPresent(m -> o.put("mac", m));
                if (extended) i.mtu().ifPresent(m -> o.put("mtu", m));
                i.sandbox().filter(s -> !s.isEmpty()).ifPresent(s -> o.put("sandbox", s));
                if (extended) {
                    i.socketPath().ifPresent(s -> o.put("socketPath", s));
                    i.pciId().ifPresent(p -> o.put("pciID", p));
                }
            }
        }
        if (!ips.isEmpty()) {
            ArrayNode array = json.putArray("ips");
            for (IpConfig ip : ips) {
                ObjectNode o = array.addObject();
                if (cniVersion.ipsHaveVersion()) o.put("version", ip.address().address().family() == IpFamily.IPV4 ? "4" : "6");
                ip.interfaceIndex().ifPresent(n -> o.put("interface", n));
                o.put("address", ip.address().toString());
                ip.gateway().ifPresent(g -> o.put("gateway", g.toString()));
            }
        }
        if (!routes.isEmpty()) {
            ArrayNode array = json.putArray("routes");
            for (RouteEntry r : routes) {
                ObjectNode o = array.addObject();
                o.put("dst", r.dst().toString());
                r.gw().ifPresent(g -> o.put("gw", g.toString()));
                if (extended) {
                    r.mtu().ifPresent(v -> o.put("mtu", v));
                    r.advmss().ifPresent(v -> o.put("advmss", v));
                    r.priority().ifPresent(v -> o.put("priority", v));
                    r.table().ifPresent(v -> o.put("table", v));
                    r.scope().ifPresent(v -> o.put("scope", v));
                }
            }
        }
        ObjectNode d = json.putObject("dns");
        if (!dns.nameservers().isEmpty()) dns.nameservers().forEach(d.putArray("nameservers")::add);
        dns.domain().ifPresent(v -> d.put("domain", v));
        if (!dns.search().isEmpty()) dns.search().forEach(d.putArray("search")::add);
        if (!dns.options().isEmpty()) dns.options().forEach(d.putArray("options")::add);
        return json;
    }

    /**
     * Reads a result of any supported version ({@code version} in IPs is accepted and not needed); fields the spec
     * does not define are ignored.
     *
     * @param field where the result sits, for errors (e.g. {@code prevResult}, {@code the IPAM plugin's result})
     * @throws CniException code 6 (failed to decode) naming the field
     */
    public static CniResult parse(JsonNode json, CniVersion version, String field) {
        if (json == null || !json.isObject()) throw decodeError(field, "is not a JSON object");
        List<Interface> interfaces = new ArrayList<>();
        JsonNode ifs = json.path("interfaces");
        for (int i = 0; i < ifs.size(); i++) {
            JsonNode o = ifs.get(i);
            String at = field + ".interfaces[" + i + "]";
            interfaces.add(new Interface(requiredText(o, "name", at), optionalText(o, "mac"), optionalInt(o, "mtu", at),
                    optionalText(o, "sandbox"), optionalText(o, "socketPath"), optionalText(o, "pciID")));
        }
        List<IpConfig> ips = new ArrayList<>();
        JsonNode ipArray = json.path("ips");
        for (int i = 0; i < ipArray.size(); i++) {
            JsonNode o = ipArray.get(i);
            String at = field + ".ips[" + i + "]";
            InterfaceAddress address = parse(at + ".address", () -> InterfaceAddress.parse(requiredText(o, "address", at)));
            Optional<IpAddress> gateway = optionalText(o, "gateway").map(g -> parse(at + ".gateway", () -> IpAddress.parse(g)));
            ips.add(new IpConfig(address, gateway, optionalInt(o, "interface", at)));
        }
        List<RouteEntry> routes = new ArrayList<>();
        JsonNode routeArray = json.path("routes");
        for (int i = 0; i < routeArray.size(); i++) {
            JsonNode o = routeArray.get(i);
            String at = field + ".routes[" + i + "]";
            IpPrefix dst = parse(at + ".dst", () -> {
                InterfaceAddress a = InterfaceAddress.parse(requiredText(o, "dst", at));
                return IpPrefix.containing(a.address(), a.prefixLength());
            });
            Optional<IpAddress> gw = optionalText(o, "gw").map(g -> parse(at + ".gw", () -> IpAddress.parse(g)));
            routes.add(new RouteEntry(dst, gw, optionalInt(o, "mtu", at), optionalInt(o, "advmss", at), optionalInt(o, "priority", at),
                    optionalInt(o, "table", at), optionalInt(o, "scope", at)));
        }
        JsonNode d = json.path("dns");
        Dns dns = new Dns(texts(d.path("nameservers")), optionalText(d, "domain"), texts(d.path("search")), texts(d.path("options")));
        return new CniResult(version, interfaces, ips, routes, dns);
    }

    private static <T> T parse(String field, java.util.function.Supplier<T> parser) {
        try {
            return parser.get();
        } catch (IllegalArgumentException e) {
            throw decodeError(field, e.getMessage());
        }
    }

    private static CniException decodeError(String field, String problem) {
        return new CniException(CniError.DECODE_FAILURE, field + ": " + problem, "expected a CNI result as SPEC.md, section 5, defines it");
    }

    private static String requiredText(JsonNode o, String key, String at) {
        JsonNode v = o.get(key);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) throw decodeError(at + "." + key, "is missing or not a string");
        return v.asText();
    }

    private static Optional<String> optionalText(JsonNode o, String key) {
        JsonNode v = o.get(key);
        return v == null || !v.isTextual() || v.asText().isEmpty() ? Optional.empty() : Optional.of(v.asText());
    }

    private static OptionalInt optionalInt(JsonNode o, String key, String at) {
        JsonNode v = o.get(key);
        if (v == null || v.isNull()) return OptionalInt.empty();
        if (!v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 0) throw decodeError(at + "." + key, v + " is not an unsigned integer");
        return OptionalInt.of(v.asInt());
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : array) if (v.isTextual()) out.add(v.asText());
        return out;
    }
}
