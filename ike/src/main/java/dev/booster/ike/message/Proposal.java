package dev.booster.ike.message;

import java.util.List;
import java.util.Objects;

/** One proposal of an SA payload (RFC 7296 §3.3.1). {@code spi} is empty in an initial IKE_SA_INIT offer. */
public record Proposal(int number, int protocolId, Octets spi, List<Transform> transforms) {
    public static final int PROTOCOL_IKE = 1;
    public static final int PROTOCOL_AH = 2;
    public static final int PROTOCOL_ESP = 3;

    public Proposal {
        if (number < 1 || number > 255) throw new IllegalArgumentException("proposal number " + number + " is out of range 1..255");
        if (protocolId < 0 || protocolId > 255) throw new IllegalArgumentException("protocol id " + protocolId + " is out of range");
        Objects.requireNonNull(spi, "spi");
        if (spi.length() > 255) throw new IllegalArgumentException("SPI of " + spi.length() + " bytes is too long");
        transforms = List.copyOf(transforms);
        if (transforms.size() > 255) throw new IllegalArgumentException("a proposal holds at most 255 transforms");
    }

    public List<Transform> ofType(int type) {
        return transforms.stream().filter(t -> t.type() == type).toList();
    }
}
