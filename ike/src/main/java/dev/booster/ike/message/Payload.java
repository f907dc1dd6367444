package dev.booster.ike.message;

import dev.booster.ike.TrafficSelector;

import java.util.List;
import java.util.Objects;

/** The IKEv2 payloads (RFC 7296 §3.3-3.14) as values; {@link MessageCodec} turns them into bytes and back. */
public sealed interface Payload {

    /** The payload type number ({@link PayloadType}). */
    int type();

    /** The critical bit: a receiver that does not understand the payload must reject the message. */
    default boolean critical() {
        return false;
    }

    record SecurityAssociation(List<Proposal> proposals) implements Payload {
        public SecurityAssociation {
            proposals = List.copyOf(proposals);
        }

        @Override
        public int type() {
            return PayloadType.SA;
        }
    }

    record KeyExchange(int dhGroup, Octets data) implements Payload {
        public KeyExchange {
            if (dhGroup < 0 || dhGroup > 0xffff) throw new IllegalArgumentException("DH group " + dhGroup + " is out of range");
            Objects.requireNonNull(data, "data");
        }

        @Override
        public int type() {
            return PayloadType.KE;
        }
    }

    /** IDi when {@code initiator}, else IDr. */
    record Identification(boolean initiator, int idType, Octets data) implements Payload {
        public Identification {
            if (idType < 0 || idType > 255) throw new IllegalArgumentException("ID type " + idType + " is out of range");
            Objects.requireNonNull(data, "data");
        }

        @Override
        public int type() {
            return initiator ? PayloadType.IDI : PayloadType.IDR;
        }
    }

    record Authentication(int method, Octets data) implements Payload {
        public static final int SHARED_KEY_MIC = 2;

        public Authentication {
            if (method < 0 || method > 255) throw new IllegalArgumentException("auth method " + method + " is out of range");
            Objects.requireNonNull(data, "data");
        }

        @Override
        public int type() {
            return PayloadType.AUTH;
        }
    }

    record Nonce(Octets data) implements Payload {
        public Nonce {
            Objects.requireNonNull(data, "data");
        }

        @Override
        public int type() {
            return PayloadType.NONCE;
        }
    }

    record Notify(int protocolId, Octets spi, int notifyType, Octets data) implements Payload {
        public Notify {
            if (protocolId < 0 || protocolId > 255) throw new IllegalArgumentException("protocol id " + protocolId + " is out of range");
            Objects.requireNonNull(spi, "spi");
            if (spi.length() > 255) throw new IllegalArgumentException("SPI of " + spi.length() + " bytes is too long");
            if (notifyType < 0 || notifyType > 0xffff) throw new IllegalArgumentException("notify type " + notifyType + " is out of range");
            Objects.requireNonNull(data, "data");
        }

        /** A notify about the IKE SA itself: no protocol, no SPI. */
        public static Notify of(NotifyType type, Octets data) {
            return new Notify(0, Octets.EMPTY, type.code(), data);
        }

        public static Notify of(NotifyType type) {
            return of(type, Octets.EMPTY);
        }

        public boolean is(NotifyType type) {
            return notifyType == type.code();
        }

        public boolean isError() {
            return NotifyType.isError(notifyType);
        }

        @Override
        public int type() {
            return PayloadType.NOTIFY;
        }
    }

    /** Deletes the IKE SA ({@code protocolId} 1, no SPIs) or the listed Child SAs (ESP/AH, 4-byte SPIs). */
    record Delete(int protocolId, int spiSize, List<Octets> spis) implements Payload {
        public Delete {
            if (protocolId < 0 || protocolId > 255) throw new IllegalArgumentException("protocol id " + protocolId + " is out of range");
            if (spiSize < 0 || spiSize > 255) throw new IllegalArgumentException("SPI size " + spiSize + " is out of range");
            spis = List.copyOf(spis);
            if (spis.size() > 0xffff) throw new IllegalArgumentException("too many SPIs in one Delete payload");
            for (Octets spi : spis) {
                if (spi.length() != spiSize) throw new IllegalArgumentException("SPI " + spi + " is not " + spiSize + " bytes long");
            }
        }

        @Override
        public int type() {
            return PayloadType.DELETE;
        }
    }

    record VendorId(Octets data) implements Payload {
        public VendorId {
            Objects.requireNonNull(data, "data");
        }

        @Override
        public int type() {
            return PayloadType.VENDOR_ID;
        }
    }

    /** TSi when {@code initiator}, else TSr. */
    record TrafficSelectors(boolean initiator, List<TrafficSelector> selectors) implements Payload {
        public TrafficSelectors {
            selectors = List.copyOf(selectors);
            if (selectors.size() > 255) throw new IllegalArgumentException("at most 255 traffic selectors fit one payload");
        }

        @Override
        public int type() {
            return initiator ? PayloadType.TSI : PayloadType.TSR;
        }
    }

    /**
     * The Encrypted and Authenticated payload (SK) as it travels: IV, ciphertext and ICV in {@code body};
     * {@code firstInnerType} is the type of the first payload inside.
     */
    record Encrypted(int firstInnerType, Octets body) implements Payload {
        public Encrypted {
            Objects.requireNonNull(body, "body");
        }

        @Override
        public int type() {
            return PayloadType.SK;
        }
    }

    /** A payload type Booster does not parse (CERT, CP, EAP...), kept as bytes. */
    record Unknown(int type, boolean critical, Octets body) implements Payload {
        public Unknown {
            if (type < 0 || type > 255) throw new IllegalArgumentException("payload type " + type + " is out of range");
            Objects.requireNonNull(body, "body");
        }
    }
}
