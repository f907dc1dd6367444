package dev.booster.afxdp.provider;

import dev.booster.afxdp.testing.Privileged;
import dev.booster.afxdp.testing.TestNamespaces;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.host.link.CommandResult;
import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.host.pod.HostVethNames;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * What the worker thread costs: CPU while two pods are idle (measured and printed for both idle modes; the poll mode
 * is held to a generous bound that only a worker that never sleeps would break), and heap allocation while packets
 * flow (none per packet).
 */
@Tag("privileged")
class AfXdpWorkerCostTest {
    private static final String WORKER = "booster-worker-0";

    private final List<String> uids = new ArrayList<>();
    private TestNamespaces namespaces;
    private Dataplane dp;
    private String nsA;
    private String nsB;

    @BeforeEach
    void setUp() {
        Privileged.assumeAfXdp();
        namespaces = new TestNamespaces("cost");
        nsA = namespaces.add("a");
        nsB = namespaces.add("b");
    }

    @AfterEach
    void tearDown() {
        try {
            if (dp != null) dp.close();
        } finally {
            for (String uid : uids) new IpLinkManager().deleteLink(Namespace.host(), HostVethNames.of(uid, "eth0"));
            namespaces.close();
        }
    }

    private void openWithTwoPods(String idleMode) {
        dp = Dataplanes.open(DataplaneConfig.builder().provider(AfXdpProvider.NAME).option("afxdp.idle", idleMode).build());
        dp.pods().attach(pod(nsA, "a", "10.80.0.1"));
        dp.pods().attach(pod(nsB, "b", "10.80.0.2"));
    }

    private PodSpec pod(String netns, String name, String ip) {
        String uid = "cost-" + ProcessHandle.current().pid() + "-" + name + "-" + uids.size();
        uids.add(uid);
        return PodSpec.builder("cost", name).uid(uid).netns(TestNamespaces.path(netns))
                .addInterface(Veth.of("eth0", InterfaceAddress.parse(ip + "/32"))).build();
    }

    private static long workerThreadId() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(WORKER) && t.isAlive())
                .mapToLong(Thread::threadId).findFirst().orElseThrow(() -> new AssertionError("no " + WORKER + " thread"));
    }

    /** Share of one core the worker used over {@code millis} (thread CPU time: user + system, as /proc/.../stat counts). */
    private static double idleCpuShare(long millis) throws InterruptedException {
        var threads = ManagementFactory.getThreadMXBean();
        long tid = workerThreadId();
        long cpuBefore = threads.getThreadCpuTime(tid);
        long start = System.nanoTime();
        Thread.sleep(millis);
        long cpu = threads.getThreadCpuTime(tid) - cpuBefore;
        return (double) cpu / (System.nanoTime() - start);
    }

    private void pingOnce() {
        CommandResult r = namespaces.exec(nsA, "ping", "-c", "2", "-i", "0.2", "-W", "2", "10.80.0.2");
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    }

    @Test
    void idleCpuOfTwoPodsSleepingInPollAndSpinning() throws InterruptedException {
        openWithTwoPods("poll");
        pingOnce();
        Thread.sleep(100); // past the spin and park phases
        double poll = idleCpuShare(5_000);
        String firstPingAfterSleep = namespaces.exec(nsA, "ping", "-c", "1", "-W", "2", "10.80.0.2").stdout();
        dp.close();
        dp = null;

        openWithTwoPods("spin");
        pingOnce();
        double spin = idleCpuShare(2_000);

        System.out.printf("afxdp idle worker CPU with 2 pods: poll %.3f%% of a core (5 s), spin-then-park-50us %.1f%% (2 s)%n",
                poll * 100, spin * 100);
        System.out.println("afxdp first ping after the worker slept: " + firstPingAfterSleep.lines()
                .filter(l -> l.contains("time=")).findFirst().orElse("(no reply line)"));
        assertTrue(poll < 0.02, "an idle worker sleeping in poll(2) uses under 2% of a core, not " + poll * 100 + "%");
        assertTrue(firstPingAfterSleep.contains("1 received"), "a frame wakes the sleeping worker: " + firstPingAfterSleep);
    }

    @Test
    void forwardingAllocatesNothingPerPacket() {
        openWithTwoPods("poll");
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long tid = workerThreadId();
        flood(20_000); // warm-up: C2 compiles the packet path (before that, code that relies on escape analysis allocates)
        // On a loaded machine C2 may not be done after the warm-up: measure windows until one runs compiled, and fail
        // only if none does. One small object per packet would be 64 KB and more in every window.
        long allocated = Long.MAX_VALUE;
        List<Long> windows = new ArrayList<>();
        for (int window = 0; window < 5 && allocated >= 16 * 1024; window++) {
            long before = threads.getThreadAllocatedBytes(tid);
            flood(2_000);
            allocated = threads.getThreadAllocatedBytes(tid) - before;
            windows.add(allocated);
        }
        System.out.println("afxdp worker allocated " + allocated + " bytes while forwarding 4000 packets (windows: " + windows + ")");
        assertTrue(allocated < 16 * 1024, "the worker allocated " + windows + " bytes per 4000 packets");
    }

    private void flood(int count) {
        CommandResult r = namespaces.exec(nsA, "ping", "-f", "-q", "-c", Integer.toString(count), "-W", "1", "10.80.0.2");
        assertEquals(0, r.exitCode(), r.stdout() + r.stderr());
    }
}
