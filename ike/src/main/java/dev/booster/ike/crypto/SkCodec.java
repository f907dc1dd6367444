package dev.booster.ike.crypto;

import dev.booster.ike.message.IkeHeader;
import dev.booster.ike.message.IkeMessage;
import dev.booster.ike.message.MalformedMessageException;
import dev.booster.ike.message.MessageCodec;
import dev.booster.ike.message.Payload;
import dev.booster.ike.message.PayloadType;

import java.util.List;

/** Builds and opens messages whose payloads travel inside one SK payload. */
public final class SkCodec {
    private SkCodec() {
    }

    /** The datagram for {@code header} with {@code inner} payloads encrypted by {@code cipher}. */
    public static byte[] encode(IkeHeader header, List<Payload> inner, SkCipher cipher) {
        byte[] chain = MessageCodec.encodeChain(inner);
        int plaintextLength = cipher.plaintextLength(chain.length);
        byte[] plaintext = new byte[plaintextLength];
        System.arraycopy(chain, 0, plaintext, 0, chain.length);
        plaintext[plaintextLength - 1] = (byte) (plaintextLength - chain.length - 1);
        int skLength = 4 + cipher.ivLength() + plaintextLength + cipher.icvLength();
        int total = IkeHeader.SIZE + skLength;
        if (total > MessageCodec.MAX_MESSAGE) throw new IllegalArgumentException("IKE message of " + total + " bytes is too large");
        byte[] message = new byte[total];
        MessageCodec.writeHeader(header.withNextPayloadAndLength(PayloadType.SK, total), message);
        int sk = IkeHeader.SIZE;
        message[sk] = (byte) (inner.isEmpty() ? PayloadType.NONE : inner.getFirst().type());
        message[sk + 2] = (byte) (skLength >>> 8);
        message[sk + 3] = (byte) skLength;
        cipher.seal(message, sk, plaintext);
        return message;
    }

    /**
     * The payloads inside {@code decoded}'s SK payload. Throws {@link IntegrityCheckFailedException} when the ICV does
     * not verify, {@link MalformedMessageException} when there is no SK payload or the inner payloads are malformed.
     */
    public static List<Payload> decode(byte[] datagram, IkeMessage decoded, SkCipher cipher) {
        Payload last = decoded.payloads().isEmpty() ? null : decoded.payloads().getLast();
        if (!(last instanceof Payload.Encrypted sk)) {
            throw new MalformedMessageException(decoded.header() + " carries no SK payload; it must be encrypted");
        }
        int length = decoded.header().length();
        int skOffset = length - 4 - sk.body().length();
        byte[] inner = cipher.open(datagram, length, skOffset);
        return MessageCodec.decodeChain(sk.firstInnerType(), inner, 0, inner.length);
    }
}
