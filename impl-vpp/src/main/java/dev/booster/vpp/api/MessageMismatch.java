package dev.booster.vpp.api;

import java.util.Objects;
import java.util.Optional;

/**
 * A message Booster needs that the running VPP does not have as Booster knows it.
 *
 * @param vppCrc the CRC VPP has for the name (a changed layout), or empty when VPP has no message of that name
 *               (older VPP, or its plugin is not loaded)
 */
public record MessageMismatch(String name, String boosterCrc, Optional<String> vppCrc) {

    public MessageMismatch {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(boosterCrc, "boosterCrc");
        Objects.requireNonNull(vppCrc, "vppCrc");
    }

    @Override
    public String toString() {
        return vppCrc.map(crc -> name + ": Booster has crc " + boosterCrc + ", VPP has " + crc + " (layout changed)")
                .orElse(name + ": Booster has crc " + boosterCrc + ", VPP has no such message (older VPP, or its"
                        + " plugin is not loaded)");
    }
}
