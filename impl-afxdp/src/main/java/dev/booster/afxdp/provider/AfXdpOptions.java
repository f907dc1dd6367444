package dev.booster.afxdp.provider;

import dev.booster.afxdp.xsk.BindMode;
import dev.booster.afxdp.xsk.UmemConfig;
import dev.booster.afxdp.xsk.XskConfig;
import dev.booster.api.DataplaneConfig;
import dev.booster.api.InvalidSpecException;

import java.util.Optional;

/**
 * The {@code afxdp.*} options of a {@link DataplaneConfig}:
 * <ul>
 *   <li>{@code afxdp.frames}: UMEM frames (4 KiB each) per pod interface, default 1024 (4 MiB, pinned in memory);
 *       at least 768 (a fill ring of 512 plus a transmit reserve of 256).</li>
 *   <li>{@code afxdp.idle}: what the worker does when idle: {@code poll} (default: sleep in poll(2) on the sockets
 *       after about 10 ms without traffic) or {@code spin} (the engine's spin-then-park-50-µs, lowest latency, burns
 *       CPU).</li>
 *   <li>{@code afxdp.persistentPods}: {@code true} for a node agent that restarts: pods' veths outlive the dataplane
 *       ({@code close()} leaves them, with the pods' addresses and routes; traffic stops until the next dataplane
 *       adopts them), and attaching a pod whose veth is there (same uid and interface name, so the same host-end name,
 *       and the pod end with the MAC Booster gave it) adopts it as it is instead of refusing it. Detaching a pod still
 *       deletes its veth. Default {@code false}: {@code close()} removes everything it made.</li>
 *   <li>{@code afxdp.uplink}, {@code afxdp.uplink.podCidrs}, {@code afxdp.uplink.routes},
 *       {@code afxdp.uplink.gatewayMac}: the uplink, see {@link UplinkOptions}.</li>
 * </ul>
 */
record AfXdpOptions(int frames, Idle idle, Optional<UplinkOptions> uplink) {
    static final String PREFIX = "afxdp.";
    static final String FRAMES = "afxdp.frames";
    static final String IDLE = "afxdp.idle";
    static final String PERSISTENT_PODS = "afxdp.persistentPods";
    static final int RING_SIZE = 512;
    static final int MIN_FRAMES = 768;
    static final int MAX_FRAMES = 65_536;

    enum Idle { POLL, SPIN }

    static AfXdpOptions defaults() {
        return new AfXdpOptions(1024, Idle.POLL, Optional.empty());
    }

    static AfXdpOptions from(DataplaneConfig config) {
        for (String key : config.options().keySet()) {
            if (key.startsWith(PREFIX) && !key.equals(FRAMES) && !key.equals(IDLE) && !key.equals(PERSISTENT_PODS) && !UplinkOptions.KEYS.contains(key)) {
                throw new InvalidSpecException("options." + key, "is not an afxdp option; known: " + FRAMES + ", " + IDLE + ", "
                        + String.join(", ", UplinkOptions.KEYS) + ", " + PERSISTENT_PODS);
            }
        }
        int frames = config.option(FRAMES).map(AfXdpOptions::parseFrames).orElse(1024);
        Idle idle = config.option(IDLE).map(AfXdpOptions::parseIdle).orElse(Idle.POLL);
        return new AfXdpOptions(frames, idle, UplinkOptions.from(config));
    }

    private static int parseFrames(String value) {
        try {
            int n = Integer.parseInt(value.strip());
            if (n >= MIN_FRAMES && n <= MAX_FRAMES) return n;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new InvalidSpecException("options." + FRAMES, "\"" + value + "\" is not a frame count; use " + MIN_FRAMES + ".." + MAX_FRAMES);
    }

    /** {@value #PERSISTENT_PODS}; kept out of the record so the option stays a one-line addition to the others. */
    static boolean persistentPods(DataplaneConfig config) {
        return config.option(PERSISTENT_PODS).map(value -> switch (value.strip()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidSpecException("options." + PERSISTENT_PODS, "\"" + value + "\" is not a boolean; use true or false");
        }).orElse(false);
    }

    private static Idle parseIdle(String value) {
        return switch (value.strip()) {
            case "poll" -> Idle.POLL;
            case "spin" -> Idle.SPIN;
            default -> throw new InvalidSpecException("options." + IDLE, "\"" + value + "\" is not an idle mode; use poll or spin");
        };
    }

    UmemConfig umemConfig() {
        return UmemConfig.defaults().withFrameCount(frames).withFrameSize(4096).withRingSizes(RING_SIZE, RING_SIZE);
    }

    /** Copy mode straight away: veth has no zero-copy, and AUTO would try and fail first on every attach. */
    XskConfig socketConfig() {
        return XskConfig.defaults().withRingSizes(RING_SIZE, RING_SIZE).withBindMode(BindMode.COPY);
    }
}
