package dev.booster.cni;

import dev.booster.api.net.InterfaceAddress;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Looks at an interface as the kernel has it, for CHECK: the dataplane's own view is not enough, since anyone with
 * access to the pod's namespace can change the interface behind its back.
 */
@FunctionalInterface
public interface InterfaceInspector {

    /** The interface {@code ifName} in the namespace at {@code netns}, or empty when there is none. */
    Optional<ObservedInterface> inspect(Path netns, String ifName);

    /** What the kernel reports for an interface; {@code mac} in lower-case colon form. */
    record ObservedInterface(String name, String mac, int mtu, boolean up, List<InterfaceAddress> addresses) {
        public ObservedInterface {
            addresses = List.copyOf(addresses);
        }
    }

    /** Asks iproute2 inside the namespace ({@code nsenter --net=NETNS ip -j addr show dev IFNAME}). */
    static InterfaceInspector iproute2() {
        return new IpInterfaceInspector();
    }
}
