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
 *   <li>{@code afxdp.uplink}, {@code afxdp.uplink.podCidrs}, {@code afxdp.uplink.routes},
 *       {@code afxdp.uplink.gatewayMac}: the uplink, see {@link UplinkOptions}.</li>
 * </ul>
 */
record AfXdpOptions(int frames, Idle idle, Optional<UplinkOptions> uplink) {
    static final String PREFIX = "afxdp.";
    static final String FRAMES = "afxdp.frames";
    static final String IDLE = "afxdp.idle";
    static final int RING_SIZE = 512;
    static final int MIN_FRAMES = 768;
    static final int MAX_FRAMES = 65_536;

    enum Idle { POLL, SPIN }

    static AfXdpOptions defaults() {
        return new AfXdpOptions(1024, Idle.POLL, Optional.empty());
    }

    static AfXdpOptions from(DataplaneConfig config) {
        for (String key : config.options().keySet()) {
            if (key.startsWith(PREFIX) && !key.equals(FRAMES) && !key.equals(IDLE) && !UplinkOptions.KEYS.contains(key)) {
                throw new InvalidSpecException("options." + key, "is not an afxdp option; known: " + FRAMES + ", " + IDLE + ", "
                        + String.join(", ", UplinkOptions.KEYS));
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
