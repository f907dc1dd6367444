import dev.booster.afxdp.port.XskPort;
import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.api.stats.DropCounter;
import dev.booster.api.stats.InterfaceCounters;
import dev.booster.engine.dataplane.EngineDataplane;
import dev.booster.spi.Dataplanes;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Benchmark helper for afxdp-vs-testpmd.sh: opens provider afxdp (one engine worker) with the given options, attaches
 * pod A and pod B into the named network namespaces, prints "ready" and forwards until SIGTERM, when it prints the
 * kernel's counters of both AF_XDP sockets ("xsk ..."), the worker thread's CPU time and how much of it was spent in
 * the kernel ("worker ..."), the engine's counters ("counters ...", "drops ..."), detaches both and exits.
 * Run with the cli's class path:
 * java -cp 'cli/target/booster-cli-*.jar:cli/target/lib/*' bench/AfXdpPods.java NS_A NS_B [afxdp.KEY=VALUE ...]
 */
public class AfXdpPods {
    public static void main(String[] args) throws InterruptedException {
        if (args.length < 2) throw new IllegalArgumentException("usage: AfXdpPods NETNS_A NETNS_B [afxdp.KEY=VALUE ...]");
        DataplaneConfig.Builder config = DataplaneConfig.builder().provider("afxdp");
        for (int i = 2; i < args.length; i++) {
            String[] option = args[i].split("=", 2);
            if (option.length != 2) throw new IllegalArgumentException("option " + args[i] + " is not KEY=VALUE");
            config.option(option[0], option[1]);
        }
        Dataplane dp = Dataplanes.open(config.build());
        CountDownLatch closed = new CountDownLatch(1);
        PodAttachment[] pods = new PodAttachment[2];
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            for (PodAttachment pod : pods) {
                if (pod != null && EngineDataplane.portOf(pod, 0).port() instanceof XskPort port) {
                    System.out.println("xsk " + port.interfaceName() + " " + port.statistics() + " txWakeups " + port.socket().txWakeups()
                            + " txBudget " + port.socket().txBudget());
                }
            }
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            for (Thread t : Thread.getAllStackTraces().keySet()) {
                if (!t.getName().startsWith("booster-worker")) continue;
                long cpu = threads.getThreadCpuTime(t.threadId());
                long user = threads.getThreadUserTime(t.threadId());
                System.out.printf("worker %s cpu %.1f s, of which in the kernel %.1f s (%.0f %%)%n", t.getName(), cpu / 1e9,
                        (cpu - user) / 1e9, cpu > 0 ? 100.0 * (cpu - user) / cpu : 0.0);
            }
            for (InterfaceCounters c : dp.stats().interfaces()) {
                System.out.println("counters " + c.name() + " rx " + c.rxPackets() + " tx " + c.txPackets() + " drops " + c.drops());
            }
            for (DropCounter d : dp.stats().drops()) System.out.println("drops " + d.reason() + " " + d.packets());
            dp.close();
            closed.countDown();
        }));
        PodAttachment a = dp.pods().attach(pod(args[0], "a", "10.99.0.1", "fd99::1"));
        PodAttachment b = dp.pods().attach(pod(args[1], "b", "10.99.0.2", "fd99::2"));
        pods[0] = a;
        pods[1] = b;
        System.out.println("host ends " + a.interfaces().getFirst().hostName() + " " + b.interfaces().getFirst().hostName());
        System.out.println("ready");
        closed.await();
    }

    private static PodSpec pod(String netns, String name, String ip4, String ip6) {
        return PodSpec.builder("bench", name).uid(netns).netns(Path.of("/var/run/netns", netns))
                .addInterface(Veth.of("eth0", InterfaceAddress.parse(ip4 + "/32"), InterfaceAddress.parse(ip6 + "/128"))).build();
    }
}
