package dev.booster.cni.testing;

import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.cni.BoosterCni;
import dev.booster.cni.CniServer;
import dev.booster.spi.Availability;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a node running Booster's CNI has, for privileged tests: a dataplane on provider {@code afxdp}, a
 * {@link CniServer} on a socket of its own, and a CNI_PATH directory holding the {@code booster-cni} launcher and
 * Debian's plugins (symlinks into {@code /usr/lib/cni}), plus a host-local data directory. Skips (saying why) unless
 * root with AF_XDP and the Debian plugins. Closing stops the server, checks no pod is left and removes the files.
 */
public final class AfXdpCniFixture implements AutoCloseable {
    public static final Path DEBIAN_PLUGINS = Path.of("/usr/lib/cni");
    public static final long PID = ProcessHandle.current().pid();

    public final Path work;
    public final Path cniPath;
    public final Path dataDir;
    public final Path socket;
    public final Dataplane dataplane;
    public final CniServer server;

    private AfXdpCniFixture() throws IOException {
        work = Files.createTempDirectory("booster-cni-test-");
        cniPath = Files.createDirectories(work.resolve("bin"));
        Files.createSymbolicLink(cniPath.resolve("booster-cni"), PluginProcess.LAUNCHER);
        for (String plugin : List.of("host-local", "tuning")) Files.createSymbolicLink(cniPath.resolve(plugin), DEBIAN_PLUGINS.resolve(plugin));
        dataDir = Files.createDirectories(work.resolve("ipam"));
        socket = work.resolve("cni.sock");
        dataplane = Dataplanes.open(DataplaneConfig.builder().provider("afxdp").nodeName("cni-test").build());
        server = CniServer.start(socket, BoosterCni.builder(dataplane).build()::handle);
    }

    public static AfXdpCniFixture start() {
        if (!Netns.isRoot()) skip("not root: real namespaces and AF_XDP need root");
        for (String plugin : List.of("host-local", "tuning")) {
            if (!Files.isExecutable(DEBIAN_PLUGINS.resolve(plugin))) skip(DEBIAN_PLUGINS.resolve(plugin) + " is missing (apt-get install containernetworking-plugins)");
        }
        Availability afxdp = Dataplanes.provider("afxdp").map(Dataplanes::probe).orElse(Availability.unavailable("provider afxdp is not on the class path"));
        if (!afxdp.isAvailable()) skip("provider afxdp: " + afxdp);
        try {
            return new AfXdpCniFixture();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static void skip(String reason) {
        System.out.println("SKIPPED privileged test: " + reason);
        Assumptions.abort(reason);
    }

    /** A Booster plugin entry for a conflist: host-local over {@code subnet}, a default route. */
    public String boosterPlugin(String subnet) {
        return "{\"type\":\"booster-cni\",\"mtu\":1500,\"ipam\":{\"type\":\"host-local\",\"dataDir\":\"" + dataDir
                + "\",\"ranges\":[[{\"subnet\":\"" + subnet + "\"}]],\"routes\":[{\"dst\":\"0.0.0.0/0\"}]}}";
    }

    /** The addresses host-local holds for {@code network}. */
    public List<String> allocations(String network) throws IOException {
        Path dir = dataDir.resolve(network);
        if (!Files.isDirectory(dir)) return List.of();
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).filter(n -> n.matches("[0-9.]+")).sorted().toList();
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        List<String> left = dataplane.pods().list().stream().map(p -> p.spec().uid()).toList();
        dataplane.close();
        try (Stream<Path> files = Files.walk(work)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        if (!left.isEmpty()) throw new AssertionError("pods left attached: " + left);
    }
}
