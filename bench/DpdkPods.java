import dev.booster.api.Dataplane;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.net.InterfaceAddress;
import dev.booster.api.pod.PodAttachment;
import dev.booster.api.pod.PodSpec;
import dev.booster.api.pod.Veth;
import dev.booster.spi.Dataplanes;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * Benchmark helper for dpdk-vs-testpmd.sh: opens provider dpdk (one engine worker, net_af_packet ports on the pods'
 * host veth ends), attaches pod A and pod B into the named network namespaces, prints "ready" and forwards until
 * SIGTERM, when it detaches both and exits.
 * Run with impl-dpdk's class path: java -cp "$CP" bench/DpdkPods.java NS_A NS_B
 */
public class DpdkPods {
    public static void main(String[] args) throws InterruptedException {
        if (args.length != 2) throw new IllegalArgumentException("usage: DpdkPods NETNS_A NETNS_B");
        Dataplane dp = Dataplanes.open(DataplaneConfig.builder().provider("dpdk").build());
        CountDownLatch closed = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dp.close();
            closed.countDown();
        }));
        PodAttachment a = dp.pods().attach(pod(args[0], "a", "10.99.0.1", "fd99::1"));
        PodAttachment b = dp.pods().attach(pod(args[1], "b", "10.99.0.2", "fd99::2"));
        System.out.println("host ends " + a.interfaces().getFirst().hostName() + " " + b.interfaces().getFirst().hostName());
        System.out.println("ready");
        closed.await();
    }

    private static PodSpec pod(String netns, String name, String ip4, String ip6) {
        return PodSpec.builder("bench", name).uid(netns).netns(Path.of("/var/run/netns", netns))
                .addInterface(Veth.of("eth0", InterfaceAddress.parse(ip4 + "/32"), InterfaceAddress.parse(ip6 + "/128"))).build();
    }
}
