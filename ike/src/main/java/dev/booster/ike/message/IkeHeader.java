package dev.booster.ike.message;

/**
 * The fixed IKE header (RFC 7296 §3.1). {@code nextPayload} and {@code length} are filled in by the encoder.
 *
 * @param flags {@link #FLAG_INITIATOR} (sent by the original initiator of the IKE SA), {@link #FLAG_RESPONSE}
 */
public record IkeHeader(long initiatorSpi, long responderSpi, int nextPayload, int version, int exchangeType, int flags,
                        int messageId, int length) {
    public static final int SIZE = 28;
    public static final int VERSION_2_0 = 0x20;
    public static final int FLAG_INITIATOR = 0x08;
    public static final int FLAG_VERSION = 0x10;
    public static final int FLAG_RESPONSE = 0x20;

    public IkeHeader {
        if (nextPayload < 0 || nextPayload > 255) throw new IllegalArgumentException("next payload " + nextPayload + " is out of range");
        if (version < 0 || version > 255) throw new IllegalArgumentException("version " + version + " is out of range");
        if (exchangeType < 0 || exchangeType > 255) throw new IllegalArgumentException("exchange type " + exchangeType + " is out of range");
        if (flags < 0 || flags > 255) throw new IllegalArgumentException("flags " + flags + " are out of range");
    }

    /** A header to encode: the encoder sets the next payload and the length. */
    public static IkeHeader of(long initiatorSpi, long responderSpi, int exchangeType, boolean fromOriginalInitiator,
                               boolean response, int messageId) {
        int flags = (fromOriginalInitiator ? FLAG_INITIATOR : 0) | (response ? FLAG_RESPONSE : 0);
        return new IkeHeader(initiatorSpi, responderSpi, 0, VERSION_2_0, exchangeType, flags, messageId, 0);
    }

    /** Sent by the original initiator of the IKE SA (the I flag). */
    public boolean fromOriginalInitiator() {
        return (flags & FLAG_INITIATOR) != 0;
    }

    public boolean isResponse() {
        return (flags & FLAG_RESPONSE) != 0;
    }

    public int majorVersion() {
        return version >>> 4;
    }

    public IkeHeader withNextPayloadAndLength(int next, int totalLength) {
        return new IkeHeader(initiatorSpi, responderSpi, next, version, exchangeType, flags, messageId, totalLength);
    }

    @Override
    public String toString() {
        return ExchangeType.name(exchangeType) + (isResponse() ? " response " : " request ") + Integer.toUnsignedString(messageId)
                + " [" + String.format("%016x_i %016x_r", initiatorSpi, responderSpi) + (fromOriginalInitiator() ? " I" : "") + "]";
    }
}
