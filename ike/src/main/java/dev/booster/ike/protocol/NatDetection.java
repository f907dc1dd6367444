package dev.booster.ike.protocol;

import dev.booster.ike.message.IkeMessage;
import dev.booster.ike.message.NotifyType;
import dev.booster.ike.message.Octets;
import dev.booster.ike.message.Payload;

import java.net.InetSocketAddress;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;

/**
 * NAT detection (RFC 7296 §2.23): each side hashes the addresses it sends from and to; a hash that does not match
 * what the receiver sees means an address was translated on the way, so ESP must travel in UDP on port 4500.
 * strongSwan's {@code encap = yes} fakes a mismatch on purpose to force that.
 */
final class NatDetection {
    private NatDetection() {
    }

    /** SHA-1(SPIi | SPIr | IP | port). */
    static Octets hash(long spiI, long spiR, InetSocketAddress endpoint) {
        try {
            MessageDigest sha1 = MessageDigest.getInstance("SHA-1");
            for (long spi : new long[]{spiI, spiR}) {
                for (int i = 0; i < 8; i++) sha1.update((byte) (spi >>> (56 - 8 * i)));
            }
            sha1.update(endpoint.getAddress().getAddress());
            sha1.update((byte) (endpoint.getPort() >>> 8));
            sha1.update((byte) endpoint.getPort());
            return Octets.of(sha1.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK lacks SHA-1", e);
        }
    }

    /** Our two notifies: where we send from, where we send to. */
    static List<Payload> notifies(long spiI, long spiR, InetSocketAddress local, InetSocketAddress remote) {
        return List.of(Payload.Notify.of(NotifyType.NAT_DETECTION_SOURCE_IP, hash(spiI, spiR, local)),
                Payload.Notify.of(NotifyType.NAT_DETECTION_DESTINATION_IP, hash(spiI, spiR, remote)));
    }

    static boolean offered(List<Payload> payloads) {
        return IkeMessage.all(payloads, Payload.Notify.class).stream().anyMatch(n -> n.is(NotifyType.NAT_DETECTION_SOURCE_IP));
    }

    /**
     * Whether the peer's notifies show a translation: its source hashes miss {@code peerSeenFrom} or its destination
     * hash misses {@code ourLocal}. False when the peer sent none (it does not do NAT-T).
     */
    static boolean translated(List<Payload> payloads, long spiI, long spiR, InetSocketAddress peerSeenFrom, InetSocketAddress ourLocal) {
        List<Payload.Notify> notifies = IkeMessage.all(payloads, Payload.Notify.class);
        List<Octets> sources = notifies.stream().filter(n -> n.is(NotifyType.NAT_DETECTION_SOURCE_IP)).map(Payload.Notify::data).toList();
        List<Octets> destinations = notifies.stream().filter(n -> n.is(NotifyType.NAT_DETECTION_DESTINATION_IP)).map(Payload.Notify::data).toList();
        if (sources.isEmpty() || destinations.isEmpty()) return false;
        boolean peerTranslated = !sources.contains(hash(spiI, spiR, peerSeenFrom));
        boolean weAreTranslated = !destinations.contains(hash(spiI, spiR, ourLocal));
        return peerTranslated || weAreTranslated;
    }
}
