package dev.booster.bench;

import dev.booster.api.net.Ip4Address;
import dev.booster.api.net.IpPrefix;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Routes to fill the FIB with, shaped like an Internet table: random unicast prefixes, seven in ten /24, the rest
 * /16 to /23. None covers 10.0.0.0/8 (the pods), 127.0.0.0/8 or 169.254.0.0/16, so forwarding between pods is
 * unchanged; the table only makes the FIB big (and its control operations, if they scale with it, slow).
 */
final class ExtraRoutes {
    private ExtraRoutes() {
    }

    static List<IpPrefix> ip4(int count, long seed) {
        Random random = new Random(seed);
        Set<IpPrefix> prefixes = new LinkedHashSet<>();
        while (prefixes.size() < count) {
            int length = random.nextInt(10) < 7 ? 24 : 16 + random.nextInt(8);
            int address = random.nextInt() & (-1 << (32 - length));
            int firstOctet = address >>> 24;
            if (firstOctet == 0 || firstOctet == 10 || firstOctet == 127 || firstOctet >= 224
                    || (address >>> 16) == 0xa9fe) {
                continue;
            }
            prefixes.add(IpPrefix.containing(new Ip4Address(address), length));
        }
        return List.copyOf(prefixes);
    }
}
