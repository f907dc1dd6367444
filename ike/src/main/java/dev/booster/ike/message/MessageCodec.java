package dev.booster.ike.message;

import dev.booster.api.net.IpAddress;
import dev.booster.ike.TrafficSelector;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Encodes and decodes IKEv2 messages and payload chains (RFC 7296 §3). Decoding checks every length against the
 * bytes that are there and throws {@link MalformedMessageException} naming what is wrong; nothing else escapes.
 */
public final class MessageCodec {
    /** The largest message Booster accepts or builds; IKE without certificates stays far below it. */
    public static final int MAX_MESSAGE = 64 * 1024;

    private static final int GENERIC_HEADER = 4;
    private static final int TS_IPV4_ADDR_RANGE = 7;
    private static final int TS_IPV6_ADDR_RANGE = 8;

    private MessageCodec() {
    }

    /** Decodes a datagram: the header, then the payload chain. An SK payload is returned still encrypted. */
    public static IkeMessage decode(byte[] datagram, int length) {
        IkeHeader header = decodeHeader(datagram, length);
        List<Payload> payloads = decodeChain(header.nextPayload(), datagram, IkeHeader.SIZE, header.length() - IkeHeader.SIZE);
        return new IkeMessage(header, payloads);
    }

    public static IkeMessage decode(byte[] datagram) {
        return decode(datagram, datagram.length);
    }

    /** Decodes and checks the fixed header: IKEv2 major version, a length that matches the datagram. */
    public static IkeHeader decodeHeader(byte[] datagram, int length) {
        if (length < IkeHeader.SIZE) throw new MalformedMessageException("datagram of " + length + " bytes is shorter than an IKE header");
        Reader r = new Reader(datagram, 0, length);
        long spiI = r.u64();
        long spiR = r.u64();
        int next = r.u8();
        int version = r.u8();
        int exchange = r.u8();
        int flags = r.u8();
        int messageId = r.s32();
        long declared = r.u32();
        if (version >>> 4 != 2) throw new MalformedMessageException("IKE major version " + (version >>> 4) + " is not 2");
        if (declared != length) {
            throw new MalformedMessageException("IKE header length " + declared + " does not match the datagram's " + length + " bytes");
        }
        return new IkeHeader(spiI, spiR, next, version, exchange, flags, messageId, (int) declared);
    }

    /** Encodes a whole message: the header's next payload and length are computed here. */
    public static byte[] encode(IkeHeader header, List<Payload> payloads) {
        byte[] chain = encodeChain(payloads);
        int total = IkeHeader.SIZE + chain.length;
        if (total > MAX_MESSAGE) throw new IllegalArgumentException("IKE message of " + total + " bytes is too large");
        byte[] out = new byte[total];
        writeHeader(header.withNextPayloadAndLength(payloads.isEmpty() ? PayloadType.NONE : payloads.getFirst().type(), total), out);
        System.arraycopy(chain, 0, out, IkeHeader.SIZE, chain.length);
        return out;
    }

    public static void writeHeader(IkeHeader header, byte[] out) {
        Writer w = new Writer(out);
        w.u64(header.initiatorSpi());
        w.u64(header.responderSpi());
        w.u8(header.nextPayload());
        w.u8(header.version());
        w.u8(header.exchangeType());
        w.u8(header.flags());
        w.u32(header.messageId());
        w.u32(header.length());
    }

    /** Encodes payloads back to back; the first one's type is what the enclosing header names as next payload. */
    public static byte[] encodeChain(List<Payload> payloads) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < payloads.size(); i++) {
            Payload payload = payloads.get(i);
            if (payload instanceof Payload.Encrypted && i != payloads.size() - 1) {
                throw new IllegalArgumentException("the SK payload must be the last payload of a message");
            }
            byte[] body = encodeBody(payload);
            int next = payload instanceof Payload.Encrypted sk ? sk.firstInnerType()
                    : i + 1 < payloads.size() ? payloads.get(i + 1).type() : PayloadType.NONE;
            int length = GENERIC_HEADER + body.length;
            if (length > 0xffff) throw new IllegalArgumentException(PayloadType.name(payload.type()) + " payload of " + length + " bytes is too large");
            out.write(next);
            out.write(payload.critical() ? 0x80 : 0);
            out.write(length >>> 8);
            out.write(length);
            out.writeBytes(body);
        }
        return out.toByteArray();
    }

    /** Decodes a payload chain of {@code length} bytes at {@code offset} whose first payload has type {@code firstType}. */
    public static List<Payload> decodeChain(int firstType, byte[] buffer, int offset, int length) {
        List<Payload> payloads = new ArrayList<>();
        int type = firstType;
        int position = offset;
        int end = offset + length;
        while (type != PayloadType.NONE) {
            if (end - position < GENERIC_HEADER) {
                throw new MalformedMessageException(PayloadType.name(type) + " payload header is cut off at byte " + (position - offset));
            }
            int next = buffer[position] & 0xff;
            boolean critical = (buffer[position + 1] & 0x80) != 0;
            int payloadLength = ((buffer[position + 2] & 0xff) << 8) | (buffer[position + 3] & 0xff);
            if (payloadLength < GENERIC_HEADER || payloadLength > end - position) {
                throw new MalformedMessageException(PayloadType.name(type) + " payload length " + payloadLength + " does not fit the "
                        + (end - position) + " bytes left");
            }
            Reader body = new Reader(buffer, position + GENERIC_HEADER, payloadLength - GENERIC_HEADER);
            Payload payload = decodeBody(type, next, critical, body);
            payloads.add(payload);
            position += payloadLength;
            if (payload instanceof Payload.Encrypted) {
                if (position != end) throw new MalformedMessageException("bytes follow the SK payload, which must be last");
                return payloads;
            }
            type = next;
        }
        if (position != end) throw new MalformedMessageException((end - position) + " bytes trail the last payload");
        return payloads;
    }

    private static byte[] encodeBody(Payload payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        switch (payload) {
            case Payload.SecurityAssociation sa -> {
                for (int i = 0; i < sa.proposals().size(); i++) {
                    out.writeBytes(encodeProposal(sa.proposals().get(i), i == sa.proposals().size() - 1));
                }
            }
            case Payload.KeyExchange ke -> {
                u16(out, ke.dhGroup());
                u16(out, 0);
                out.writeBytes(ke.data().toByteArray());
            }
            case Payload.Identification id -> {
                out.write(id.idType());
                out.write(0);
                u16(out, 0);
                out.writeBytes(id.data().toByteArray());
            }
            case Payload.Authentication auth -> {
                out.write(auth.method());
                out.write(0);
                u16(out, 0);
                out.writeBytes(auth.data().toByteArray());
            }
            case Payload.Nonce nonce -> out.writeBytes(nonce.data().toByteArray());
            case Payload.Notify n -> {
                out.write(n.protocolId());
                out.write(n.spi().length());
                u16(out, n.notifyType());
                out.writeBytes(n.spi().toByteArray());
                out.writeBytes(n.data().toByteArray());
            }
            case Payload.Delete d -> {
                out.write(d.protocolId());
                out.write(d.spiSize());
                u16(out, d.spis().size());
                for (Octets spi : d.spis()) out.writeBytes(spi.toByteArray());
            }
            case Payload.VendorId v -> out.writeBytes(v.data().toByteArray());
            case Payload.TrafficSelectors ts -> {
                out.write(ts.selectors().size());
                out.write(0);
                u16(out, 0);
                for (TrafficSelector selector : ts.selectors()) {
                    byte[] start = selector.start().toBytes();
                    byte[] end = selector.end().toBytes();
                    out.write(selector.isIpv6() ? TS_IPV6_ADDR_RANGE : TS_IPV4_ADDR_RANGE);
                    out.write(selector.ipProtocol());
                    u16(out, 8 + 2 * start.length);
                    u16(out, selector.startPort());
                    u16(out, selector.endPort());
                    out.writeBytes(start);
                    out.writeBytes(end);
                }
            }
            case Payload.Encrypted sk -> out.writeBytes(sk.body().toByteArray());
            case Payload.Unknown u -> out.writeBytes(u.body().toByteArray());
        }
        return out.toByteArray();
    }

    private static byte[] encodeProposal(Proposal proposal, boolean last) {
        ByteArrayOutputStream transforms = new ByteArrayOutputStream();
        for (int i = 0; i < proposal.transforms().size(); i++) {
            Transform t = proposal.transforms().get(i);
            ByteArrayOutputStream attributes = new ByteArrayOutputStream();
            if (t.keyLength() != 0) {
                u16(attributes, 0x8000 | Transform.ATTRIBUTE_KEY_LENGTH);
                u16(attributes, t.keyLength());
            }
            attributes.writeBytes(t.otherAttributes().toByteArray());
            transforms.write(i == proposal.transforms().size() - 1 ? 0 : 3);
            transforms.write(0);
            u16(transforms, 8 + attributes.size());
            transforms.write(t.type());
            transforms.write(0);
            u16(transforms, t.id());
            transforms.writeBytes(attributes.toByteArray());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(last ? 0 : 2);
        out.write(0);
        u16(out, 8 + proposal.spi().length() + transforms.size());
        out.write(proposal.number());
        out.write(proposal.protocolId());
        out.write(proposal.spi().length());
        out.write(proposal.transforms().size());
        out.writeBytes(proposal.spi().toByteArray());
        out.writeBytes(transforms.toByteArray());
        return out.toByteArray();
    }

    private static Payload decodeBody(int type, int next, boolean critical, Reader r) {
        String name = PayloadType.name(type);
        return switch (type) {
            case PayloadType.SA -> new Payload.SecurityAssociation(decodeProposals(r));
            case PayloadType.KE -> {
                int group = r.u16(name);
                r.skip(2, name);
                yield new Payload.KeyExchange(group, r.rest());
            }
            case PayloadType.IDI, PayloadType.IDR -> {
                int idType = r.u8(name);
                r.skip(3, name);
                yield new Payload.Identification(type == PayloadType.IDI, idType, r.rest());
            }
            case PayloadType.AUTH -> {
                int method = r.u8(name);
                r.skip(3, name);
                yield new Payload.Authentication(method, r.rest());
            }
            case PayloadType.NONCE -> {
                Octets nonce = r.rest();
                if (nonce.length() < 16 || nonce.length() > 256) {
                    throw new MalformedMessageException("nonce of " + nonce.length() + " bytes is outside 16..256");
                }
                yield new Payload.Nonce(nonce);
            }
            case PayloadType.NOTIFY -> {
                int protocol = r.u8(name);
                int spiSize = r.u8(name);
                int notifyType = r.u16(name);
                Octets spi = r.octets(spiSize, name + " SPI");
                yield new Payload.Notify(protocol, spi, notifyType, r.rest());
            }
            case PayloadType.DELETE -> {
                int protocol = r.u8(name);
                int spiSize = r.u8(name);
                int count = r.u16(name);
                List<Octets> spis = new ArrayList<>();
                for (int i = 0; i < count; i++) spis.add(r.octets(spiSize, name + " SPI " + i));
                r.expectEnd(name);
                yield new Payload.Delete(protocol, spiSize, spis);
            }
            case PayloadType.VENDOR_ID -> new Payload.VendorId(r.rest());
            case PayloadType.TSI, PayloadType.TSR -> new Payload.TrafficSelectors(type == PayloadType.TSI, decodeSelectors(r, name));
            case PayloadType.SK -> new Payload.Encrypted(next, r.rest());
            default -> new Payload.Unknown(type, critical, r.rest());
        };
    }

    private static List<Proposal> decodeProposals(Reader r) {
        List<Proposal> proposals = new ArrayList<>();
        boolean more = true;
        while (more) {
            int lastOrMore = r.u8("proposal");
            if (lastOrMore != 0 && lastOrMore != 2) throw new MalformedMessageException("proposal last/more field is " + lastOrMore);
            more = lastOrMore == 2;
            r.skip(1, "proposal");
            int length = r.u16("proposal");
            if (length < 8) throw new MalformedMessageException("proposal length " + length + " is below 8");
            Reader p = r.sub(length - 4, "proposal");
            int number = p.u8("proposal");
            int protocol = p.u8("proposal");
            int spiSize = p.u8("proposal");
            int transformCount = p.u8("proposal");
            Octets spi = p.octets(spiSize, "proposal SPI");
            List<Transform> transforms = new ArrayList<>();
            for (int i = 0; i < transformCount; i++) {
                int lastOrMoreT = p.u8("transform");
                if (lastOrMoreT != 0 && lastOrMoreT != 3) throw new MalformedMessageException("transform last/more field is " + lastOrMoreT);
                if ((lastOrMoreT == 0) != (i == transformCount - 1)) {
                    throw new MalformedMessageException("proposal " + number + " announces " + transformCount + " transforms, the chain says otherwise");
                }
                p.skip(1, "transform");
                int tLength = p.u16("transform");
                if (tLength < 8) throw new MalformedMessageException("transform length " + tLength + " is below 8");
                Reader t = p.sub(tLength - 4, "transform");
                int tType = t.u8("transform");
                t.skip(1, "transform");
                int tId = t.u16("transform");
                int keyLength = 0;
                ByteArrayOutputStream others = new ByteArrayOutputStream();
                while (t.remaining() > 0) {
                    int attributeType = t.u16("transform attribute");
                    if ((attributeType & 0x8000) != 0) {
                        int value = t.u16("transform attribute");
                        if ((attributeType & 0x7fff) == Transform.ATTRIBUTE_KEY_LENGTH && keyLength == 0 && value != 0) {
                            keyLength = value;
                        } else {
                            u16(others, attributeType);
                            u16(others, value);
                        }
                    } else {
                        int valueLength = t.u16("transform attribute");
                        Octets value = t.octets(valueLength, "transform attribute value");
                        u16(others, attributeType);
                        u16(others, valueLength);
                        others.writeBytes(value.toByteArray());
                    }
                }
                transforms.add(new Transform(tType, tId, keyLength, Octets.of(others.toByteArray())));
            }
            p.expectEnd("proposal " + number);
            if (number < 1) throw new MalformedMessageException("proposal number 0 is invalid");
            proposals.add(new Proposal(number, protocol, spi, transforms));
        }
        r.expectEnd("SA");
        if (proposals.isEmpty()) throw new MalformedMessageException("SA payload holds no proposal");
        return proposals;
    }

    private static List<TrafficSelector> decodeSelectors(Reader r, String name) {
        int count = r.u8(name);
        r.skip(3, name);
        List<TrafficSelector> selectors = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            int tsType = r.u8(name);
            int protocol = r.u8(name);
            int length = r.u16(name);
            int addressBytes = switch (tsType) {
                case TS_IPV4_ADDR_RANGE -> 4;
                case TS_IPV6_ADDR_RANGE -> 16;
                default -> throw new MalformedMessageException(name + " selector type " + tsType + " is not an IPv4/IPv6 address range");
            };
            if (length != 8 + 2 * addressBytes) throw new MalformedMessageException(name + " selector length " + length + " does not fit its type");
            int startPort = r.u16(name);
            int endPort = r.u16(name);
            IpAddress start = IpAddress.ofBytes(r.octets(addressBytes, name).toByteArray());
            IpAddress end = IpAddress.ofBytes(r.octets(addressBytes, name).toByteArray());
            try {
                selectors.add(new TrafficSelector(start, end, protocol, startPort, endPort));
            } catch (IllegalArgumentException e) {
                throw new MalformedMessageException(name + ": " + e.getMessage());
            }
        }
        r.expectEnd(name);
        return selectors;
    }

    private static void u16(ByteArrayOutputStream out, int value) {
        out.write(value >>> 8);
        out.write(value);
    }

    /** Bounds-checked big-endian reads; running past the end is a malformed message, never an index exception. */
    private static final class Reader {
        private final byte[] buffer;
        private int position;
        private final int end;

        Reader(byte[] buffer, int offset, int length) {
            this.buffer = buffer;
            this.position = offset;
            this.end = offset + length;
        }

        int remaining() {
            return end - position;
        }

        private void need(int count, String what) {
            if (count < 0 || count > end - position) {
                throw new MalformedMessageException(what + " needs " + count + " bytes, " + (end - position) + " are left");
            }
        }

        int u8(String what) {
            need(1, what);
            return buffer[position++] & 0xff;
        }

        int u8() {
            return u8("header");
        }

        int u16(String what) {
            need(2, what);
            int value = ((buffer[position] & 0xff) << 8) | (buffer[position + 1] & 0xff);
            position += 2;
            return value;
        }

        int s32() {
            need(4, "header");
            int value = ((buffer[position] & 0xff) << 24) | ((buffer[position + 1] & 0xff) << 16)
                    | ((buffer[position + 2] & 0xff) << 8) | (buffer[position + 3] & 0xff);
            position += 4;
            return value;
        }

        long u32() {
            return s32() & 0xffffffffL;
        }

        long u64() {
            return (u32() << 32) | u32();
        }

        void skip(int count, String what) {
            need(count, what);
            position += count;
        }

        Octets octets(int count, String what) {
            need(count, what);
            Octets value = Octets.of(buffer, position, count);
            position += count;
            return value;
        }

        Octets rest() {
            return octets(end - position, "rest");
        }

        Reader sub(int count, String what) {
            need(count, what);
            Reader sub = new Reader(buffer, position, count);
            position += count;
            return sub;
        }

        void expectEnd(String what) {
            if (position != end) throw new MalformedMessageException(what + " has " + (end - position) + " unexpected trailing bytes");
        }
    }

    private static final class Writer {
        private final byte[] out;
        private int position;

        Writer(byte[] out) {
            this.out = out;
        }

        void u8(int value) {
            out[position++] = (byte) value;
        }

        void u32(long value) {
            u8((int) (value >>> 24));
            u8((int) (value >>> 16));
            u8((int) (value >>> 8));
            u8((int) value);
        }

        void u64(long value) {
            u32(value >>> 32);
            u32(value);
        }
    }
}
