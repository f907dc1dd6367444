package dev.booster.ike;

import dev.booster.api.net.IpAddress;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;

/**
 * An IKE identity (RFC 7296 §3.5), as in strongSwan's {@code id = ...}: an IP address, a host name, an email
 * address or an opaque key id.
 *
 * @param value the address, name or email as text; hex for KEY_ID
 */
public record Identity(Type type, String value) {
    public enum Type {
        IPV4_ADDR(1), FQDN(2), RFC822_ADDR(3), IPV6_ADDR(5), KEY_ID(11);

        private final int code;

        Type(int code) {
            this.code = code;
        }

        public int code() {
            return code;
        }
    }

    public Identity {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(value, "value");
        if (value.isEmpty()) throw new IllegalArgumentException("identity value is empty");
        if (type == Type.IPV4_ADDR || type == Type.IPV6_ADDR) {
            IpAddress address = IpAddress.parse(value);
            if ((address.bitLength() == 32) != (type == Type.IPV4_ADDR)) {
                throw new IllegalArgumentException("identity " + value + " is not an " + type + " address");
            }
            value = address.toString();
        }
        if (type == Type.KEY_ID) value = HexFormat.of().formatHex(HexFormat.of().parseHex(value));
    }

    public static Identity of(IpAddress address) {
        return new Identity(address.bitLength() == 32 ? Type.IPV4_ADDR : Type.IPV6_ADDR, address.toString());
    }

    public static Identity fqdn(String name) {
        return new Identity(Type.FQDN, name);
    }

    public static Identity email(String address) {
        return new Identity(Type.RFC822_ADDR, address);
    }

    /** The identification data of the ID payload. */
    public byte[] toBytes() {
        return switch (type) {
            case IPV4_ADDR, IPV6_ADDR -> IpAddress.parse(value).toBytes();
            case FQDN, RFC822_ADDR -> value.getBytes(StandardCharsets.US_ASCII);
            case KEY_ID -> HexFormat.of().parseHex(value);
        };
    }

    /** The identity an ID payload carries; empty for types Booster does not compare (DER names, ...). */
    public static Optional<Identity> fromPayload(int idType, byte[] data) {
        try {
            for (Type type : Type.values()) {
                if (type.code != idType) continue;
                return Optional.of(switch (type) {
                    case IPV4_ADDR, IPV6_ADDR -> new Identity(type, IpAddress.ofBytes(data).toString());
                    case FQDN, RFC822_ADDR -> new Identity(type, new String(data, StandardCharsets.US_ASCII));
                    case KEY_ID -> new Identity(type, HexFormat.of().formatHex(data));
                });
            }
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return value;
    }
}
