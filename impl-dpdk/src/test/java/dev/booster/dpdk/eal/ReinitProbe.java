package dev.booster.dpdk.eal;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

import static java.lang.foreign.ValueLayout.ADDRESS;

/** Main of {@link EalReinitTest}'s JVM: init through {@link Eal}, clean up, init again, print what happened. */
public final class ReinitProbe {
    private ReinitProbe() {
    }

    public static void main(String[] args) {
        Eal eal = Eal.acquire(EalOptions.defaults());
        System.out.println("probe: init 0");
        System.out.println("probe: cleanup " + eal.rte().cleanup());
        List<String> arguments = eal.arguments();
        Arena arena = Arena.global();
        MemorySegment argv = arena.allocate(ADDRESS, arguments.size() + 1L);
        for (int i = 0; i < arguments.size(); i++) argv.setAtIndex(ADDRESS, i, arena.allocateFrom(arguments.get(i)));
        int rc = eal.rte().init(arguments.size(), argv);
        System.out.println("probe: reinit " + rc + " errno " + eal.rte().errno());
        System.out.flush();
        Runtime.getRuntime().halt(0); // the shutdown hook would clean up an EAL that is gone
    }
}
