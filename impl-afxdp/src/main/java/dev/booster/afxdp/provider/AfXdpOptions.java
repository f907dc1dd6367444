package dev.booster.afxdp.provider;

import dev.booster.afxdp.port.WorkerUmem;
import dev.booster.afxdp.xsk.BindMode;
import dev.booster.afxdp.xsk.UmemConfig;
import dev.booster.afxdp.xsk.XskConfig;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;

import java.util.List;
import java.util.Optional;

/**
 * The {@code afxdp.*} options of a {@link DataplaneConfig}:
 * <ul>
 *   <li>{@code afxdp.ringSize}: entries of each socket's four rings (fill, completion, RX, TX), a power of two,
 *       64..8192, default 512. Larger rings ride out longer pauses of the worker (at 0.5 Mpps a 512-entry RX ring is
 *       full after 1 ms), at the price of frames.</li>
 *   <li>{@code afxdp.frames}: frames (4 KiB each) of the worker's shared UMEM per interface, default twice the ring
 *       size (1024): up to {@code frames − 256} in its fill and RX rings; at least the ring size + 256.</li>
 *   <li>{@code afxdp.interfaces}: interfaces (pods' veths and the uplink) the UMEM has room for, default 16; one more
 *       is refused with a message naming this option. The UMEM holds {@code frames × interfaces + 256 + ringSize}
 *       frames (a reserve for the engine and a fill ring's worth for new interfaces), mapped at open and pinned when
 *       the first interface comes (default: 17,152 frames, 67 MiB).</li>
 *   <li>{@code afxdp.idle}: what the worker does when idle: {@code poll} (default: sleep in poll(2) on the sockets
 *       after about 1 ms without traffic), {@code spin} (the engine's spin-then-park-50-µs, burns CPU) or {@code busy}
 *       (never gives the core up, as a DPDK lcore: for a core of its own; a whole core even when idle).</li>
 *   <li>{@code afxdp.persistentPods}: {@code true} for a node agent that restarts: pods' veths outlive the dataplane
 *       ({@code close()} leaves them, with the pods' addresses and routes; traffic stops until the next dataplane
 *       adopts them), and attaching a pod whose veth is there (same uid and interface name, so the same host-end name,
 *       and the pod end with the MAC Booster gave it) adopts it as it is instead of refusing it. Detaching a pod still
 *       deletes its veth. Default {@code false}: {@code close()} removes everything it made.</li>
 *   <li>{@code afxdp.netns}: a network namespace's path ({@code /run/netns/NAME}) in which the dataplane makes its
 *       host side (pods' host veth ends, the uplink's program and socket) instead of the process's own namespace:
 *       one JVM can run several Booster nodes side by side, see {@link NodeNetns}.</li>
 *   <li>{@code afxdp.uplink}, {@code afxdp.uplink.podCidrs}, {@code afxdp.uplink.routes},
 *       {@code afxdp.uplink.gatewayMac}: the uplink, see {@link UplinkOptions}.</li>
 * </ul>
 */
record AfXdpOptions(int frames, int interfaces, int ringSize, Idle idle, Optional<UplinkOptions> uplink, NodeNetns netns) {
    static final String PREFIX = "afxdp.";
    static final String FRAMES = "afxdp.frames";
    static final String INTERFACES = "afxdp.interfaces";
    static final String IDLE = "afxdp.idle";
    static final String PERSISTENT_PODS = "afxdp.persistentPods";
    static final String RING_SIZE = "afxdp.ringSize";
    static final String NETNS = "afxdp.netns";
    static final List<String> KEYS = List.of(FRAMES, INTERFACES, RING_SIZE, IDLE, PERSISTENT_PODS, NETNS);
    static final int DEFAULT_RING_SIZE = 512;
    static final int MIN_RING_SIZE = 64;
    static final int MAX_RING_SIZE = 8192;
    static final int MAX_FRAMES = 65_536;
    static final int DEFAULT_INTERFACES = 16;
    static final int MAX_INTERFACES = 4096;

    enum Idle { POLL, SPIN, BUSY }

    AfXdpOptions {
        if (frames < minFrames(ringSize)) {
            throw new InvalidSpecException("options." + FRAMES, frames + " frames per interface cannot fill a ring of " + ringSize
                    + " (" + RING_SIZE + ") beyond the engine's reserve of " + WorkerUmem.RESERVE + "; use at least " + minFrames(ringSize));
        }
        long total = (long) frames * interfaces + WorkerUmem.RESERVE + ringSize;
        if (total > UmemConfig.MAX_FRAME_COUNT) {
            throw new InvalidSpecException("options." + INTERFACES, interfaces + " interfaces of " + frames + " frames (" + FRAMES
                    + ") need a UMEM of " + total + " frames, more than one worker's UMEM holds (" + UmemConfig.MAX_FRAME_COUNT
                    + "); lower " + INTERFACES + " or " + FRAMES);
        }
    }

    static AfXdpOptions defaults() {
        return new AfXdpOptions(2 * DEFAULT_RING_SIZE, DEFAULT_INTERFACES, DEFAULT_RING_SIZE, Idle.POLL, Optional.empty(), NodeNetns.OWN);
    }

    static int minFrames(int ringSize) {
        return ringSize + WorkerUmem.RESERVE;
    }

    static AfXdpOptions from(DataplaneConfig config) {
        for (String key : config.options().keySet()) {
            if (key.startsWith(PREFIX) && !KEYS.contains(key) && !UplinkOptions.KEYS.contains(key)) {
                throw new InvalidSpecException("options." + key, "is not an afxdp option; known: " + String.join(", ", KEYS) + ", "
                        + String.join(", ", UplinkOptions.KEYS));
            }
        }
        int ringSize = config.option(RING_SIZE).map(AfXdpOptions::parseRingSize).orElse(DEFAULT_RING_SIZE);
        int frames = config.option(FRAMES).map(v -> parseCount(FRAMES, "frame count", v, minFrames(ringSize), MAX_FRAMES))
                .orElse(2 * ringSize);
        int interfaces = config.option(INTERFACES).map(v -> parseCount(INTERFACES, "number of interfaces", v, 1, MAX_INTERFACES))
                .orElse(DEFAULT_INTERFACES);
        Idle idle = config.option(IDLE).map(AfXdpOptions::parseIdle).orElse(Idle.POLL);
        NodeNetns netns = config.option(NETNS).map(v -> NodeNetns.of(NETNS, v)).orElse(NodeNetns.OWN);
        return new AfXdpOptions(frames, interfaces, ringSize, idle, UplinkOptions.from(config), netns);
    }

    private static int parseCount(String key, String what, String value, int min, int max) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= min && n <= max) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidSpecException("options." + key, "\"" + value + "\" is not a " + what + "; use " + min + ".." + max);
    }

    /** {@value #PERSISTENT_PODS}; kept out of the record so the option stays a one-line addition to the others. */
    static boolean persistentPods(DataplaneConfig config) {
        return config.option(PERSISTENT_PODS).map(value -> switch (value.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidSpecException("options." + PERSISTENT_PODS, "\"" + value + "\" is not a boolean; use true or false");
        }).orElse(false);
    }

    private static int parseRingSize(String value) {
        int n = parseCount(RING_SIZE, "ring size", value, MIN_RING_SIZE, MAX_RING_SIZE);
        if (Integer.bitCount(n) != 1) {
            throw new InvalidSpecException("options." + RING_SIZE, n + " is not a power of two; the kernel needs ring sizes like 512, 1024, 2048");
        }
        return n;
    }

    private static Idle parseIdle(String value) {
        return switch (value.strip()) {
            case "poll" -> Idle.POLL;
            case "spin" -> Idle.SPIN;
            case "busy" -> Idle.BUSY;
            default -> throw new InvalidSpecException("options." + IDLE, "\"" + value + "\" is not an idle mode; use poll, spin or busy");
        };
    }

    /** The worker's UMEM: {@code interfaces} ports of {@code frames} frames of 4 KiB, fill and completion rings of {@code ringSize}. */
    WorkerUmem createUmem() {
        UmemConfig shape = UmemConfig.defaults().withFrameSize(4096).withRingSizes(ringSize, ringSize);
        return WorkerUmem.create(shape, interfaces, frames);
    }

    /** Copy mode straight away: veth has no zero-copy, and AUTO would try and fail first on every attach. */
    XskConfig socketConfig() {
        return XskConfig.defaults().withRingSizes(ringSize, ringSize).withBindMode(BindMode.COPY);
    }
}
