package dev.booster.afxdp.provider;

import dev.booster.host.link.CommandResult;
import dev.booster.host.link.IpLinkManager;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class AfXdpCleanupTest {
    @Test
    void deletesOnlyBoosterNamedHostVeths() {
        List<List<String>> ran = new ArrayList<>();
        String links = "[{\"ifindex\":1,\"ifname\":\"lo\"},{\"ifindex\":2,\"ifname\":\"eth0\"},"
                + "{\"ifindex\":9,\"link\":\"eth0\",\"ifname\":\"bst0123456789\"},{\"ifindex\":10,\"ifname\":\"bstnotours\"},"
                + "{\"ifindex\":11,\"link\":\"eth0\",\"ifname\":\"bstabcdefabcd\"}]";
        IpLinkManager manager = new IpLinkManager((command, timeout) -> {
            ran.add(command);
            return new CommandResult(command, 0, command.contains("show") ? links : "", "");
        }, Duration.ofSeconds(1), "ip");

        assertEquals(List.of("bst0123456789", "bstabcdefabcd"), AfXdpCleanup.removeLeftovers(manager, name -> true));
        assertEquals(List.of(
                List.of("ip", "-j", "link", "show"),
                List.of("ip", "link", "del", "dev", "bst0123456789"),
                List.of("ip", "link", "del", "dev", "bstabcdefabcd")), ran);
    }
}
