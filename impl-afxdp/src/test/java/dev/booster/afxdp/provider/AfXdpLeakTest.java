package dev.booster.afxdp.provider;

import dev.booster.afxdp.testing.Privileged;
import dev.booster.afxdp.testing.ProcessResources;
import dev.booster.afxdp.testing.TestNamespaces;
import dev.booster.afxdp.xsk.FramePool;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.host.link.IpLinkManager;
import dev.booster.host.link.Namespace;
import dev.booster.host.pod.HostVethNames;
import dev.booster.spi.Dataplanes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Attaching and detaching a pod over and over, while another pod floods it with pings (so the worker is inside the
 * detached pod's port when it goes), leaves nothing behind: no veth, no descriptor, no XDP program; and the
 * dataplane still forwards afterwards.
 */
@Tag("privileged")
class AfXdpLeakTest {
    private static final int CYCLES = Integer.getInteger("booster.afxdp.attachCycles", 30);
    private static final int WARMUP_CYCLES = 3;

    private final IpLinkManager links = new IpLinkManager();
    private TestNamespaces namespaces;
    private Dataplane dp;
    private String uidA;
    private String uidB;

    @BeforeEach
    void setUp() {
        Privileged.assumeAfXdp();
        namespaces = new TestNamespaces("leak");
        long pid = ProcessHandle.current().pid();
        uidA = "leak-" + pid + "-a";
        uidB = "leak-" + pid + "-b";
        dp = Dataplanes.open(DataplaneConfig.builder().provider(AfXdpProvider.NAME).build());
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

    private static PodSpec pod(String uid, String netns, String ip4, String ip6) {
        return PodSpec.builder("leak", uid).uid(uid).netns(TestNamespaces.path(netns))
                .addInterface(Veth.of("eth0", InterfaceAddress.parse(ip4 + "/32"), InterfaceAddress.parse(ip6 + "/128"))).build();
    }

    @Test
    void hundredsOfAttachDetachCyclesUnderTrafficLeakNothing() throws InterruptedException {
        String nsA = namespaces.add("a");
        String nsB = namespaces.add("b");
        PodSpec a = pod(uidA, nsA, "10.78.0.1", "fd78::1");
        dp.pods().attach(pod(uidB, nsB, "10.78.0.2", "fd78::2"));
        TestNamespaces.Background flood = namespaces.start(nsB, "ping", "-q", "-i", "0.002", "-W", "1", "10.78.0.1");

        for (int i = 0; i < WARMUP_CYCLES; i++) dp.pods().attach(a).detach();
        Map<String, Integer> fdsBefore = ProcessResources.openDescriptorKinds();
        long programsBefore = ProcessResources.bpfProgramsHeldByThisProcess();
        System.gc(); // RSS without the garbage of the warm-up: a heap that grows would look like a leak
        long rssBefore = ProcessResources.residentKiB();
        long started = System.nanoTime();

        List<Long> rssMiB = new ArrayList<>(); // after a GC, every tenth of the cycles: a leak grows linearly, warm-up levels off
        long rssHalfway = rssBefore;
        for (int i = 0; i < CYCLES; i++) {
            PodAttachment attached = dp.pods().attach(a);
            if (i % 10 == 0) Thread.sleep(20); // let the flood reach the port now and then
            attached.detach();
            if ((i + 1) % Math.max(1, CYCLES / 10) == 0) {
                System.gc();
                long rss = ProcessResources.residentKiB();
                rssMiB.add(rss / 1024);
                if (i + 1 <= CYCLES / 2) rssHalfway = rss;
            }
        }

        long seconds = (System.nanoTime() - started) / 1_000_000_000L;
        String hostA = HostVethNames.of(uidA, "eth0");
        long bstVethsLeft = links.linkNames(Namespace.host()).stream().filter(n -> n.equals(hostA)).count();
        Map<String, Integer> fdsAfterCycles = ProcessResources.openDescriptorKinds();
        System.gc();
        long rssAfter = ProcessResources.residentKiB();
        long heapCommitted = Runtime.getRuntime().totalMemory() >> 20;
        System.out.printf("afxdp leak test: %d attach/detach cycles under a ping flood in %d s: descriptors %s -> %s, "
                        + "BPF programs and links held %d -> %d, A's host veth left %d, RSS %d MiB -> %s MiB (heap committed %d MiB)%n",
                CYCLES, seconds, fdsBefore, fdsAfterCycles, programsBefore, ProcessResources.bpfProgramsHeldByThisProcess(),
                bstVethsLeft, rssBefore / 1024, rssMiB, heapCommitted);
        assertEquals(0, bstVethsLeft, "A's host veth is gone");
        // malloc arenas and JIT code grow for the first few hundred cycles, then level off; a leak per cycle keeps
        // growing in the second half too (a UMEM or a registration's memory would be 4 MiB and more per cycle).
        assertTrue(rssAfter - rssHalfway < 32 * 1024, "RSS grew by " + (rssAfter - rssHalfway) / 1024
                + " MiB over the second half of the cycles: " + rssBefore / 1024 + " -> " + rssMiB + " MiB");
        assertEquals(List.of("lo"), links.linkNames(Namespace.named(nsA)), "A's namespace is as it was");
        Map<String, Integer> fdsAfter = ProcessResources.openDescriptorKinds();
        assertEquals(fdsBefore.getOrDefault("socket", 0), fdsAfter.getOrDefault("socket", 0), "sockets: " + fdsAfter);
        assertEquals(fdsBefore.getOrDefault("bpf", 0), fdsAfter.getOrDefault("bpf", 0), "BPF objects: " + fdsAfter);
        // A leak per cycle would show as a hundred; a jar the JVM opens lazily meanwhile as one or two.
        assertTrue(ProcessResources.total(fdsAfter) - ProcessResources.total(fdsBefore) < 5, fdsBefore + " -> " + fdsAfter);
        assertEquals(programsBefore, ProcessResources.bpfProgramsHeldByThisProcess(), "BPF programs this JVM holds");

        FramePool frames = ((AfXdpDataplane) dp).umem().frames();
        assertEquals(0, frames.rejectedReleases(), "no frame was moved from where it was not: " + frames);

        flood.stop();
        PodAttachment again = dp.pods().attach(a);
        assertEquals(0, namespaces.exec(nsB, "ping", "-c", "1", "-W", "2", "10.78.0.1").exitCode(), "A answers again");

        again.detach();
        dp.pods().detach(uidB);
        assertEquals(frames.capacity(), frames.available() + frames.stashed(), "with no pod left, every frame of the worker's UMEM is free: " + frames);
        assertEquals(0, frames.returnsPending());
        assertEquals(0, frames.rejectedReleases());
    }
}
