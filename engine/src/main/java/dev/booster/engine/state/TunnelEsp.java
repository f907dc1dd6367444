package dev.booster.engine.state;

import dev.booster.ipsec.EspEncryptor;
import dev.booster.ipsec.EspInbound;

import java.util.List;
import java.util.Objects;

/**
 * The ESP state of one tunnel as the worker sees it: the outbound SA's encryptor (null until one is set: packets are
 * then dropped as esp-no-sa) and the inbound SAs by SPI. Replaced as a whole on every SA change; the decryptors and
 * the encryptor carry their replay windows and sequence numbers over, as they are the same objects.
 */
public record TunnelEsp(EspEncryptor outbound, EspInbound inbound) {
    public static final TunnelEsp EMPTY = new TunnelEsp(null, EspInbound.of(List.of()));

    public TunnelEsp {
        Objects.requireNonNull(inbound, "inbound");
    }
}
