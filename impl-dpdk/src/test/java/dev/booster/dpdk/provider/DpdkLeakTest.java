package dev.booster.dpdk.provider;

import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.host.pod.HostVethNames;
import dev.booster.afxdp.testing.ProcessResources;
import dev.booster.afxdp.testing.TestNamespaces;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.dpdk.eal.Eal;
import dev.booster.dpdk.testing.DpdkAvailable;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Pods attached and detached over and over while another pod floods them with pings (so the worker is inside the
 * detached pod's port when it goes), and whole dataplanes opened and closed over and over in one JVM (one EAL):
 * nothing is left behind (no veth, DPDK port, EAL heap memory, mbuf, descriptor or thread), DPDK logs no error, and
 * the dataplane still forwards afterwards.
 *
 * <p>CI runs 30 attach cycles and 5 open cycles; {@code -Dbooster.dpdk.attachCycles=200 -Dbooster.dpdk.openCycles=20}
 * runs the full counts.
 */
@Tag("privileged")
class DpdkLeakTest {
    private static final int ATTACH_CYCLES = Integer.getInteger("booster.dpdk.attachCycles", 30);
    private static final int OPEN_CYCLES = Integer.getInteger("booster.dpdk.openCycles", 5);
    private static final int WARMUP_CYCLES = 2;

    private final IpLinkManager links = new IpLinkManager();
    private TestNamespaces namespaces;
    private DpdkDataplane dp;
    private String uidA;
    private String uidB;

    @BeforeEach
    void setUp() {
        DpdkAvailable.assumePrivileged();
        namespaces = new TestNamespaces("dleak");
        long pid = ProcessHandle.current().pid();
        uidA = "dleak-" + pid + "-a";
        uidB = "dleak-" + pid + "-b";
    }

    @AfterEach
    void tearDown() {
        try {
            if (dp != null) dp.close();
        } finally {
            links.deleteLink(Namespace.host(), HostVethNames.of(uidA, "eth0"));
            links.deleteLink(Namespace.host(), HostVethNames.of(uidB, "eth0"));
            if (namespaces != null) namespaces.close();
        }
    }

    private static DpdkDataplane open() {
        return (DpdkDataplane) Dataplanes.open(DataplaneConfig.builder().provider(DpdkProvider.NAME).build());
    }

    private static PodSpec pod(String uid, String netns, String ip4, String ip6) {
        return PodSpec.builder("leak", uid).uid(uid).netns(TestNamespaces.path(netns))
                .addInterface(Veth.of("eth0", InterfaceAddress.parse(ip4 + "/32"), InterfaceAddress.parse(ip6 + "/128"))).build();
    }

    @Test
    void hundredsOfAttachDetachCyclesUnderTrafficLeakNothing() throws InterruptedException {
        dp = open();
        Eal eal = dp.eal();
        String nsA = namespaces.add("a");
        String nsB = namespaces.add("b");
        PodSpec a = pod(uidA, nsA, "10.80.0.1", "fd80::1");
        dp.pods().attach(pod(uidB, nsB, "10.80.0.2", "fd80::2"));
        TestNamespaces.Background flood = namespaces.start(nsB, "ping", "-q", "-i", "0.002", "-W", "1", "10.80.0.1");

        for (int i = 0; i < WARMUP_CYCLES; i++) dp.pods().attach(a).detach();
        Snapshot before = Snapshot.take(eal);

        for (int i = 0; i < ATTACH_CYCLES; i++) {
            PodAttachment attached = dp.pods().attach(a);
            if (i % 10 == 0) Thread.sleep(20); // let the flood reach the port now and then
            attached.detach();
        }

        assertFalse(links.linkNames(Namespace.host()).contains(HostVethNames.of(uidA, "eth0")), "A's host veth is gone");
        assertEquals(List.of("lo"), links.linkNames(Namespace.named(nsA)), "A's namespace is as it was");
        before.assertNothingLeaked(eal, ATTACH_CYCLES + " attach/detach cycles");

        flood.stop();
        awaitNoMbufsInUse();
        dp.pods().attach(a);
        assertEquals(0, namespaces.exec(nsB, "ping", "-c", "1", "-W", "2", "10.80.0.1").exitCode(), "A answers again");
    }

    private void awaitNoMbufsInUse() throws InterruptedException {
        long deadline = System.nanoTime() + 2_000_000_000L;
        while (dp.pool().inUse() != 0 && System.nanoTime() < deadline) Thread.sleep(20);
        assertEquals(0, dp.pool().inUse(), "mbufs held with no traffic");
    }

    @Test
    void dataplanesOpenAndCloseManyTimesInOneJvm() {
        String nsA = namespaces.add("a");
        String nsB = namespaces.add("b");
        cycle(nsA, nsB); // warm-up: the JVM's EAL, lazily loaded classes, the PMDs' first allocations
        Eal eal = Eal.current().orElseThrow();
        Snapshot before = Snapshot.take(eal);
        for (int i = 0; i < OPEN_CYCLES; i++) cycle(nsA, nsB);
        before.assertNothingLeaked(eal, OPEN_CYCLES + " open/close cycles");
    }

    /** Opens a dataplane, attaches two pods, pings once, closes. */
    private void cycle(String nsA, String nsB) {
        dp = open();
        dp.pods().attach(pod(uidA, nsA, "10.80.0.1", "fd80::1"));
        dp.pods().attach(pod(uidB, nsB, "10.80.0.2", "fd80::2"));
        assertEquals(0, namespaces.exec(nsB, "ping", "-c", "1", "-W", "2", "10.80.0.1").exitCode(), "the new dataplane forwards");
        DpdkDataplane closing = dp;
        dp = null;
        closing.close();
        assertEquals(0, closing.pool().outstandingAtClose(), "every mbuf was back when the pool was freed");
    }

    /** What the process holds that a leak would grow. */
    private record Snapshot(long heapBytes, int ports, Map<String, Integer> descriptors, long threads, int logLines) {
        static Snapshot take(Eal eal) {
            return new Snapshot(eal.heapAllocatedBytes(), eal.locked(() -> eal.ethdev().countAvailable()),
                    ProcessResources.openDescriptorKinds(), nativeThreads(), eal.logLines().size());
        }

        void assertNothingLeaked(Eal eal, String after) {
            Snapshot now = take(eal);
            assertEquals(ports, now.ports, "DPDK ports after " + after);
            assertEquals(heapBytes, now.heapBytes, "EAL heap bytes in use after " + after);
            assertEquals(descriptors.getOrDefault("socket", 0), now.descriptors.getOrDefault("socket", 0), "sockets: " + now.descriptors);
            // A leak per cycle would show as dozens; a jar the JVM opens lazily meanwhile as one or two.
            assertTrue(ProcessResources.total(now.descriptors) - ProcessResources.total(descriptors) < 5, descriptors + " -> " + now.descriptors);
            assertTrue(now.threads - threads < 3, "threads: " + threads + " -> " + now.threads);
            List<String> logged = eal.logLines().subList(logLines, now.logLines);
            List<String> errors = logged.stream().filter(l -> l.toLowerCase().matches(".*(error|fail|cannot|invalid).*")).toList();
            assertEquals(List.of(), errors, "DPDK logged errors during " + after);
        }

        /** Threads of the process, the JVM's and DPDK's alike (/proc/self/task). */
        private static long nativeThreads() {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                return tasks.count();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
