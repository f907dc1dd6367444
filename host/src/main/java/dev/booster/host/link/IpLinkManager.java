package dev.booster.host.link;

import dev.booster.api.InvalidSpecException;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.net.IpAddress;
import dev.booster.api.net.IpFamily;
import dev.booster.api.net.MacAddress;
import dev.booster.api.net.Route;
import dev.booster.api.pod.InterfaceNames;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@link LinkManager} that runs iproute2's {@code ip} (argv, no shell), one command per call, each with a timeout.
 * A stopgap until a netlink implementation replaces it; the interface is what callers should depend on.
 */
public final class IpLinkManager implements LinkManager {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final int MIN_MTU = 68;
    public static final int MAX_MTU = 65535;

    private static final Pattern IFINDEX = Pattern.compile("\"ifindex\":(\\d+)");
    private static final Pattern IFNAME = Pattern.compile("\"ifname\":\"([^\"]+)\"");
    private static final Pattern MTU = Pattern.compile("\"mtu\":(\\d+)");
    private static final Pattern FLAGS = Pattern.compile("\"flags\":\\[([^\\]]*)\\]");
    private static final Pattern ADDRESS = Pattern.compile("\"address\":\"([0-9a-fA-F:]{17})\"");
    private static final Pattern XDP_PROGRAM = Pattern.compile("\"xdp\":\\{.*?\"id\":(\\d+)");
    private static final Pattern RX = Pattern.compile("\"rx\":\\{\"bytes\":(\\d+),\"packets\":(\\d+)");
    private static final Pattern TX = Pattern.compile("\"tx\":\\{\"bytes\":(\\d+),\"packets\":(\\d+)");
    private static final Pattern VIA = Pattern.compile("^default via (\\S+)", Pattern.MULTILINE);
    private static final Pattern LLADDR = Pattern.compile("lladdr ([0-9a-fA-F:]{17})(.*)$", Pattern.MULTILINE);

    /** util-linux's nsenter enters a namespace given by path; {@code ip -n} takes only names under /run/netns. */
    static final String NSENTER = "nsenter";

    private final CommandRunner runner;
    private final Duration timeout;
    private final String ip;

    /** Runs {@code ip} from the PATH as child processes, 10 s per command. */
    public IpLinkManager() {
        this(CommandRunner.processes(), DEFAULT_TIMEOUT, "ip");
    }

    public IpLinkManager(CommandRunner runner, Duration timeout, String ipBinary) {
        this.runner = Objects.requireNonNull(runner, "runner");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.ip = Objects.requireNonNull(ipBinary, "ipBinary");
    }

    @Override
    public void addNamespace(String name) {
        run(List.of(ip, "netns", "add", Namespace.check(name)));
    }

    @Override
    public boolean deleteNamespace(String name) {
        Namespace.check(name);
        if (!namespaceExists(name)) return false;
        run(List.of(ip, "netns", "del", name));
        return true;
    }

    @Override
    public boolean namespaceExists(String name) {
        return namespaces().contains(Namespace.check(name));
    }

    @Override
    public List<String> namespaces() {
        String out = run(List.of(ip, "netns", "list")).stdout();
        List<String> names = new ArrayList<>();
        for (String line : out.split("\n")) {
            String trimmed = line.strip();
            if (trimmed.isEmpty()) continue;
            int space = trimmed.indexOf(' ');
            names.add(space < 0 ? trimmed : trimmed.substring(0, space));
        }
        return names;
    }

    @Override
    public void addVethPair(String name, String peerName) {
        InterfaceNames.check("name", name);
        InterfaceNames.check("peerName", peerName);
        if (name.equals(peerName)) throw new InvalidSpecException("peerName", "\"" + peerName + "\" is the same as the other end");
        run(List.of(ip, "link", "add", name, "type", "veth", "peer", "name", peerName));
    }

    @Override
    public void addPodVeth(String hostName, MacAddress hostMac, Namespace podNamespace, String podName, MacAddress podMac, int mtu) {
        InterfaceNames.check("hostName", hostName);
        InterfaceNames.check("podName", podName);
        checkUnicast("hostMac", hostMac);
        checkUnicast("podMac", podMac);
        checkMtu(mtu);
        List<String> command = new ArrayList<>(List.of(ip, "link", "add", hostName, "numtxqueues", "1", "numrxqueues", "1",
                "address", hostMac.toString(), "mtu", Integer.toString(mtu), "type", "veth",
                "peer", "name", podName, "numtxqueues", "1", "numrxqueues", "1", "address", podMac.toString(), "mtu", Integer.toString(mtu)));
        switch (podNamespace) {
            case Namespace.Host host -> {
                if (hostName.equals(podName)) throw new InvalidSpecException("podName", "\"" + podName + "\" is the same as the host end");
            }
            case Namespace.Named named -> command.addAll(List.of("netns", named.name()));
            // ip opens a netns argument containing '/' as a file.
            case Namespace.AtPath atPath -> command.addAll(List.of("netns", atPath.path().toString()));
        }
        run(command);
    }

    @Override
    public void moveToNamespace(String link, String netns) {
        InterfaceNames.check("link", link);
        Namespace.check(netns);
        run(List.of(ip, "link", "set", "dev", link, "netns", netns));
    }

    @Override
    public boolean deleteLink(Namespace ns, String link) {
        InterfaceNames.check("link", link);
        CommandResult result = runner.run(command(ns, "link", "del", "dev", link), timeout);
        // Asking first would race anyway (a namespace being torn down takes its veth ends with it, asynchronously).
        if (!result.succeeded() && isNoSuchDevice(result.stderr())) return false;
        result.orThrow();
        return true;
    }

    private static boolean isNoSuchDevice(String stderr) {
        return stderr.contains("does not exist") || stderr.contains("Cannot find device");
    }

    @Override
    public boolean linkExists(Namespace ns, String link) {
        return showLink(ns, link).isPresent();
    }

    @Override
    public Optional<LinkInfo> link(Namespace ns, String link) {
        return showLink(ns, link).map(IpLinkManager::parseLink);
    }

    private Optional<String> showLink(Namespace ns, String link) {
        InterfaceNames.check("link", link);
        CommandResult result = runner.run(command(ns, "-j", "-s", "link", "show", "dev", link), timeout);
        if (result.succeeded()) return Optional.of(result.stdout());
        if (isNoSuchDevice(result.stderr())) return Optional.empty();
        throw new CommandFailedException(result.command(), result.exitCode(), result.stderr());
    }

    @Override
    public void setMac(Namespace ns, String link, MacAddress mac) {
        InterfaceNames.check("link", link);
        checkUnicast("mac", mac);
        run(command(ns, "link", "set", "dev", link, "address", mac.toString()));
    }

    private static void checkUnicast(String field, MacAddress mac) {
        if (mac.isMulticast()) throw new InvalidSpecException(field, mac + " is a multicast address; a link needs a unicast one");
    }

    @Override
    public void setMtu(Namespace ns, String link, int mtu) {
        InterfaceNames.check("link", link);
        checkMtu(mtu);
        run(command(ns, "link", "set", "dev", link, "mtu", Integer.toString(mtu)));
    }

    private static void checkMtu(int mtu) {
        if (mtu < MIN_MTU || mtu > MAX_MTU) throw new InvalidSpecException("mtu", mtu + " is out of range; use " + MIN_MTU + ".." + MAX_MTU);
    }

    @Override
    public void setUp(Namespace ns, String link) {
        InterfaceNames.check("link", link);
        run(command(ns, "link", "set", "dev", link, "up"));
    }

    @Override
    public void setDown(Namespace ns, String link) {
        InterfaceNames.check("link", link);
        run(command(ns, "link", "set", "dev", link, "down"));
    }

    @Override
    public void addAddress(Namespace ns, String link, InterfaceAddress address, boolean duplicateAddressDetection) {
        InterfaceNames.check("link", link);
        if (duplicateAddressDetection || address.address().family() != IpFamily.IPV6) {
            run(command(ns, "address", "add", address.toString(), "dev", link));
        } else {
            run(command(ns, "address", "add", address.toString(), "dev", link, "nodad"));
        }
    }

    @Override
    public void setUpWithoutIpv6Addresses(Namespace ns, String link) {
        InterfaceNames.check("link", link);
        run(command(ns, "link", "set", "dev", link, "addrgenmode", "none", "up"));
    }

    @Override
    public void configureInterface(Namespace ns, String link, List<InterfaceAddress> addresses, List<Route> routes) {
        InterfaceNames.check("link", link);
        List<String> lines = new ArrayList<>();
        for (InterfaceAddress address : addresses) {
            boolean ipv6 = address.address().family() == IpFamily.IPV6;
            lines.add("address add " + address + " dev " + link + (ipv6 ? " nodad" : ""));
        }
        lines.add("link set dev " + link + " up");
        for (Route route : routes) lines.add(String.join(" ", routeArguments(link, route)));
        runBatch(ns, lines);
    }

    /** Runs {@code lines} with {@code ip -batch}; a failure names the line that failed and shows them all. */
    private void runBatch(Namespace ns, List<String> lines) {
        Path file;
        try {
            file = Files.createTempFile("booster-ip-", ".batch");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ip batch file", e);
        }
        try {
            Files.write(file, lines);
            List<String> command = command(ns, "-batch", file.toString());
            CommandResult result = runner.run(command, timeout);
            if (!result.succeeded()) {
                List<String> shown = new ArrayList<>(command.subList(0, command.size() - 1));
                shown.add("<" + String.join("; ", lines) + ">");
                throw new CommandFailedException(shown, result.exitCode(), result.stderr());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the ip batch file " + file, e);
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temp file left in /tmp is harmless
            }
        }
    }

    @Override
    public List<String> linkNames(Namespace ns) {
        String json = run(command(ns, "-j", "link", "show")).stdout();
        List<String> names = new ArrayList<>();
        Matcher m = IFNAME.matcher(json);
        while (m.find()) names.add(m.group(1));
        return names;
    }

    @Override
    public void addRoute(Namespace ns, String link, Route route) {
        InterfaceNames.check("link", link);
        run(command(ns, routeArguments(link, route).toArray(String[]::new)));
    }

    private static List<String> routeArguments(String link, Route route) {
        List<String> args = new ArrayList<>(List.of("route", "add", route.destination().toString()));
        route.gateway().ifPresent(gateway -> {
            args.add("via");
            args.add(gateway.toString());
        });
        args.add("dev");
        args.add(link);
        return args;
    }

    @Override
    public void addNeighbor(Namespace ns, String link, IpAddress address, MacAddress mac) {
        InterfaceNames.check("link", link);
        run(command(ns, "neigh", "replace", address.toString(), "lladdr", mac.toString(), "dev", link, "nud", "permanent"));
    }

    @Override
    public Optional<IpAddress> defaultGateway(Namespace ns, String link, IpFamily family) {
        InterfaceNames.check("link", link);
        String out = run(command(ns, family == IpFamily.IPV4 ? "-4" : "-6", "route", "show", "default", "dev", link)).stdout();
        return parseDefaultGateway(out);
    }

    /** The first {@code default via X} of {@code ip route show default dev L} output. */
    static Optional<IpAddress> parseDefaultGateway(String out) {
        Matcher m = VIA.matcher(out);
        return m.find() ? Optional.of(IpAddress.parse(m.group(1))) : Optional.empty();
    }

    @Override
    public Optional<MacAddress> neighbour(Namespace ns, String link, IpAddress address) {
        InterfaceNames.check("link", link);
        return parseNeighbour(run(command(ns, "neigh", "show", address.toString(), "dev", link)).stdout());
    }

    /** The lladdr of {@code ip neigh show A dev L} output, unless the entry is INCOMPLETE or FAILED. */
    static Optional<MacAddress> parseNeighbour(String out) {
        Matcher m = LLADDR.matcher(out);
        if (!m.find()) return Optional.empty();
        String state = m.group(2);
        if (state.contains("FAILED") || state.contains("INCOMPLETE")) return Optional.empty();
        return Optional.of(MacAddress.parse(m.group(1)));
    }

    private List<String> command(Namespace ns, String... args) {
        List<String> command = new ArrayList<>();
        switch (ns) {
            case Namespace.Host host -> command.add(ip);
            case Namespace.Named named -> command.addAll(List.of(ip, "-n", named.name()));
            case Namespace.AtPath atPath -> command.addAll(List.of(NSENTER, "--net=" + atPath.path(), ip));
        }
        command.addAll(List.of(args));
        return command;
    }

    private CommandResult run(List<String> command) {
        return runner.run(command, timeout).orThrow();
    }

    /** Reads the one link in {@code ip -j -s link show dev X} output. */
    static LinkInfo parseLink(String json) {
        Matcher flags = find(FLAGS, json);
        Matcher xdp = XDP_PROGRAM.matcher(json);
        Matcher rx = RX.matcher(json);
        Matcher tx = TX.matcher(json);
        boolean hasRx = rx.find();
        boolean hasTx = tx.find();
        return new LinkInfo(
                find(IFNAME, json).group(1),
                Integer.parseInt(find(IFINDEX, json).group(1)),
                Integer.parseInt(find(MTU, json).group(1)),
                MacAddress.parse(find(ADDRESS, json).group(1)),
                flags.group(1).contains("\"UP\""),
                xdp.find() ? Integer.parseInt(xdp.group(1)) : 0,
                hasRx ? Long.parseLong(rx.group(2)) : 0,
                hasRx ? Long.parseLong(rx.group(1)) : 0,
                hasTx ? Long.parseLong(tx.group(2)) : 0,
                hasTx ? Long.parseLong(tx.group(1)) : 0);
    }

    private static Matcher find(Pattern pattern, String json) {
        Matcher m = pattern.matcher(json);
        if (!m.find()) throw new IllegalStateException("ip -j output has no " + pattern.pattern() + ": " + json);
        return m;
    }
}
